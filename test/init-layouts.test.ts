/**
 * `init` on the project layouts of test/fixtures/projects/, each case the smallest input that shows one rule:
 * production.py beside settings.py, a PostgreSQL connection read from the environment, a block-scalar command
 * whose lines end in `&&`. The end-to-end proof on Django and PostgreSQL is test/projects-e2e.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { importCommand } from '../src/init/commands.js';
import { findProductionSettings, settingsEnvReads } from '../src/init/django.js';
import type { ProjectFiles } from '../src/init/files.js';
import { scanProject } from '../src/init/scan.js';
import { TARGETS } from '../targets/index.js';

const test = suite('init-layouts');
const IMPORTERS = TARGETS.flatMap((t) => t.importers ?? []);

function memory(files: Record<string, string>): ProjectFiles {
  return { list: Object.keys(files).sort(), read: (p) => files[p] ?? null };
}

test('settings: production.py beside settings.py is the production module when it builds on the settings', () => {
  const files = (production: string) =>
    memory({
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock.settings")\n',
      'stock/wsgi.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock.settings")\n',
      'stock/settings.py': 'DEBUG = True\n',
      'stock/production.py': production,
    });
  for (const text of ['from .settings import *  # noqa\nDEBUG = False\n', 'from stock.settings import *\n', 'import os\n\nfrom .base import *\n']) {
    assert.is(findProductionSettings(files(text), '.', 'stock').module, 'stock.production', text);
  }
  // A production.py that is not settings (a helper module) is left alone.
  assert.is(findProductionSettings(files('def deploy():\n    pass\n'), '.', 'stock').module, 'stock.settings');
  // In a nested project, the same rule holds below the Django folder.
  const nested = memory({
    'services/web/manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock.settings")\n',
    'services/web/stock/wsgi.py': '',
    'services/web/stock/settings.py': '',
    'services/web/stock/production.py': 'from .settings import *\n',
  });
  const spec = scanProject(nested, { folderName: 'warehouse', importers: IMPORTERS }).spec as Record<string, any>;
  assert.is(spec.django.root, 'services/web');
  assert.is(spec.django.settings, 'stock.production');
});

test('settings: the connection keys of a PostgreSQL database read from the environment are not declared', () => {
  const production = [
    'import os',
    'from .base import *',
    'SECRET_KEY = os.environ["SECRET_KEY"]',
    'DATABASES = {',
    '    "default": {',
    '        "ENGINE": "django.db.backends.postgresql",',
    '        "NAME": os.environ.get("POSTGRES_DB", "polls"),',
    '        "USER": os.environ["POSTGRES_USER"],',
    '        "PASSWORD": os.getenv("POSTGRES_PASSWORD"),',
    '        "HOST": os.environ.get("POSTGRES_HOST", "localhost"),',
    '        "PORT": int(os.environ.get("POSTGRES_PORT", "5432")),',
    '        "OPTIONS": {"sslrootcert": os.environ.get("PG_ROOT_CERT")},',
    '    }',
    '}',
    'MAILGUN_API_KEY = os.environ["MAILGUN_API_KEY"]',
    '',
  ].join('\n');
  const files = memory({ 'config/settings/production.py': production, 'config/settings/base.py': '' });
  const names = settingsEnvReads(files, '.', 'config.settings.production').map((r) => r.name);
  assert.equal(names, ['MAILGUN_API_KEY', 'PG_ROOT_CERT', 'SECRET_KEY'], 'the URL supplies NAME, USER, PASSWORD, HOST and PORT; other options stay');
  // Another engine keeps its connection variables: deployspec connects PostgreSQL only.
  const mysql = memory({ 'config/settings/production.py': production.replace('postgresql', 'mysql'), 'config/settings/base.py': '' });
  assert.ok(settingsEnvReads(mysql, '.', 'config.settings.production').some((r) => r.name === 'POSTGRES_HOST'));
});

test('commands: a block scalar whose lines end in && is one chain, and its migrate becomes the release step', () => {
  assert.equal(importCommand('python manage.py migrate --noinput &&\ngunicorn --worker-tmp-dir /dev/shm shopsite.wsgi\n', '.'), {
    command: 'gunicorn --worker-tmp-dir /dev/shm shopsite.wsgi',
    release: 'python manage.py migrate --noinput',
  });
  assert.equal(importCommand('python manage.py migrate\n&& gunicorn app.wsgi', '.'), { command: 'gunicorn app.wsgi', release: 'python manage.py migrate' });
  assert.equal(
    importCommand('python manage.py migrate\ngunicorn app.wsgi', '.'),
    { command: 'gunicorn app.wsgi', release: 'python manage.py migrate' },
    'plain lines still chain with &&',
  );
  assert.equal(importCommand('./bin/warm-cache ||\ntrue\n', '.'), { command: './bin/warm-cache || true', release: null });

  const app = [
    'name: shop',
    'services:',
    '  - name: shop-web',
    '    run_command: |',
    '      python manage.py migrate --noinput &&',
    '      gunicorn --worker-tmp-dir /dev/shm shopsite.wsgi',
    '',
  ].join('\n');
  const d = scanProject(
    memory({
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsite.settings")\n',
      'shopsite/wsgi.py': '',
      'shopsite/settings.py': '',
      '.do/app.yaml': app,
    }),
    {
      folderName: 'shop',
      importers: IMPORTERS,
    },
  );
  const spec = d.spec as Record<string, any>;
  assert.is(spec.processes.web.command, 'gunicorn --worker-tmp-dir /dev/shm shopsite.wsgi');
  assert.is(spec.release.command, 'python manage.py migrate --noinput');
});

test.run();
