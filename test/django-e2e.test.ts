/**
 * End to end on real software: examples/07-django-project with its generated deploy_settings.py, Procfile and
 * .do/app.yaml, on Django 4.2 LTS (Debian trixie, Python 3.13), 5.2 LTS and 6.x (Debian sid / experimental,
 * Python 3.14), each once with psycopg 3 and once with psycopg2, with gunicorn, WhiteNoise and dj-database-url,
 * against a PostgreSQL that speaks TLS only (self-signed certificate, unencrypted connections refused).
 *
 * The Python side runs inside the Debian root filesystems of scripts/deps/20-django-matrix.sh (test/helpers/
 * django-matrix.ts): the Procfile's commands from /app as on Heroku (DYNO set, DATABASE_URL without sslmode, so
 * TLS comes only from the settings' ssl_require), App Platform's from /workspace (the PRE_DEPLOY job without
 * its DEPLOYSPEC_APP_DOMAIN, the service with it; DATABASE_URL with sslmode=require as App Platform binds it). PGSSLMODE=disable
 * in every environment makes sure nothing but the settings or the URL asks for TLS.
 * Everything listens on 127.0.0.1 only; every process is stopped by process group, also on failure.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { connections, postgresBin, startPostgres } from './helpers/postgres.js';
import type { Postgres } from './helpers/postgres.js';
import { freePort, http, listeners, run, startServer, waitForHttp } from './helpers/processes.js';
import { loadMatrix, PSYCOPG3_PATH, ROOT, rootRunner } from './helpers/django-matrix.js';
import type { DjangoEnvironment } from './helpers/django-matrix.js';
import { missingForDjango, procfile, pythonBase, skipOrFail } from './helpers/e2e.js';

const EXAMPLE = join(ROOT, 'examples/07-django-project');
const HOST = 'notes.example.com';
const HTTPS = { Host: HOST, 'X-Forwarded-Proto': 'https' };
/** The Django series proven here; "6" is whatever 6.x Debian experimental has. */
const SERIES = ['4.2', '5.2', '6'];
const DRIVERS = ['psycopg', 'psycopg2'] as const;
type Driver = (typeof DRIVERS)[number];
/** The lowest companion versions the matrix must hold. */
const MINIMUM = { whitenoise: '6.8', gunicorn: '23', 'dj-database-url': '2' };

const e2e = suite('django-e2e');

const pgBin = postgresBin();
const matrix = loadMatrix();
const missing = missingForDjango(pgBin, matrix);

let pg: Postgres | null = null;
let work = '';
let inRoot: ReturnType<typeof rootRunner> | null = null;

e2e.before(async () => {
  if (missing.length) return;
  work = mkdtempSync(join(tmpdir(), 'deployspec-django-'));
  const folder = work;
  // Also on Ctrl-C (test/helpers/processes.ts exits through the 'exit' handlers), after the servers are killed.
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  inRoot = rootRunner(work);
  pg = await startPostgres(pgBin!, { tls: true });
});

