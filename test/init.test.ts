/** `deployspec init`: scanning a real-shaped Django project (and Procfile/app.json/.do/app.yaml variants) into a valid spec. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { analyze } from '../src/analyze.js';
import { slugify } from '../src/init/draft.js';
import { MODELINE, renderSpec } from '../src/init/render.js';
import { requirementNames, scanProject } from '../src/init/scan.js';
import type { ProjectFiles } from '../src/init/files.js';
import { TARGETS } from '../targets/index.js';
import { ROOT, runCli } from './helpers/spec.js';

const test = suite('init');
const FIXTURE = join(ROOT, 'test/fixtures/init-project');
const VARIANTS = join(ROOT, 'test/fixtures/init-variants');

function projectDir(variant?: string, name = 'shop'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'deployspec-init-')), name);
  cpSync(FIXTURE, dir, { recursive: true });
  if (variant) cpSync(join(VARIANTS, variant), dir, { recursive: true });
  return dir;
}
function memory(files: Record<string, string>): ProjectFiles {
  return { list: Object.keys(files).sort(), read: (p) => files[p] ?? null };
}
/** Procfile lines without the header comment, sorted. */
const procLines = (text: string) => text.split('\n').filter((l) => l.trim() && !l.startsWith('#')).sort();

test('slugify fits the schema name pattern', () => {
  for (const [raw, want] of [['My Shop!', 'my-shop'], ['2fast', 'app-2fast'], ['x', 'app'], ['a'.repeat(40), 'a'.repeat(30)], ['Shop_Front--', 'shop-front']]) {
    assert.is(slugify(raw!), want);
    assert.match(slugify(raw!), /^[a-z][a-z0-9-]{0,28}[a-z0-9]$/);
  }
});

