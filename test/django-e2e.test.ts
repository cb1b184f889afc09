/**
 * End to end on real software: examples/07-django-project with its generated deploy_settings.py, Procfile and
 * .do/app.yaml, run against PostgreSQL, gunicorn and WhiteNoise from Debian, on Django 3.2 and 4.2.
 * Everything listens on 127.0.0.1 only; every process is stopped by process group, also on failure.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { ROOT } from './helpers/spec.js';
import { postgresBin, startPostgres } from './helpers/postgres.js';
import type { Postgres } from './helpers/postgres.js';
import { freePort, http, listeners, run, startServer, waitForHttp } from './helpers/processes.js';

const EXAMPLE = join(ROOT, 'examples/07-django-project');
const DJANGO42 = process.env.DJANGO42_DIR ?? '/opt/deployspec-test/django42';
const HOST = 'notes.example.com';
const HTTPS = { Host: HOST, 'X-Forwarded-Proto': 'https' };

/** Skips loudly; in CI, which installs the packages (.ci/run), the test fails instead. */
function skipOrFail(name: string, message: string): void {
  if (process.env.CI === 'true') e2e(name, () => assert.unreachable(`${message} — CI must run the end-to-end test`));
  else {
    loud(`${name} — ${message}`);
    e2e.skip(name, () => {});
  }
}

function loud(message: string): void {
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\n!! SKIPPED: ${message}\n${bar}\n`);
}




const pgBin = postgresBin();
const modules = spawnSync('/usr/bin/python3', ['-c', 'import django, whitenoise, dj_database_url, psycopg2'], { encoding: 'utf8' });
const missing = [
  modules.status !== 0 ? 'python3-django python3-whitenoise python3-dj-database-url python3-psycopg2' : '',
  existsSync('/usr/bin/gunicorn') ? '' : 'gunicorn',
  pgBin ? '' : 'postgresql',
].filter(Boolean);

const versions = [
  { label: '3.2', pythonPath: '' },
  { label: '4.2', pythonPath: join(DJANGO42, 'site') },
];

const e2e = suite('django-e2e');
let pg: Postgres | null = null;
let work = '';

e2e.before(async () => {
  if (missing.length) return;
  work = mkdtempSync(join(tmpdir(), 'deployspec-django-'));
  // Procfiles say `python …`: both names must be the Debian interpreter that has Django.
  mkdirSync(join(work, 'bin'));
  for (const name of ['python', 'python3']) symlinkSync('/usr/bin/python3', join(work, 'bin', name));
  pg = await startPostgres(pgBin!);
});

e2e.after(() => {
  pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `name: command` lines of a Procfile, as node-foreman reads them. */
function procfile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

interface Run {
  dir: string;
  env: NodeJS.ProcessEnv;
  port: number;
  db: string;
}

async function mustRun(r: Run, command: string, env: NodeJS.ProcessEnv = r.env): Promise<string> {
  const res = await run(command, { cwd: r.dir, env });
  assert.is(res.code, 0, `\`${command}\` exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout + res.stderr;
}

/** Runs a web command the way the platform would, checks it over HTTP, and stops it. */
async function serveAndCheck(r: Run, command: string, label: string): Promise<void> {
  const server = startServer(command, { cwd: r.dir, env: r.env });
  try {
    await waitForHttp(r.port, '/healthz', { Host: '127.0.0.1' }, server);
    const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter(existsSync).map((f) => readFileSync(f, 'utf8'));
    assert.equal(listeners(r.port, tables), [`0100007F:${r.port.toString(16).toUpperCase().padStart(4, '0')}`], `${label}: listens on 127.0.0.1 only`);

    // The platform router: HTTPS terminated in front, Host from the spec.
    const page = await http(r.port, '/', HTTPS);
    assert.is(page.status, 200, `${label}: GET / → ${page.status}\n${page.body}\n${server.output()}`);
    const html = page.body.toString();
    const css = /href="(\/static\/notes\/site\.[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    assert.ok(css, `${label}: the page links the hashed stylesheet of the manifest storage:\n${html}`);

    const note = `written by the test ${randomBytes(4).toString('hex')} \u2713`;
    const id = pg!.sql(r.db, `INSERT INTO notes_note (text, created) VALUES ('${note}', now()) RETURNING id`).split('\n')[0]!;
    const detail = await http(r.port, `/notes/${id}/`, HTTPS);
    assert.is(detail.status, 200, `${label}: DB-backed view`);
    assert.equal(JSON.parse(detail.body.toString()), { id: Number(id), text: note });

    const gz = await http(r.port, css!, { ...HTTPS, 'Accept-Encoding': 'gzip' });
    assert.is(gz.status, 200, `${label}: static file`);
    assert.match(String(gz.headers['cache-control']), /max-age=315360000/);
    assert.is(gz.headers['content-encoding'], 'gzip');
    const original = readFileSync(join(EXAMPLE, 'notes/static/notes/site.css'), 'utf8');
    assert.is(gunzipSync(gz.body).toString(), original, `${label}: gzip body is the stylesheet`);
    const plain = await http(r.port, css!, HTTPS);
    assert.is(plain.headers['content-encoding'], undefined, `${label}: no gzip unless asked`);

    // Security: plain HTTP is redirected, unknown hosts are refused, the wildcard host is allowed.
    const insecure = await http(r.port, '/', { Host: HOST });
    assert.is(insecure.status, 301);
    assert.is(insecure.headers.location, `https://${HOST}/`);
    assert.is((await http(r.port, '/', { ...HTTPS, Host: 'evil.example.net' })).status, 400, `${label}: ALLOWED_HOSTS`);
    assert.is((await http(r.port, '/', { ...HTTPS, Host: 'a.notes.example.org' })).status, 200, `${label}: wildcard host`);
    assert.match(String(page.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/);

    // A cross-origin POST from the wildcard host passes CSRF only when CSRF_TRUSTED_ORIGINS fits this Django.
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];
    const cookie = String(page.headers['set-cookie'] ?? '');
    assert.match(cookie, /csrftoken=[^;]+;.*Secure/, `${label}: secure CSRF cookie`);
    const csrfCookie = /csrftoken=([^;]+)/.exec(cookie)![1]!;
    const post = (origin: string) =>
      http(r.port, '/notes/', { ...HTTPS, 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `csrftoken=${csrfCookie}`, Origin: origin, Referer: `${origin}/` }, 'POST', `csrfmiddlewaretoken=${encodeURIComponent(token!)}&text=posted`);
    const trusted = await post('https://www.notes.example.org');
    assert.is(trusted.status, 201, `${label}: POST from a trusted origin → ${trusted.status}\n${server.output().slice(-1500)}`);
    assert.is((await post('https://evil.example.net')).status, 403, `${label}: POST from another origin is refused`);

    // The platform health checker: plain HTTP, no X-Forwarded-Proto, the container address as Host.
    const health = await http(r.port, '/healthz', { Host: '127.0.0.1' });
    assert.is(health.status, 200, `${label}: health check → ${health.status}`);
    assert.is((await http(r.port, '/', { Host: '127.0.0.1', 'X-Forwarded-Proto': 'https' })).status, 400, `${label}: only the health path ignores Host`);
  } finally {
    await server.stop();
  }
}