e2e.after(() => {
  pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** a >= b for dotted versions (Debian epochs and revisions stripped). */
function atLeast(version: string, min: string): boolean {
  const parts = (v: string) => v.replace(/^\d+:/, '').split(/[-+~]/)[0]!.split('.').map(Number);
  const [a, b] = [parts(version), parts(min)];
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i]!;
  return true;
}

/** One platform's view of the app: where its commands run and with which environment. */
interface Platform {
  label: string;
  env: DjangoEnvironment;
  source: string;
  /** /app on Heroku, /workspace on App Platform. */
  at: string;
  port: number;
  db: string;
  /** application_name of this platform's connections (PGAPPNAME). */
  appName: string;
}

async function mustRun(p: Platform, command: string, env: NodeJS.ProcessEnv): Promise<string> {
  const res = await run(inRoot!(p.env, p.source, p.at, command), { cwd: work, env, timeoutMs: 120_000 });
  assert.is(res.code, 0, `${p.label}: \`${command}\` exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout + res.stderr;
}

/** Runs a web command the way the platform would, checks it over HTTP and its database connections, and stops it. */
async function serveAndCheck(p: Platform, command: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { label, port, db } = p;
  const server = startServer(inRoot!(p.env, p.source, p.at, command), { cwd: work, env });
  try {
    await waitForHttp(port, '/healthz', { Host: '127.0.0.1' }, server, 60_000);
    const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter(existsSync).map((f) => readFileSync(f, 'utf8'));
    assert.equal(listeners(port, tables), [`0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`], `${label}: listens on 127.0.0.1 only`);

    // The platform router: HTTPS terminated in front, Host from the spec.
    const page = await http(port, '/', HTTPS);
    assert.is(page.status, 200, `${label}: GET / → ${page.status}\n${page.body}\n${server.output()}`);
    const html = page.body.toString();
    const css = /href="(\/static\/notes\/site\.[0-9a-f]{12}\.css)"/.exec(html)?.[1];
    assert.ok(css, `${label}: the page links the hashed stylesheet of the manifest storage:\n${html}`);

    const note = `written by the test ${randomBytes(4).toString('hex')} \u2713`;
    const id = pg!.sql(db, `INSERT INTO notes_note (text, created) VALUES ('${note}', now()) RETURNING id`).split('\n')[0]!;
    const detail = await http(port, `/notes/${id}/`, HTTPS);
    assert.is(detail.status, 200, `${label}: DB-backed view → ${detail.status}\n${server.output().slice(-1500)}`);
    assert.equal(JSON.parse(detail.body.toString()), { id: Number(id), text: note });
    // CONN_MAX_AGE keeps the worker's connection open: it is there, and encrypted.
    const conns = connections(pg!, db, p.appName);
    assert.ok(conns.length > 0, `${label}: the web workers hold a database connection`);
    assert.ok(
      conns.every((c) => c.ssl && /^TLSv1\.[23]$/.test(c.version)),
      `${label}: every web connection uses TLS: ${JSON.stringify(conns)}`,
    );

    const gz = await http(port, css!, { ...HTTPS, 'Accept-Encoding': 'gzip' });
    assert.is(gz.status, 200, `${label}: static file`);
    assert.match(String(gz.headers['cache-control']), /max-age=315360000/);
    assert.match(String(gz.headers['cache-control']), /immutable/, `${label}: hashed files are cached as immutable`);
    assert.is(gz.headers['content-encoding'], 'gzip');
    const original = readFileSync(join(EXAMPLE, 'notes/static/notes/site.css'), 'utf8');
    assert.is(gunzipSync(gz.body).toString(), original, `${label}: gzip body is the stylesheet`);
    const plain = await http(port, css!, HTTPS);
    assert.is(plain.headers['content-encoding'], undefined, `${label}: no gzip unless asked`);

    // Security: plain HTTP is redirected, unknown hosts are refused, the wildcard host is allowed.
    const insecure = await http(port, '/', { Host: HOST });
    assert.is(insecure.status, 301);
    assert.is(insecure.headers.location, `https://${HOST}/`);
    assert.is((await http(port, '/', { ...HTTPS, Host: 'evil.example.net' })).status, 400, `${label}: ALLOWED_HOSTS`);
    assert.is((await http(port, '/', { ...HTTPS, Host: 'a.notes.example.org' })).status, 200, `${label}: wildcard host`);
    assert.match(String(page.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/);

    // A cross-origin POST from the wildcard host passes CSRF only when CSRF_TRUSTED_ORIGINS fits this Django.
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];
    const cookie = String(page.headers['set-cookie'] ?? '');
    assert.match(cookie, /csrftoken=[^;]+;.*Secure/, `${label}: secure CSRF cookie`);
    const csrfCookie = /csrftoken=([^;]+)/.exec(cookie)![1]!;
    const post = (origin: string) =>
      http(
        port,
        '/notes/',
        { ...HTTPS, 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `csrftoken=${csrfCookie}`, Origin: origin, Referer: `${origin}/` },
        'POST',
        `csrfmiddlewaretoken=${encodeURIComponent(token!)}&text=posted`,
      );
    const trusted = await post('https://www.notes.example.org');
    assert.is(trusted.status, 201, `${label}: POST from a trusted origin → ${trusted.status}\n${server.output().slice(-1500)}`);
    assert.is((await post('https://evil.example.net')).status, 403, `${label}: POST from another origin is refused`);

    // The platform health checker: plain HTTP, no X-Forwarded-Proto, the container address as Host.
    const health = await http(port, '/healthz', { Host: '127.0.0.1' });
    assert.is(health.status, 200, `${label}: health check → ${health.status}`);
    assert.is((await http(port, '/', { Host: '127.0.0.1', 'X-Forwarded-Proto': 'https' })).status, 400, `${label}: only the health path ignores Host`);
  } finally {
    await server.stop();
  }
}

/** Versions as the app sees them, printed by Python inside the root. */
const PROBE = `python -c '
import importlib.metadata as md, json, sys, django, gunicorn
from django.db.backends.postgresql.psycopg_any import is_psycopg3
if is_psycopg3:
    import psycopg as db
    driver = ("psycopg", db.__version__, db.pq.__impl__, db.__file__)
else:
    import psycopg2 as db
    driver = ("psycopg2", db.__version__.split()[0], "c", db.__file__)
print(json.dumps({"django": django.get_version(), "djangoFile": django.__file__, "python": sys.version.split()[0],
  "gunicorn": gunicorn.__version__, "whitenoise": md.version("whitenoise"), "driver": driver}))
' && dpkg-query -W -f='\${Version}\\n' python3-dj-database-url`;

/** What the settings hand to the driver, and what the server says about the connection (as `heroku run`). */
const CONNECTION = `python manage.py shell -c '
from django.db import connection as c
with c.cursor() as cur:
    cur.execute("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    ssl, version = cur.fetchone()
print("connection:", c.Database.__name__, c.settings_dict["OPTIONS"].get("sslmode"), ssl, version)
'`;

/** What the project's own production settings set, as the generated settings module leaves it. */
const KEPT = `python manage.py shell -c '
from django.conf import settings as s
d = s.DATABASES["default"]
print("kept:", d.get("ATOMIC_REQUESTS"), d["OPTIONS"].get("connect_timeout"), s.TIME_ZONE, s.ADMINS[0][1], ",".join(s.LOGGING["loggers"]), s.DEBUG)
'`;

function e2eRun(env: DjangoEnvironment, driver: Driver): void {
  const name = `Django ${env.version} (Python ${env.python}, ${env.rootName}) + ${driver === 'psycopg' ? 'psycopg 3' : 'psycopg2'}: check --deploy, Procfile and App Platform commands on PostgreSQL (TLS) + gunicorn + WhiteNoise`;
  e2e(name, async () => {
    const started = Date.now();
    const id = `${env.series.replace('.', '')}_${driver}`;
    const source = join(work, id);
    cpSync(EXAMPLE, source, { recursive: true });
    const db = `notes_${id}`;
    pg!.createDatabase(db);
    const port = await freePort();
    const pythonPath = [driver === 'psycopg' ? PSYCOPG3_PATH : '', env.pythonPath].filter(Boolean).join(':');
    const base = pythonBase(pythonPath);
    const secret = randomBytes(40).toString('base64url');
    const runtime = (appName: string): NodeJS.ProcessEnv => ({
      ...base,
      PGAPPNAME: appName,
      SECRET_KEY: secret,
      PORT: String(port),
      // gunicorn binds 0.0.0.0:$PORT when PORT is set and no --bind is given.
      GUNICORN_CMD_ARGS: `--bind 127.0.0.1:${port} --workers 2`,
    });
    const heroku: Platform = { label: `Procfile (Django ${env.version}, ${driver})`, env, source, at: '/app', port, db, appName: `e2e-heroku-${id}` };
    // Heroku sets the plain config vars of the generated app.json (DJANGO_SETTINGS_MODULE among them); secrets and
    // add-on URLs come from the platform.
    const appJson = JSON.parse(readFileSync(join(source, 'app.json'), 'utf8')) as { env: Record<string, { value?: string }> };
    const herokuVars: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(appJson.env).flatMap(([k, v]) => (v.value === undefined ? [] : [[k, v.value]])));
    assert.ok(herokuVars.DJANGO_SETTINGS_MODULE?.endsWith('.deploy_settings'), 'app.json points DJANGO_SETTINGS_MODULE at the generated module');
    const herokuEnv = (dyno: string): NodeJS.ProcessEnv => ({ ...runtime(heroku.appName), ...herokuVars, DYNO: dyno, DATABASE_URL: pg!.url(db) });

    const versions = (await mustRun(heroku, PROBE, base)).trim().split('\n');
    const seen = JSON.parse(versions[0]!) as {
      django: string;
      djangoFile: string;
      python: string;
      gunicorn: string;
      whitenoise: string;
      driver: [string, string, string, string];
    };
    assert.is(seen.django, env.version, `the matrix promised Django ${env.version}, the root has ${seen.django} (${seen.djangoFile})`);
    assert.ok(seen.django.startsWith(env.series + '.'));
    assert.is(seen.driver[0], driver, `Django's postgresql backend picked ${seen.driver[0]} (${seen.driver[3]})`);
    const companions = { whitenoise: seen.whitenoise, gunicorn: seen.gunicorn, 'dj-database-url': versions[1]! };
    for (const [pkg, min] of Object.entries(MINIMUM)) {
      const v = companions[pkg as keyof typeof companions];
      assert.ok(atLeast(v, min), `${pkg} ${v} is older than ${min}`);
    }

    const check = await mustRun(heroku, 'python manage.py check --deploy --fail-level WARNING', {
      ...base,
      ...herokuVars,
      SECRET_KEY: secret,
      DATABASE_URL: pg!.url(db),
    });
    assert.match(check, /System check identified no issues/);
    // Development is untouched: manage.py's own settings, with no production variable at all.
    const dev = await mustRun(heroku, 'python manage.py check', base);
    assert.match(dev, /System check identified no issues/);
    // The project's own production settings survive the layering (notesite/production.py).
    const kept = await mustRun(heroku, KEPT, herokuEnv('run.1'));
    assert.match(kept, /^kept: True 5 Europe\/Berlin ops@notes\.example\.com notes False$/m, kept);

    const noKey = await run(inRoot!(env, source, '/app', 'python manage.py check'), {
      cwd: work,
      env: { ...base, ...herokuVars, SECRET_KEY: '', DATABASE_URL: pg!.url(db) },
    });
    assert.is.not(noKey.code, 0);
    assert.match(noKey.stderr, /deploy_settings: SECRET_KEY is not set/);

    // The build: no secrets and no database, only the documented build-time switch.
    await mustRun(heroku, 'python manage.py collectstatic --noinput', { ...base, ...herokuVars, DJANGO_COLLECTSTATIC: '1' });
    assert.ok(existsSync(join(source, 'staticfiles/staticfiles.json')), 'collectstatic wrote the manifest into the default STATIC_ROOT');

    const lines = procfile(readFileSync(join(source, 'Procfile'), 'utf8'));
    assert.ok(lines.release && lines.web, 'the generated Procfile has release and web lines');
    // Off the platform the settings do not ask for TLS, and this server refuses anything else: the release
    // command below succeeds only because the settings require TLS on Heroku (DYNO set).
    const offPlatform = await run(inRoot!(env, source, '/app', lines.release!), {
      cwd: work,
      env: { ...runtime(heroku.appName), ...herokuVars, DATABASE_URL: pg!.url(db) },
    });
    assert.is.not(offPlatform.code, 0, 'without DYNO, the release command must not reach the TLS-only server');
    assert.match(offPlatform.stderr, /no encryption/, `refused by pg_hba for lack of TLS:\n${offPlatform.stderr.slice(-800)}`);

    await mustRun(heroku, lines.release!, herokuEnv('release.1'));
    assert.is(pg!.sql(db, "SELECT count(*) FROM django_migrations WHERE app = 'notes'"), '1', 'release applied the migration');
    const conn = await mustRun(heroku, CONNECTION, herokuEnv('run.1'));
    assert.match(conn, new RegExp(`connection: ${driver} require True TLSv1\\.[23]`), `heroku run: settings ask for sslmode=require and get TLS:\n${conn}`);
    await serveAndCheck(heroku, lines.web!, herokuEnv('web.1'));

    type DoEnv = { key: string; value?: string };
    const app = parse(readFileSync(join(source, '.do/app.yaml'), 'utf8')) as {
      envs?: DoEnv[];
      services: { run_command: string; envs?: DoEnv[] }[];
      jobs?: { kind: string; run_command: string }[];
    };
    const pre = (app.jobs ?? []).filter((j) => j.kind === 'PRE_DEPLOY');
    assert.ok(pre.length, 'app.yaml has a PRE_DEPLOY job');
    pg!.sql(db, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    const appPlatform: Platform = { ...heroku, label: `App Platform (Django ${env.version}, ${driver})`, at: '/workspace', appName: `e2e-do-${id}` };
    // App Platform sets the spec's variables, binding ${db.DATABASE_URL} (with sslmode=require) and ${APP_DOMAIN};
    // PORT is the service's own and the test's servers bind 127.0.0.1 (GUNICORN_CMD_ARGS), so it is left out.
    const binds: Record<string, string> = {
      '${db.DATABASE_URL}': `${pg!.url(db)}?sslmode=require`,
      '${APP_DOMAIN}': `notes-${randomBytes(3).toString('hex')}.ondigitalocean.app`,
    };
    const doVars = (list: DoEnv[] = []): NodeJS.ProcessEnv =>
      Object.fromEntries(list.flatMap((e) => (e.value === undefined || e.key === 'PORT' ? [] : [[e.key, binds[e.value] ?? e.value]])));
    const doEnv = { ...runtime(appPlatform.appName), ...doVars(app.envs) };
    assert.ok(
      doEnv.DATABASE_URL?.includes('sslmode=require') && doEnv.DJANGO_SETTINGS_MODULE?.endsWith('.deploy_settings'),
      'app.yaml binds the database and the generated settings module',
    );
    for (const job of pre) await mustRun(appPlatform, job.run_command, doEnv);
    assert.is(pg!.sql(db, "SELECT count(*) FROM django_migrations WHERE app = 'notes'"), '1', 'PRE_DEPLOY job applied the migration');
    await serveAndCheck(appPlatform, app.services[0]!.run_command, { ...doEnv, ...doVars(app.services[0]!.envs) });

    const took = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `  django-e2e: Django ${seen.django} on Python ${seen.python} with ${seen.driver[0]} ${seen.driver[1]} (${seen.driver[2]}), gunicorn ${seen.gunicorn}, WhiteNoise ${seen.whitenoise}, dj-database-url ${versions[1]}: ${took} s`,
    );
  });
}

