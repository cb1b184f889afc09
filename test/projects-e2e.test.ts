/**
 * deployspec on the layouts real Django projects have (test/fixtures/projects/<class>/): for each, with no edit to
 * any project file, `deployspec init` then `deployspec build --target all` (no --force), then on Django 5.2 from the
 * matrix (test/helpers/django-matrix.ts) with PostgreSQL over TLS:
 *  - Heroku: the Procfile's release and web commands from /app (DYNO set), with app.json's config vars;
 *  - App Platform: the app spec's PRE_DEPLOY job and web service from /workspace/<source_dir>, with its envs;
 * each serving the fixture's database-backed page (written on the first GET, read on the second) and a probe that
 * shows the project's own production settings survive (database options, logging, admins, time zone, and which
 * variable holds the secret key). Last, `manage.py check` with the project's development settings and no
 * production variable at all.
 * One PostgreSQL for all fixtures, one database each; everything listens on 127.0.0.1 and is stopped by process
 * group, also on failure.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { postgresBin, startPostgres } from './helpers/postgres.js';
import type { Postgres } from './helpers/postgres.js';
import { freePort, http, run, startServer, waitForHttp } from './helpers/processes.js';
import { loadMatrix, ROOT, rootRunner } from './helpers/django-matrix.js';
import type { DjangoEnvironment } from './helpers/django-matrix.js';
import { appPlatformVars, herokuConfigVars, missingForDjango, procfile, pythonBase, skipOrFail } from './helpers/e2e.js';
import type { DoEnv } from './helpers/e2e.js';

const FIXTURES = join(ROOT, 'test/fixtures/projects');
const CLI = join(ROOT, 'bin/deployspec.js');
const SERIES = '5.2';

/** What each fixture's production settings set, as its probe view must show them on both platforms. */
interface Expected {
  database: Record<string, unknown>;
  loggers: string[];
  admins: [string, string][];
  timeZone: string;
  secretKeyEnv: string;
}

const EXPECTED: Record<string, Expected> = {
  flat: {
    database: { ATOMIC_REQUESTS: true, CONN_MAX_AGE: 60 },
    loggers: ['django.request', 'guestbook'],
    admins: [['Guestbook admin', 'admin@guestbook.example']],
    timeZone: 'America/Chicago',
    secretKeyEnv: 'SECRET_KEY',
  },
  'split-settings': {
    database: { ATOMIC_REQUESTS: true, CONN_MAX_AGE: 300, OPTIONS: { connect_timeout: 10 } },
    loggers: ['django.db.backends', 'polls'],
    admins: [
      ['Polls team', 'polls@example.org'],
      ['On call', 'oncall@example.org'],
    ],
    timeZone: 'Europe/Paris',
    secretKeyEnv: 'SECRET_KEY',
  },
  'src-layout': {
    database: { CONN_MAX_AGE: 120, OPTIONS: { connect_timeout: 7, options: '-c statement_timeout=15000' } },
    loggers: ['books'],
    admins: [['Shelf Ops', 'ops@shelf.example.net']],
    timeZone: 'Asia/Tokyo',
    secretKeyEnv: 'SECRET_KEY',
  },
  monorepo: {
    database: { ATOMIC_REQUESTS: true, OPTIONS: { connect_timeout: 3, keepalives: 1, keepalives_idle: 30 } },
    loggers: ['todos'],
    admins: [['Tasks', 'tasks@example.com']],
    timeZone: 'Australia/Sydney',
    secretKeyEnv: 'SECRET_KEY',
  },
  nested: {
    database: { CONN_MAX_AGE: null, OPTIONS: { connect_timeout: 4 } },
    loggers: ['django.security.DisallowedHost', 'inventory'],
    admins: [['Warehouse', 'it@warehouse.example']],
    timeZone: 'America/Sao_Paulo',
    secretKeyEnv: 'SECRET_KEY',
  },
  'procfile-appjson': {
    database: { ATOMIC_REQUESTS: true, CONN_MAX_AGE: 600 },
    loggers: ['hello'],
    admins: [['Getting Started', 'getting-started@example.com']],
    timeZone: 'Europe/London',
    secretKeyEnv: 'DJANGO_SECRET_KEY',
  },
  'do-app-yaml': {
    database: { CONN_MAX_AGE: 30, OPTIONS: { connect_timeout: 6 } },
    loggers: ['shop.orders'],
    admins: [['Shop', 'shop@example.co']],
    timeZone: 'America/New_York',
    secretKeyEnv: 'SECRET_KEY',
  },
  poetry: {
    database: { ATOMIC_REQUESTS: true, CONN_MAX_AGE: 45, OPTIONS: { connect_timeout: 8 } },
    loggers: ['blog', 'django'],
    admins: [['Editor', 'editor@blog.example']],
    timeZone: 'Europe/Madrid',
    secretKeyEnv: 'SECRET_KEY',
  },
  uv: {
    database: { ATOMIC_REQUESTS: false, CONN_MAX_AGE: 90, OPTIONS: { connect_timeout: 9, application_name: 'planner' } },
    loggers: ['gunicorn.error', 'todo'],
    admins: [['Planner', 'planner@example.dev']],
    timeZone: 'Pacific/Auckland',
    secretKeyEnv: 'SECRET_KEY',
  },
  pipenv: {
    database: { ATOMIC_REQUESTS: true, CONN_MAX_AGE: 0, OPTIONS: { connect_timeout: 12, keepalives_count: 3 } },
    loggers: ['events'],
    admins: [
      ['Events desk', 'desk@events.example'],
      ['Ops', 'ops@events.example'],
    ],
    timeZone: 'Africa/Nairobi',
    secretKeyEnv: 'SECRET_KEY',
  },
  'secret-key-env': {
    database: { ATOMIC_REQUESTS: true, CONN_MAX_AGE: 600, OPTIONS: { connect_timeout: 5, options: '-c search_path=public' } },
    loggers: ['wiki'],
    admins: [['Wiki', 'wiki@example.com']],
    timeZone: 'Asia/Kolkata',
    secretKeyEnv: 'DJANGO_SECRET_KEY',
  },
};

