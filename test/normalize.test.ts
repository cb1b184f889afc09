import { test } from 'uvu';
import { digitalOceanOptions } from '../targets/digitalocean/options.js';
import { djangoOptions } from '../targets/django/options.js';
import { dockerOptions } from '../targets/docker/options.js';
import * as assert from 'uvu/assert';
import { joinPath, relativePath } from '../src/model/normalize.js';
import { analyzeText, MINIMAL, yaml } from './helpers/spec.js';

const model = (text: string, env: string | null = null, files: string[] = []) => {
  const r = analyzeText(text, env, { exists: (p) => files.includes(p) });
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.model!;
};

test('a minimal spec gets every default', () => {
  const m = model(MINIMAL);
  assert.equal(m.runtime, { python: '3.12', node: '20' });
  assert.equal(m.django, { project: 'mysite', root: '.', settingsModule: 'mysite.settings', secretKeyEnv: 'SECRET_KEY', wsgiModule: 'mysite.wsgi', wsgiCallable: 'application', dependencies: 'requirements', dependencyFile: 'requirements.txt', path: ['django'] });
  assert.equal(m.processes.map((p) => [p.name, p.kind, p.command, p.instances, p.size, p.healthCheck]), [['web', 'web', 'gunicorn mysite.wsgi:application', 1, 'tiny', null]]);
  assert.is(m.release, null);
  assert.equal(m.static, { serve: 'whitenoise', url: '/static/', root: 'staticfiles', collectstatic: 'build', dirs: [], path: [] });
  assert.equal(m.media.storage, 'none');
  assert.equal(m.env.map((v) => `${v.name}:${v.kind}`), ['DJANGO_SETTINGS_MODULE:plain', 'SECRET_KEY:generated']);
  assert.is(dockerOptions(m.targets.docker, m).baseImage, 'python:3.12-slim-bookworm');
  assert.is(djangoOptions(m.targets.django, m).path, 'mysite/deploy_settings.py');
  assert.is(digitalOceanOptions(m.targets.digitalocean).path, '.do/app.yaml');
});

test('a database brings DATABASE_URL and the default migrate release step', () => {
  const m = model(MINIMAL + 'database: {}\ncache: {}\n');
  assert.equal(m.release, { command: 'python manage.py migrate --noinput', path: ['database'] });
  assert.equal(m.database, { engine: 'postgres', version: '16', plan: 'dev', name: 'db', env: 'DATABASE_URL', path: ['database'] });
  const byName = Object.fromEntries(m.env.map((v) => [v.name, v]));
  assert.is(byName.DATABASE_URL!.kind, 'reference');
  assert.is(byName.DATABASE_URL!.ref, 'database.url');
  assert.is(byName.REDIS_URL!.ref, 'cache.url');
  assert.is(model(MINIMAL + 'database: {}\nrelease: false\n').release, null);
});

test('env values normalise numbers and booleans to strings and keep kinds', () => {
  const m = model(MINIMAL + yaml`
    env:
      PAGE_SIZE: 25
      FLAG: true
      RATIO: 0.5
      API_TOKEN:
        secret: true
        required: false
        description: upstream token
      SIGNING_KEY:
        generate: secret
      BUILD_FLAG:
        value: "1"
        scope: build
  `);
  const v = Object.fromEntries(m.env.map((e) => [e.name, e]));
  assert.equal([v.PAGE_SIZE!.value, v.FLAG!.value, v.RATIO!.value], ['25', 'true', '0.5']);
  assert.equal([v.API_TOKEN!.kind, v.API_TOKEN!.value, v.API_TOKEN!.required, v.API_TOKEN!.description], ['secret', null, false, 'upstream token']);
  assert.is(v.SIGNING_KEY!.kind, 'generated');
  assert.is(v.BUILD_FLAG!.scope, 'build');
  assert.equal(m.env.map((e) => e.name), [...m.env.map((e) => e.name)].sort());
});