for (const series of SERIES) {
  const env = 'environments' in matrix ? matrix.environments.find((e) => e.series === series) : undefined;
  for (const driver of DRIVERS) {
    const name = `Django ${series}${series.includes('.') ? '' : '.x'} + ${driver}: end to end`;
    if (missing.length) skipOrFail(e2e, name, `missing: ${missing.join('; ')}. Run \`sudo bash scripts/system-deps.sh\`.`);
    else if (!env)
      skipOrFail(e2e, name, `the matrix in ${'dir' in matrix ? matrix.dir : '?'} has no Django ${series}. Run \`sudo bash scripts/system-deps.sh\`.`);
    else e2eRun(env, driver);
  }
}

const PG_TEST = 'PostgreSQL uses scram and TLS: a wrong password and an unencrypted connection are refused';
if (missing.length) skipOrFail(e2e, PG_TEST, `missing: ${missing.join('; ')}.`);
else
  e2e(PG_TEST, () => {
    assert.throws(() => pg!.sql('postgres', 'SELECT 1', 'wrong'), /password authentication failed/);
    const plain = spawnSync(join(pgBin!, 'psql'), ['-X', '-At', '-c', 'SELECT 1', pg!.url('postgres') + '?sslmode=disable'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.is.not(plain.status, 0);
    assert.match(plain.stderr, /no encryption/);
    assert.is(pg!.sql('postgres', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'), 't');
  });

e2e.run();