const projects = suite('projects-e2e');

const pgBin = postgresBin();
const matrix = loadMatrix();
const missing = missingForDjango(pgBin, matrix);
const django = 'environments' in matrix ? matrix.environments.find((e) => e.series === SERIES) : undefined;

let pg: Postgres | null = null;
let work = '';
let inRoot: ReturnType<typeof rootRunner> | null = null;

projects.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'deployspec-projects-'));
  const folder = work;
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  if (missing.length || !django) return;
  inRoot = rootRunner(work);
  pg = await startPostgres(pgBin!, { tls: true });
});

projects.after(() => {
  pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every file below `dir` (relative path → bytes). */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const abs = join(e.parentPath, e.name);
      out.set(relative(dir, abs), readFileSync(abs));
    }
  }
  return out;
}

async function cli(args: string[], cwd: string): Promise<string> {
  // No terminal and CI set, as in a pipeline: init must not wait for an answer.
  const res = await run(['node', CLI, ...args].map((a) => `'${a}'`).join(' '), {
    cwd,
    env: { PATH: process.env.PATH, HOME: work, CI: 'true' },
    timeoutMs: 60_000,
  });
  assert.is(res.code, 0, `deployspec ${args.join(' ')} exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout + res.stderr;
}

/** Init and build a copy of the fixture; returns the copy. The project's own files must come out byte-identical. */
async function initAndBuild(name: string): Promise<string> {
  const dir = join(work, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  const before = snapshot(dir);
  await cli(['init', dir], work);
  // init records the platform files it imported as adopted: the first build may replace them.
  const manifestFile = join(dir, '.deployspec/manifest.json');
  const manifest = (existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : { files: [] }) as {
    files: { path: string; adopted?: boolean }[];
  };
  const adopted = new Set(manifest.files.filter((f) => f.adopted).map((f) => f.path));
  await cli(['build', dir, '--target', 'all'], work);
  const after = snapshot(dir);
  for (const [path, bytes] of before) {
    const now = after.get(path);
    assert.ok(now, `${name}: build removed the project's ${path}`);
    if (!adopted.has(path)) assert.ok(now.equals(bytes), `${name}: init/build changed the project's ${path}, which is neither generated nor adopted`);
  }
  return dir;
}