test('monorepo paths: client output becomes a STATICFILES_DIRS entry relative to the Django folder', () => {
  const m = model(MINIMAL.replace('  project: mysite\n', '  project: mysite\n  root: backend\n') + 'client:\n  root: frontend\n');
  assert.is(m.django.root, 'backend');
  assert.equal(m.client, { root: 'frontend', install: 'npm ci', build: 'npm run build', output: 'frontend/dist', path: ['client'] });
  assert.equal(m.static.dirs, ['../frontend/dist']);
  assert.is(djangoOptions(m.targets.django, m).path, 'backend/mysite/deploy_settings.py');
});

test('dependencies: auto picks the file that exists in the Django folder', () => {
  assert.is(model(MINIMAL, null, ['Pipfile']).django.dependencies, 'pipenv');
  assert.is(model(MINIMAL, null, ['pyproject.toml']).django.dependencies, 'pyproject');
  assert.is(model(MINIMAL, null, ['pyproject.toml', 'requirements.txt']).django.dependencies, 'requirements');
});

test('dependencies: a src/ layout finds pyproject.toml at the root, after the Django folder', () => {
  const src = MINIMAL.replace('  project: mysite\n', '  project: mysite\n  root: src\n');
  assert.equal(pick(model(src, null, ['pyproject.toml'])), ['pyproject', 'pyproject.toml']);
  assert.equal(pick(model(src, null, ['pyproject.toml', 'src/requirements.txt'])), ['requirements', 'src/requirements.txt']);
  assert.equal(pick(model(src, null, [])), ['requirements', 'src/requirements.txt']);
  assert.equal(pick(model(src, null, ['Pipfile'])), ['pipenv', 'Pipfile']);
});

const pick = (m: ReturnType<typeof model>) => [m.django.dependencies, m.django.dependencyFile];

test('dependencies: a Poetry or uv lock beside pyproject.toml picks its manager; pyproject.toml declares', () => {
  assert.equal(pick(model(MINIMAL, null, ['pyproject.toml', 'poetry.lock'])), ['poetry', 'pyproject.toml']);
  assert.equal(pick(model(MINIMAL, null, ['pyproject.toml', 'uv.lock'])), ['uv', 'pyproject.toml']);
  // A requirements file or Pipfile still comes first (a project that exports its lock keeps installing that file).
  assert.equal(pick(model(MINIMAL, null, ['pyproject.toml', 'poetry.lock', 'requirements.txt'])), ['requirements', 'requirements.txt']);
  const src = MINIMAL.replace('  project: mysite\n', '  project: mysite\n  root: src\n');
  assert.equal(pick(model(src, null, ['pyproject.toml', 'uv.lock'])), ['uv', 'pyproject.toml']);
  assert.equal(pick(model(MINIMAL + '  dependencies: poetry\n', null, [])), ['poetry', 'pyproject.toml']);
});

test('implied media and monitoring variables', () => {
  const m = model(MINIMAL + 'media:\n  storage: s3\n  s3:\n    bucket: b-media\n    region: eu-west-1\nmonitoring:\n  sentry: {}\n');
  const v = Object.fromEntries(m.env.map((e) => [e.name, e]));
  assert.is(v.AWS_SECRET_ACCESS_KEY!.kind, 'secret');
  assert.is(v.AWS_STORAGE_BUCKET_NAME!.value, 'b-media');
  assert.is(v.AWS_S3_REGION_NAME!.value, 'eu-west-1');
  assert.equal([v.SENTRY_DSN!.kind, v.SENTRY_DSN!.required], ['secret', false]);
  assert.is(m.sentry!.environment, 'production');
});

test('sentry environment follows the selected environment', () => {
  const text = MINIMAL + 'monitoring:\n  sentry: {}\nenvironments:\n  staging: {}\n';
  assert.is(model(text, 'staging').sentry!.environment, 'staging');
});

test('path helpers', () => {
  assert.is(joinPath('.', 'a/./b', '../c'), 'a/c');
  assert.is(joinPath('a/../..'), '..');
  assert.is(relativePath('backend', 'frontend/dist'), '../frontend/dist');
  assert.is(relativePath('.', 'x'), 'x');
  assert.is(relativePath('a/b', 'a/b'), '.');
});

test.run();