for (const v of versions) {
  const name = `Django ${v.label}: check --deploy, Procfile and App Platform commands on PostgreSQL + gunicorn`;
  if (missing.length) {
    skipOrFail(name, `missing Debian packages: ${missing.join(' ')}. Run \`sudo bash scripts/system-deps.sh\`.`);
    continue;
  }
  if (v.pythonPath && !existsSync(join(DJANGO42, '.ok'))) {
    skipOrFail(name, `no Django 4.2 unpacked in ${DJANGO42}. Run \`sudo bash scripts/system-deps.sh\`.`);
    continue;
  }
  e2e(name, async () => {
    const dir = join(work, `django${v.label}`);
    cpSync(EXAMPLE, dir, { recursive: true });
    const db = `notes_${v.label.replace('.', '')}`;
    pg!.createDatabase(db);
    const port = await freePort();
    const base: NodeJS.ProcessEnv = {
      PATH: `${join(work, 'bin')}:/usr/bin:/bin`,
      HOME: work,
      LANG: 'C.UTF-8',
      PYTHONDONTWRITEBYTECODE: '1',
      ...(v.pythonPath ? { PYTHONPATH: v.pythonPath } : {}),
    };
    const env: NodeJS.ProcessEnv = {
      ...base,
      SECRET_KEY: randomBytes(40).toString('base64url'),
      DATABASE_URL: pg!.url(db),
      PORT: String(port),
      // gunicorn binds 0.0.0.0:$PORT when PORT is set and no --bind is given.
      GUNICORN_CMD_ARGS: `--bind 127.0.0.1:${port} --workers 2`,
      // A fresh STATIC_ROOT per run: collectstatic output of one Django version can break another.
      DJANGO_STATIC_ROOT: join(dir, `static-${v.label}`),
    };
    const r: Run = { dir, env, port, db };

    const version = await mustRun(r, `python -c 'import django; print(django.get_version())'`);
    assert.ok(version.startsWith(v.label + '.'), `expected Django ${v.label}, got ${version}`);

    const check = await mustRun(r, 'python manage.py check --deploy --fail-level WARNING');
    assert.match(check, /System check identified no issues/);

    const noKey = await run('python manage.py check', { cwd: dir, env: { ...env, SECRET_KEY: '' } });
    assert.is.not(noKey.code, 0);
    assert.match(noKey.stderr, /deploy_settings: SECRET_KEY is not set/);

    // The build: no secrets and no database, only the documented build-time switch.
    const { SECRET_KEY: _k, DATABASE_URL: _d, ...buildEnv } = env;
    await mustRun(r, 'python manage.py collectstatic --noinput', { ...buildEnv, DJANGO_COLLECTSTATIC: '1' });
    assert.ok(existsSync(join(env.DJANGO_STATIC_ROOT!, 'staticfiles.json')), 'collectstatic wrote the manifest');

    const lines = procfile(readFileSync(join(dir, 'Procfile'), 'utf8'));
    assert.ok(lines.release && lines.web, 'the generated Procfile has release and web lines');
    await mustRun(r, lines.release!);
    assert.is(pg!.sql(db, "SELECT count(*) FROM django_migrations WHERE app = 'notes'"), '1', 'release applied the migration');
    await serveAndCheck(r, lines.web!, `Procfile (Django ${v.label})`);

    const app = parse(readFileSync(join(dir, '.do/app.yaml'), 'utf8')) as { services: { run_command: string }[]; jobs?: { kind: string; run_command: string }[] };
    const pre = (app.jobs ?? []).filter((j) => j.kind === 'PRE_DEPLOY');
    assert.ok(pre.length, 'app.yaml has a PRE_DEPLOY job');
    pg!.sql(db, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    for (const job of pre) await mustRun(r, job.run_command);
    assert.is(pg!.sql(db, "SELECT count(*) FROM django_migrations WHERE app = 'notes'"), '1', 'PRE_DEPLOY job applied the migration');
    await serveAndCheck(r, app.services[0]!.run_command, `App Platform (Django ${v.label})`);
  });
}

e2e('PostgreSQL uses scram: a wrong password is refused', () => {
  if (!pg) return;
  assert.throws(() => pg!.sql('postgres', 'SELECT 1', 'wrong'), /password authentication failed/);
});

e2e.run();