interface Run {
  fixture: string;
  env: DjangoEnvironment;
  dir: string;
  db: string;
  port: number;
  /** Where the platform mounts the repository, and the folder its commands start in (relative to it). */
  at: string;
  cwd: string;
}

const inCwd = (r: Run, command: string) => (r.cwd === '.' ? command : `cd '${r.cwd}' && ${command}`);

async function mustRun(r: Run, label: string, command: string, env: NodeJS.ProcessEnv): Promise<string> {
  const res = await run(inRoot!(r.env, r.dir, r.at, inCwd(r, command)), { cwd: work, env, timeoutMs: 120_000 });
  assert.is(res.code, 0, `${r.fixture} (${label}): \`${command}\` exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout + res.stderr;
}

/** Serves the web command, checks the database-backed page and the probe, and stops the server. */
async function serveAndProbe(r: Run, label: string, command: string, env: NodeJS.ProcessEnv, host: string): Promise<void> {
  const server = startServer(inRoot!(r.env, r.dir, r.at, inCwd(r, command)), { cwd: work, env });
  const headers = { Host: host, 'X-Forwarded-Proto': 'https' };
  try {
    await waitForHttp(r.port, '/probe/', headers, server, 60_000);
    for (const count of ['1', '2']) {
      const page = await http(r.port, '/', headers);
      assert.is(page.status, 200, `${r.fixture} (${label}): GET / → ${page.status}\n${page.body.toString().slice(0, 1500)}\n${server.output().slice(-2000)}`);
      assert.match(page.body.toString(), `<p id=count>${count}</p>`, `${r.fixture} (${label}): visit ${count} is stored and read back`);
    }
    const probe = await http(r.port, '/probe/', headers);
    assert.is(probe.status, 200, `${r.fixture} (${label}): GET /probe/ → ${probe.status}\n${server.output().slice(-2000)}`);
    const seen = JSON.parse(probe.body.toString()) as {
      engine: string;
      database: Record<string, unknown>;
      logging: { loggers: string[] };
      admins: [string, string][];
      time_zone: string;
      secret_key_env: string[];
    };
    const want = EXPECTED[r.fixture]!;
    assert.is(seen.engine, 'django.db.backends.postgresql', `${r.fixture} (${label}): PostgreSQL from DATABASE_URL`);
    for (const [k, v] of Object.entries(want.database)) {
      if (k === 'OPTIONS') {
        const opts = seen.database.OPTIONS as Record<string, unknown>;
        for (const [o, ov] of Object.entries(v as Record<string, unknown>))
          assert.equal(opts?.[o], ov, `${r.fixture} (${label}): DATABASES OPTIONS.${o} kept: ${JSON.stringify(seen.database)}`);
      } else assert.equal(seen.database[k], v, `${r.fixture} (${label}): DATABASES ${k} kept: ${JSON.stringify(seen.database)}`);
    }
    assert.equal(seen.logging.loggers, want.loggers, `${r.fixture} (${label}): the project's LOGGING`);
    assert.equal(seen.admins, want.admins, `${r.fixture} (${label}): ADMINS`);
    assert.is(seen.time_zone, want.timeZone, `${r.fixture} (${label}): TIME_ZONE`);
    assert.equal(seen.secret_key_env, [want.secretKeyEnv], `${r.fixture} (${label}): the secret key comes from ${want.secretKeyEnv}`);
  } finally {
    await server.stop();
  }
}

/** The Django folder of the built project, from the deploy.yaml init wrote. */
function djangoRoot(dir: string): string {
  const spec = parse(readFileSync(join(dir, 'deploy.yaml'), 'utf8')) as { django: { root?: string } };
  return spec.django.root ?? '.';
}