test('a platform file\'s app name that leaves nothing usable is not taken: the folder name stays, and says so', () => {
  const base = { 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n', 'shop/settings.py': '', 'shop/wsgi.py': '' };
  for (const [file, unusable, usable] of [
    ['app.json', '{"name": "x"}', '{"name": "Corner Shop"}'],
    ['fly.toml', 'app = "!"\n', 'app = "Corner Shop"\n'],
    ['.do/app.yaml', 'name: "-"\nservices:\n  - name: web\n', 'name: Corner Shop\nservices:\n  - name: web\n'],
    ['render.yaml', 'services:\n  - type: web\n    name: "?"\n    runtime: python\n', 'services:\n  - type: web\n    name: Corner Shop\n    runtime: python\n'],
  ] as const) {
    const bad = scanProject(memory({ ...base, [file]: unusable }), { folderName: 'Bakery', importers: IMPORTERS });
    assert.is((bad.spec as Record<string, unknown>).name, 'bakery', file);
    assert.is(bad.sources.get('name'), 'the folder name', file);
    const good = scanProject(memory({ ...base, [file]: usable }), { folderName: 'Bakery', importers: IMPORTERS });
    assert.is((good.spec as Record<string, unknown>).name, 'corner-shop', file);
    assert.match(good.sources.get('name')!, file, file);
  }
  assert.is(slugify('x'), 'app');
});

test('requirement names: pins, extras, markers, pyproject strings', () => {
  const names = requirementNames('Django==5.1\npsycopg[binary]>=3\n# comment\ndjango_storages ; python_version>"3"\n  "sentry-sdk>=2",\nredis\n');
  for (const n of ['django', 'psycopg', 'django-storages', 'sentry-sdk', 'redis']) assert.ok(names.has(n), n);
  assert.not.ok(names.has('comment'));
});

test('scanner: monorepo manage.py → django.root; settings module, wsgi, STATIC_ROOT, celery → cache + worker, s3', () => {
  const d = scanProject(
    memory({
      'backend/manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.production")\n',
      'backend/core/settings/production.py': "WSGI_APPLICATION = 'core.asgi_wsgi.app'\nSTATIC_ROOT = os.path.join(BASE_DIR, 'static_out')\n",
      'backend/core/wsgi.py': '',
      'backend/requirements.txt': 'django\ngunicorn\ncelery[redis]\ndjango-storages\nboto3\n',
      'frontend/package.json': '{"scripts":{"build":"vite build"}}',
      'frontend/package-lock.json': '{}',
    }),
    { folderName: 'My Monorepo', importers: TARGETS.flatMap((t) => t.importers ?? []) },
  );
  const s = d.spec as Record<string, any>;
  assert.equal(s.django, { root: 'backend', project: 'core', settings: 'core.settings.production', wsgi: 'core.asgi_wsgi:app' });
  assert.is(s.name, 'my-monorepo');
  assert.equal(s.static, { root: 'static_out' });
  assert.ok(s.cache);
  assert.is(s.processes.worker.command, 'celery -A core worker --loglevel info');
  assert.is(s.media.storage, 's3');
  assert.equal(s.client, { root: 'frontend', install: 'npm ci', build: 'npm run build', output: 'frontend/dist' });
  assert.is(d.sources.get('django.root'), 'backend/manage.py is in backend/');
  const text = renderSpec(d);
  assert.equal(analyze('deploy.yaml', text).diagnostics.filter((x) => x.severity === 'error'), []);
});

const IMPORTERS = TARGETS.flatMap((t) => t.importers ?? []);
const MANAGE = (module: string) => `import os\nimport sys\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "${module}")\n    print("set DJANGO_SETTINGS_MODULE='config.settings.test' to run the tests")\n`;

test('settings: a split settings package deploys production.py, never the dev or test module manage.py names', () => {
  const d = scanProject(
    memory({
      'manage.py': MANAGE('config.settings.local'),
      'config/__init__.py': '',
      'config/wsgi.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")\n',
      'config/settings/__init__.py': '',
      'config/settings/base.py': 'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY")\nDEBUG = env.bool("DJANGO_DEBUG", default=False)\nBETA = env.bool("FEATURE_BETA", default=False)\nSENTRY_DSN = env("SENTRY_DSN", default="")\nSTRIPE_KEY = os.environ["STRIPE_API_KEY"]\n',
      'config/settings/local.py': 'from .base import *\nSECRET_KEY = "dev-only"\n',
      'config/settings/test.py': 'from .base import *\nSECRET_KEY = "test-only"\n',
      'config/settings/production.py': 'from .base import *  # noqa\nDATABASES = {"default": env.db("DATABASE_URL")}\nMAILGUN_API_KEY = env("MAILGUN_API_KEY")\n',
    }),
    { folderName: 'cookie', importers: IMPORTERS },
  );
  const s = d.spec as Record<string, any>;
  assert.is(s.django.project, 'config');
  assert.is(s.django.settings, 'config.settings.production');
  assert.is(s.django.secret_key_env, 'DJANGO_SECRET_KEY');
  assert.equal(Object.keys(s.env).sort(), ['MAILGUN_API_KEY', 'SENTRY_DSN', 'STRIPE_API_KEY'], 'DJANGO_DEBUG is read by the generated settings themselves');
  assert.equal(s.env.MAILGUN_API_KEY.secret, true);
  assert.is(s.env.SENTRY_DSN.required, false, 'a secret read with a default: optional');
  assert.ok(
    d.skipped.some((l) => l.startsWith('FEATURE_BETA (read by config/settings/base.py, line 5 with a default): not declared')),
    `a setting with a default keeps it and is named, not declared: ${d.skipped.join('\n')}`,
  );
  assert.not.ok('DATABASE_URL' in s.env, 'provided by the database');
  assert.ok(d.found.some((f) => f.includes('development and test settings left alone: config.settings.local, config.settings.test')), d.found.join('\n'));
  assert.equal(d.problems, []);
});

test('settings: without a production module the wsgi default is used, unless its name says development', () => {
  const files = (wsgiModule: string) =>
    memory({ 'manage.py': MANAGE(wsgiModule), 'mysite/wsgi.py': `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "${wsgiModule}")\n`, 'mysite/settings.py': 'SECRET_KEY = os.environ["SECRET_KEY"]\n', 'mysite/settings_dev.py': 'from .settings import *\n' });
  const plain = scanProject(files('mysite.settings'), { folderName: 'x', importers: IMPORTERS }).spec as Record<string, any>;
  assert.is(plain.django.settings, undefined, 'the default <project>.settings');
  assert.is(plain.django.secret_key_env, undefined);
  const dev = scanProject(files('mysite.settings_dev'), { folderName: 'x', importers: IMPORTERS }).spec as Record<string, any>;
  assert.is(dev.django.settings, undefined, 'never the dev module');
});

test('several manage.py files: init refuses and lists them unless --root picks one', () => {
  const files = memory({ 'a/manage.py': MANAGE('one.settings'), 'b/manage.py': MANAGE('two.settings'), 'a/one/wsgi.py': '', 'b/two/wsgi.py': '' });
  const d = scanProject(files, { folderName: 'x', importers: IMPORTERS });
  assert.equal(d.problems, ['2 manage.py files: a/manage.py, b/manage.py; pass --root <folder> to choose the Django project to deploy']);
  const b = scanProject(files, { folderName: 'x', root: 'b', importers: IMPORTERS });
  assert.equal(b.problems, []);
  assert.equal((b.spec as Record<string, any>).django, { root: 'b', project: 'two' });
});

test('import: commands from a Procfile and an app spec mean the same from the Django folder', () => {
  const backend = { 'backend/manage.py': MANAGE('api.settings'), 'backend/api/wsgi.py': '', 'backend/api/settings.py': '' };
  const proc = scanProject(memory({ ...backend, Procfile: 'web: python manage.py migrate && gunicorn --chdir backend api.wsgi --log-file -\nworker: cd backend && celery -A api worker\n' }), { folderName: 'x', importers: IMPORTERS });
  const p = proc.spec as Record<string, any>;
  assert.is(p.processes.web.command, 'gunicorn api.wsgi --log-file -', 'no doubled folder change, migrate moved out');
  assert.is(p.release.command, 'python manage.py migrate');
  assert.is(p.processes.worker.command, 'celery -A api worker');
  const spec = [
    'name: api',
    'services:',
    '  - name: server',
    '    source_dir: backend',
    '    http_port: 8080',
    '    run_command: |',
    '      python manage.py migrate --noinput',
    '      gunicorn --worker-tmp-dir /dev/shm api.wsgi',
    'jobs:',
    '  - name: nightly',
    '    kind: SCHEDULED',
    '    schedule: {cron: "0 3 * * *", time_zone: UTC}',
    '    run_command: python manage.py clearsessions',
    'static_sites:',
    '  - name: assets',
    'databases:',
    '  - name: db',
    '    engine: PG',
    '    version: "12"',
    '',
  ].join('\n');
  const d = scanProject(memory({ ...backend, 'config/app.yaml': spec }), { folderName: 'x', importers: IMPORTERS });
  const s = d.spec as Record<string, any>;
  assert.is(s.processes.web.command, 'gunicorn --worker-tmp-dir /dev/shm api.wsgi', 'a block scalar is one command; its leading migrate is the release step');
  assert.is(s.release.command, 'python manage.py migrate --noinput');
  assert.equal(s.jobs, { nightly: { schedule: '0 3 * * *', command: 'python manage.py clearsessions' } });
  assert.is(s.static.serve, 'static-site');
  assert.equal(s.database, {}, 'version 12 is not silently changed: it is left out and listed');
  assert.ok(d.skipped.some((l) => l.includes('version 12')), d.skipped.join('\n'));
  assert.ok(d.skipped.some((l) => l.includes('component name server')), d.skipped.join('\n'));
});

test('runtime: a .python-version with comments is read', () => {
  const d = scanProject(memory({ 'manage.py': MANAGE('m.settings'), 'm/wsgi.py': '', '.python-version': '# pinned for the buildpack\n\n3.13\n' }), { folderName: 'x', importers: IMPORTERS });
  assert.is((d.spec as Record<string, any>).runtime.python, '3.13');
});

test('dependencies: a Poetry or uv lock beside pyproject.toml is recorded as the manager; a requirements file keeps auto', () => {
  const base = { 'manage.py': MANAGE('m.settings'), 'm/wsgi.py': '', 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["django"]\n' };
  for (const manager of ['poetry', 'uv'] as const) {
    const d = scanProject(memory({ ...base, [`${manager}.lock`]: '' }), { folderName: 'x', importers: IMPORTERS });
    assert.is((d.spec as Record<string, any>).django.dependencies, manager);
    assert.ok(d.found.some((l) => l.includes(`lock file ${manager}.lock`)), d.found.join('\n'));
    assert.ok(d.found.includes('dependencies in pyproject.toml'), d.found.join('\n'));
    // What init records is what `auto` would pick: the spec means the same either way.
    const back = analyze('deploy.yaml', renderSpec(d), { facts: { exists: (p) => p in base || p === `${manager}.lock` } });
    assert.is(back.model?.django.dependencies, manager);
  }
  const req = scanProject(memory({ ...base, 'poetry.lock': '', 'requirements.txt': 'django\n' }), { folderName: 'x', importers: IMPORTERS });
  assert.is((req.spec as Record<string, any>).django?.dependencies, undefined);
});

test('billable resources come from strong signals only, each announced; SQLite in production is flagged', () => {
  const base = { 'manage.py': MANAGE('m.settings'), 'm/wsgi.py': '' };
  const sqlite = scanProject(memory({ ...base, 'm/settings.py': 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}\nCELERY_BROKER_URL = "amqp://rabbit"\n', 'requirements.txt': 'django\ndj-database-url\ncelery\ngunicorn\n' }), { folderName: 'x', importers: IMPORTERS });
  const a = sqlite.spec as Record<string, any>;
  assert.is(a.database, undefined, 'dj-database-url alone is no database');
  assert.is(a.cache, undefined, 'celery with an AMQP broker is no Redis');
  assert.ok(sqlite.skipped.some((l) => l.includes('SQLite')), sqlite.skipped.join('\n'));
  const pg = scanProject(memory({ ...base, 'm/settings.py': 'DATABASES = {"default": dj_database_url.config()}\nCELERY_BROKER_URL = os.environ["REDIS_URL"]\n', 'requirements.txt': 'django\ndj-database-url\npsycopg[binary]\ncelery\ngunicorn\n' }), { folderName: 'x', importers: IMPORTERS });
  const b = pg.spec as Record<string, any>;
  assert.ok(b.database && b.cache);
  assert.ok(pg.found.some((l) => l.startsWith('a PostgreSQL database (billed by the platform)')) && pg.found.some((l) => l.startsWith('a Redis cache (billed by the platform)')), pg.found.join('\n'));
});

test('cli: init on the fixture writes a commented, valid deploy.yaml with the schema modeline (no TTY)', () => {
  const dir = projectDir();
  const r = runCli(['init'], { cwd: dir, input: '' });
  assert.is(r.status, 0, r.stderr);
  const text = readFileSync(join(dir, 'deploy.yaml'), 'utf8');
  assert.ok(text.startsWith(MODELINE + '\n'), 'the schema modeline comes first');
  const spec = parse(text);
  assert.is(spec.name, 'shop');
  assert.is(spec.django.project, 'shop');
  assert.is(spec.runtime.python, '3.12');
  assert.ok(spec.database, 'psycopg → database');
  assert.ok(spec.monitoring.sentry, 'sentry-sdk → sentry');
  assert.is(spec.static.root, 'collected-static');
  assert.match(text, /# shop\/settings\.py, line \d+ \(STATIC_ROOT\)/);
  assert.is(runCli(['validate'], { cwd: dir }).status, 0);
  assert.is(runCli(['build'], { cwd: dir }).status, 0);
});

test('cli: init refuses to overwrite deploy.yaml without --force', () => {
  const dir = projectDir();
  writeFileSync(join(dir, 'deploy.yaml'), 'mine\n');
  const r = runCli(['init'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /already exists; nothing written/);
  assert.is(readFileSync(join(dir, 'deploy.yaml'), 'utf8'), 'mine\n');
  assert.is(runCli(['init', '--force'], { cwd: dir }).status, 0);
  assert.match(readFileSync(join(dir, 'deploy.yaml'), 'utf8'), /^version: 1$/m);
});

test('cli: init --force replaces the spec under the name the project uses; two spec files are refused', () => {
  const dir = projectDir();
  writeFileSync(join(dir, 'deployspec.yaml'), 'mine\n');
  assert.is(runCli(['init'], { cwd: dir }).status, 1);
  assert.is(runCli(['init', '--force'], { cwd: dir }).status, 0);
  assert.match(readFileSync(join(dir, 'deployspec.yaml'), 'utf8'), /^version: 1$/m);
  assert.not.ok(existsSync(join(dir, 'deploy.yaml')), 'no second spec beside it');
  writeFileSync(join(dir, 'deploy.yaml'), 'other\n');
  const r = runCli(['init', '--force'], { cwd: dir });
  assert.is(r.status, 2);
  assert.match(r.stderr, /deploy\.yaml and deployspec\.yaml both exist; nothing written/);
  assert.is(readFileSync(join(dir, 'deploy.yaml'), 'utf8'), 'other\n');
});

test('cli: init imports Procfile + app.json; the rebuilt Procfile has the same process lines', () => {
  const dir = projectDir('heroku');
  const original = readFileSync(join(dir, 'Procfile'), 'utf8');
  const r = runCli(['init'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /not carried over/);
  assert.match(r.stderr, /app\.json addon papertrail/);
  const text = readFileSync(join(dir, 'deploy.yaml'), 'utf8');
  assert.match(text, /# Not carried over[\s\S]*# {3}- app\.json addon papertrail/);
  const spec = parse(text);
  assert.is(spec.name, 'shop-front');
  assert.equal(spec.processes.web, { instances: 2, size: 'small', command: 'gunicorn shop.wsgi --log-file - --workers 3' });
  assert.is(spec.release.command, 'python manage.py migrate --noinput && python manage.py createcachetable');
  assert.equal(spec.env.STRIPE_SECRET_KEY, { secret: true, description: 'Stripe key' });
  assert.equal(spec.env.WEBHOOK_SALT, { generate: 'secret' });
  assert.equal(spec.env.API_TOKEN, { secret: true }, 'a secret-looking value is never copied');
  assert.not.match(text, /abc123/);
  assert.is(spec.env.SECRET_KEY, undefined);
  assert.ok(spec.cache);
  assert.is(spec.targets.heroku.postgres_plan, 'essential-0');
  // init adopted the files it imported: the first build replaces them (they are unchanged since) and shows the diff.
  const manifest = JSON.parse(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'));
  assert.equal(manifest.files.map((f: { path: string; adopted?: boolean }) => [f.path, f.adopted]), [['Procfile', true], ['app.json', true]]);
  const b = runCli(['build', '--target', 'heroku'], { cwd: dir });
  assert.is(b.status, 0, b.stderr);
  assert.match(b.stderr, /adopted Procfile \(imported by `deployspec init` and unchanged since/);
  assert.match(b.stdout, /^\+# generated by deployspec/m, 'the diff of the adopted file is shown');
  assert.match(b.stderr, /adopted app\.json/);
  assert.equal(procLines(readFileSync(join(dir, 'Procfile'), 'utf8')), procLines(original));
  assert.not.ok(JSON.parse(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8')).files.some((f: { adopted?: boolean }) => f.adopted), 'adopted once, then deployspec\'s');
});

test('cli: a file edited after init imported it belongs to the user again: build leaves it alone until --force', () => {
  const dir = projectDir('heroku');
  assert.is(runCli(['init'], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'Procfile'), readFileSync(join(dir, 'Procfile'), 'utf8') + 'clock: python clock.py\n');
  const edited = readFileSync(join(dir, 'Procfile'), 'utf8');
  assert.is(runCli(['build', '--target', 'heroku'], { cwd: dir }).status, 1);
  assert.is(readFileSync(join(dir, 'Procfile'), 'utf8'), edited);
  assert.is(runCli(['build', '--target', 'heroku', '--force'], { cwd: dir }).status, 0);
});

test('cli: init imports .do/app.yaml (service, worker, pre-deploy job, env, database, domains, github)', () => {
  const dir = projectDir('do');
  const r = runCli(['init'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const text = readFileSync(join(dir, 'deploy.yaml'), 'utf8');
  const spec = parse(text);
  assert.is(spec.name, 'shop-do');
  assert.equal(spec.processes.web, { command: 'gunicorn --worker-tmp-dir /dev/shm shop.wsgi', instances: 2, health_check: '/healthz' });
  assert.is(spec.processes.queue.command, 'python manage.py rqworker');
  assert.is(spec.release.command, 'python manage.py migrate --noinput');
  assert.equal(spec.database, { version: '16' });
  assert.equal(spec.hosts, ['shop.example.com', 'www.shop.example.com']);
  assert.equal(spec.env.MAIL_PASSWORD, { secret: true });
  assert.not.match(text, /EV\[1:abc\]/);
  assert.equal(spec.targets.digitalocean, { region: 'fra', github: { repo: 'acme/shop', branch: 'main', deploy_on_push: true } });
  assert.match(text, /# {3}- \.do\/app\.yaml alerts/);
  assert.is(runCli(['validate'], { cwd: dir }).status, 0);
  const build = runCli(['build', '--target', 'digitalocean', '--force'], { cwd: dir });
  assert.is(build.status, 0, build.stderr);
  const app = parse(readFileSync(join(dir, '.do/app.yaml'), 'utf8'));
  assert.is(app.services[0].run_command.includes('gunicorn --worker-tmp-dir /dev/shm shop.wsgi'), true);
});

test('cli: init without a Django project explains what to pass; --project works', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-init-empty-'));
  const r = runCli(['init'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /no Django project found.*--project/);
  assert.not.ok(existsSync(join(dir, 'deploy.yaml')));
  const ok = runCli(['init', '--project', 'mysite', '--name', 'My Site'], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(parse(readFileSync(join(dir, 'deploy.yaml'), 'utf8')), { version: 1, name: 'my-site', django: { project: 'mysite' } });
});

test('cli: init on examples/07-django-project, with its generated files and without, rebuilds an equivalent Procfile', () => {
  const ex = join(ROOT, 'examples/07-django-project');
  for (const withPlatformFiles of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'deployspec-init07-'));
    cpSync(ex, dir, { recursive: true });
    rmSync(join(dir, 'deploy.yaml'));
    rmSync(join(dir, '.deployspec'), { recursive: true, force: true });
    if (!withPlatformFiles) for (const f of ['Procfile', 'app.json', '.do', 'Dockerfile', 'compose.yaml', '.dockerignore', '.python-version']) rmSync(join(dir, f), { recursive: true, force: true });
    const r = runCli(['init'], { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    const spec = readFileSync(join(dir, 'deploy.yaml'), 'utf8');
    assert.equal(analyze('deploy.yaml', spec).diagnostics.filter((x) => x.severity === 'error'), []);
    const data = parse(spec);
    assert.is(data.django.project, 'notesite');
    assert.ok('database' in data, 'psycopg2 / dj-database-url in requirements-deploy.txt (via -r) means a database');
    if (withPlatformFiles) {
      assert.equal(data.hosts, ['notes.example.com', '*.notes.example.org']);
      assert.not.ok(data.env && ('SECRET_KEY' in data.env || 'PORT' in data.env || 'DEPLOYSPEC_APP_DOMAIN' in data.env), 'platform and implied variables are not imported');
      const b = runCli(['build', '--target', 'heroku', '--force'], { cwd: dir });
      assert.is(b.status, 0, b.stderr);
      assert.is(readFileSync(join(dir, 'Procfile'), 'utf8'), readFileSync(join(ex, 'Procfile'), 'utf8'));
    }
  }
});

test('cli: init lists every deploy file it found, imported or not and why; file names stay escaped', () => {
  const dir = projectDir('deploy-files');
  mkdirSync(join(dir, 'k8s'));
  writeFileSync(join(dir, 'k8s', 'evil\x1b[31m.yaml'), 'apiVersion: v1\nkind: Service\n');
  const r = runCli(['init'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const block = r.stderr.slice(r.stderr.indexOf('deploy files:\n'));
  const rows = block.split('\n').slice(1);
  const lines = rows.slice(0, rows.findIndex((l) => !l.startsWith('  '))).map((l) => l.trim().replace(/ {2,}/, ' | '));
  const status = lines.map((l) => l.replace(/ \(.*\)$/, ''));
  assert.equal(status, [
    'found, not imported | .circleci/config.yml',
    'found, not imported | .do/deploy.template.yaml',
    'found, not imported | .github/workflows/ci.yml',
    'imported | .python-version',
    'found, not imported | Dockerfile',
    'imported | Procfile',
    'found, not imported | app.json',
    'imported | config/app.yaml',
    'found, not imported | deploy/k8s/web.yaml',
    'found, not imported | docker-compose.yml',
    'imported | fly.toml',
    'found, not imported | heroku.yml',
    'found, not imported | k8s/evil\\x1b[31m.yaml',
    'imported | render.yaml',
  ], block);
  assert.not.ok(r.stderr.includes('\x1b'), 'no raw escape reaches the terminal');
  const why = (path: string) => lines.find((l) => l.includes(`| ${path} (`))?.slice(lines.find((l) => l.includes(`| ${path} (`))!.indexOf(' (') + 2, -1);
  assert.match(why('app.json')!, /^not valid JSON \(/);
  assert.match(why('.do/deploy.template.yaml')!, /^init imports one app spec per project, with its components at the top level/);
  assert.match(why('deploy/k8s/web.yaml')!, /kubernetes target writes its own Kustomize layout/);
  assert.match(why('.github/workflows/ci.yml')!, /writes its own pipeline to \.github\/workflows\/deploy\.yml and leaves other workflows alone/);
  assert.match(why('Dockerfile')!, /^not read: the docker target writes its own Dockerfile from deploy\.yaml/);
  assert.match(why('docker-compose.yml')!, /docker compose reads before this file/);
  assert.match(why('heroku.yml')!, /targets\.heroku\.build: container/);
  // App Engine's app.yaml is not an App Platform spec: not listed. config/app.yaml, fly.toml and render.yaml were.
  assert.not.ok(lines.some((l) => l.endsWith('| app.yaml')), block);
  const text = readFileSync(join(dir, 'deploy.yaml'), 'utf8');
  assert.match(text, /# config\/app\.yaml name/);
  assert.match(text, /# fly\.toml env\.LOG_LEVEL/);
  // --stdout lists them too, on stderr, and keeps stdout the YAML alone
  const out = runCli(['init', '--stdout', '--force'], { cwd: dir });
  assert.ok(out.stderr.includes('deploy files:\n'), out.stderr);
  assert.match(out.stdout, /^# yaml-language-server/);
});

test('cli: init --root picks one of several Django projects; a bad --root is a one-line usage error', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'deployspec-init-')), 'two');
  cpSync(join(ROOT, 'test/fixtures/init-two-projects'), dir, { recursive: true });
  const none = runCli(['init'], { cwd: dir });
  assert.is(none.status, 1);
  assert.match(none.stderr, /2 manage\.py files: a\/manage\.py, b\/manage\.py; pass --root <folder>/);
  const r = runCli(['init', '--root', 'a'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const spec = parse(readFileSync(join(dir, 'deploy.yaml'), 'utf8'));
  assert.equal(spec.django, { root: 'a', project: 'a' });
  assert.is(runCli(['validate'], { cwd: dir }).status, 0);
  rmSync(join(dir, 'deploy.yaml'));
  const cases: [string[], string][] = [
    [['--root', 'c'], 'deployspec: --root c: no such folder in the project; did you mean a? (manage.py found in: a, b)\n'],
    [['--root', '../a'], 'deployspec: --root ../a is outside the project folder; pass a folder inside it\n'],
    [['--root', '.'], 'deployspec: --root .: no manage.py in that folder; did you mean a? (manage.py found in: a, b)\n'],
    [['--root', 'b/b'], 'deployspec: --root b/b: no manage.py in that folder (manage.py found in: a, b)\n'],
    [['--root', 'a/\x1b[31m'], 'deployspec: --root a/\\x1b[31m: no such folder in the project (manage.py found in: a, b)\n'],
    [['--root'], 'deployspec: --root needs a value: --root <folder>\n'],
    [['--rot', 'a'], 'deployspec: unknown option --rot for `deployspec init`; did you mean --root?\n'],
  ];
  for (const [args, stderr] of cases) assert.equal(runCli(['init', ...args], { cwd: dir }), { status: 2, stdout: '', stderr }, args.join(' '));
  assert.not.ok(existsSync(join(dir, 'deploy.yaml')), 'nothing written');
  // from outside the project, --root is inside the folder given
  assert.is(runCli(['init', 'two', '--root', 'b', '--stdout'], { cwd: join(dir, '..') }).status, 0);
  assert.match(runCli(['help', 'init']).stdout, /--root <folder> +Folder of the manage\.py to deploy/);
});

test.run();