function fixtureTest(fixture: string, env: DjangoEnvironment): void {
  projects(`${fixture}: init, build --target all, then Heroku's and App Platform's commands on Django ${env.version} + PostgreSQL`, async () => {
    const started = Date.now();
    const dir = await initAndBuild(fixture);
    const db = `project_${fixture.replace(/-/g, '_')}`;
    pg!.createDatabase(db);
    const port = await freePort();
    const base = pythonBase(env.pythonPath);
    const runtime: NodeJS.ProcessEnv = { ...base, PORT: String(port), GUNICORN_CMD_ARGS: `--bind 127.0.0.1:${port} --workers 2` };

    // Development: the project's own manage.py settings, no production variable at all.
    const dev: Run = { fixture, env, dir, db, port, at: '/app', cwd: djangoRoot(dir) };
    assert.match(await mustRun(dev, 'development', 'python manage.py check', base), /System check identified no issues/);

    // Heroku: the repository at /app, the Procfile's commands from there, app.json's config vars.
    const heroku: Run = { ...dev, cwd: '.' };
    const lines = procfile(readFileSync(join(dir, 'Procfile'), 'utf8'));
    assert.ok(lines.release && lines.web, `${fixture}: the Procfile has release and web lines`);
    const vars = herokuConfigVars(JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')));
    const herokuEnv = (dyno: string) => ({ ...runtime, ...vars, DYNO: dyno, DATABASE_URL: pg!.url(db) });
    await mustRun(heroku, 'Heroku release', lines.release!, herokuEnv('release.1'));
    await serveAndProbe(heroku, 'Heroku web', lines.web!, herokuEnv('web.1'), `${fixture}.herokuapp.com`);

    // App Platform: a fresh database; the repository at /workspace, each component from its source_dir.
    pg!.sql(db, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    type Component = { source_dir?: string; run_command: string; envs?: DoEnv[]; kind?: string };
    const app = parse(readFileSync(join(dir, '.do/app.yaml'), 'utf8')) as { envs?: DoEnv[]; services: Component[]; jobs?: Component[] };
    const domain = `${fixture}-${randomBytes(3).toString('hex')}.ondigitalocean.app`;
    const binds = { '${db.DATABASE_URL}': `${pg!.url(db)}?sslmode=require`, '${APP_DOMAIN}': domain };
    // The operator stores the secret key and every variable deploy.yaml requires; optional ones stay unset.
    const spec = parse(readFileSync(join(dir, 'deploy.yaml'), 'utf8')) as { django: { secret_key_env?: string }; env?: Record<string, { required?: boolean }> };
    const needed = [spec.django.secret_key_env ?? 'SECRET_KEY', ...Object.entries(spec.env ?? {}).flatMap(([k, v]) => (v?.required === false ? [] : [k]))];
    const secrets = Object.fromEntries(needed.map((k) => [k, randomBytes(40).toString('base64url')]));
    const doEnv = (c: Component) => ({ ...runtime, ...appPlatformVars(app.envs, binds, secrets), ...appPlatformVars(c.envs, binds, secrets) });
    const pre = (app.jobs ?? []).filter((j) => j.kind === 'PRE_DEPLOY');
    assert.ok(pre.length, `${fixture}: the app spec has a PRE_DEPLOY job`);
    for (const job of pre) await mustRun({ ...dev, at: '/workspace', cwd: job.source_dir ?? '.' }, 'App Platform PRE_DEPLOY', job.run_command, doEnv(job));
    const web = app.services[0]!;
    await serveAndProbe({ ...dev, at: '/workspace', cwd: web.source_dir ?? '.' }, 'App Platform web', web.run_command, doEnv(web), domain);
    console.log(`  projects-e2e: ${fixture} on Django ${env.version}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

const fixtures = readdirSync(FIXTURES).sort();
projects('every fixture has its expectations', () => assert.equal(fixtures, Object.keys(EXPECTED).sort()));
for (const fixture of fixtures) {
  const name = `${fixture}: end to end`;
  if (missing.length) skipOrFail(projects, name, `missing: ${missing.join('; ')}. Run \`sudo bash scripts/system-deps.sh\`.`);
  else if (!django)
    skipOrFail(projects, name, `the matrix in ${'dir' in matrix ? matrix.dir : '?'} has no Django ${SERIES}. Run \`sudo bash scripts/system-deps.sh\`.`);
  else fixtureTest(fixture, django);
}

projects.run();
