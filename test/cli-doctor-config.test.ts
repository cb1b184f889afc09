/** `deployspec doctor` and `deployspec config`, compared as exact output. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMAL, runCli } from './helpers/spec.js';

const SPEC = MINIMAL + 'hosts: [example.com]\nenvironments:\n  staging:\n    hosts: [staging.example.com]\n';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

/** A project whose Python is a stand-in: it exits with `status` and prints `stderr` (no Django needed). */
function project(python: { status: number; stderr?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-doctor-'));
  writeFileSync(join(dir, 'deploy.yaml'), SPEC);
  writeFileSync(join(dir, 'requirements.txt'), 'django\n');
  mkdirSync(join(dir, '.venv/bin'), { recursive: true });
  writeFileSync(join(dir, '.venv/bin/python'), `#!/bin/sh\n${python.stderr ? `echo '${python.stderr}' >&2\n` : ''}exit ${python.status}\n`);
  chmodSync(join(dir, '.venv/bin/python'), 0o755);
  git(dir, 'init', '--quiet');
  return dir;
}

const doctor = (dir: string) => {
  const r = runCli(['doctor'], { cwd: dir, env: { VIRTUAL_ENV: undefined } });
  return { ...r, stdout: r.stdout.replaceAll(dir, '<dir>') };
};

test('doctor: each check says what is wrong and what to do; exit 1 until all pass', () => {
  const dir = project({ status: 1, stderr: 'ImproperlyConfigured: SECRET_KEY is empty' });
  assert.is(runCli(['build', '--target', 'heroku,django', '-q'], { cwd: dir }).status, 0);
  const r = doctor(dir);
  assert.is(r.status, 1);
  assert.is(
    r.stdout,
    [
      'ok   spec: deploy.yaml is valid',
      'fail requirements: requirements.txt does not install gunicorn, whitenoise from requirements-deploy.txt',
      '     hint: Add the line `-r requirements-deploy.txt` to requirements.txt.',
      'fail dotenv-ignored: .env is not ignored by git: a secret written there could be committed',
      '     hint: Add the line `.env` to .gitignore.',
      'ok   generated-up-to-date: 5 generated files match deploy.yaml',
      'fail generated-committed: not committed: .deployspec/manifest.json, .python-version, Procfile, app.json, mysite/deploy_settings.py, requirements-deploy.txt',
      '     hint: Commit the generated files with deploy.yaml: the platforms deploy what is in the repository.',
      'fail settings-import: mysite.deploy_settings does not import: ImproperlyConfigured: SECRET_KEY is empty',
      '     hint: Run `DJANGO_SETTINGS_MODULE=mysite.deploy_settings python manage.py check --deploy` in . to see the whole error.',
      '',
    ].join('\n'),
  );
  assert.is(r.stderr, '4 check(s) failed\n');
  writeFileSync(join(dir, '.gitignore'), '.env\n');
  writeFileSync(join(dir, 'requirements.txt'), '-r requirements-deploy.txt\ndjango\n');
  writeFileSync(join(dir, '.venv/bin/python'), '#!/bin/sh\nexit 0\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'deploy files');
  const ok = doctor(dir);
  assert.is(ok.status, 0, ok.stdout);
  assert.is(ok.stdout.split('\n').filter(Boolean).map((l) => l.replace(/ \(.*\)$/, '')).join('\n'), [
    'ok   spec: deploy.yaml is valid',
    'ok   requirements: requirements.txt includes requirements-deploy.txt',
    'ok   dotenv-ignored: .env is ignored by git',
    'ok   generated-up-to-date: 5 generated files match deploy.yaml',
    'ok   generated-committed: the generated files are committed',
    'ok   settings-import: mysite.deploy_settings imports',
  ].join('\n'));
  assert.is(ok.stderr, 'every check passed\n');
  const json = JSON.parse(runCli(['doctor', '--format', 'json'], { cwd: dir }).stdout);
  assert.equal(json.checks.map((c: { name: string; status: string }) => `${c.name} ${c.status}`), ['spec ok', 'requirements ok', 'dotenv-ignored ok', 'generated-up-to-date ok', 'generated-committed ok', 'settings-import ok']);
});

test('config prints the resolved spec of an environment, defaults written out', () => {
  const dir = project({ status: 0 });
  const r = runCli(['config', '--env', 'staging'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.is(
    r.stdout,
    [
      '# deploy.yaml with environment "staging", every default written out (deployspec config)',
      'version: 1',
      'name: mysite',
      'django:',
      '  project: mysite',
      '  root: .',
      '  secret_key_env: SECRET_KEY',
      '  dependencies: auto',
      'hosts:',
      '  - staging.example.com',
      'acknowledge: []',
      '',
    ].join('\n'),
  );
  const json = JSON.parse(runCli(['config', '--format', 'json'], { cwd: dir }).stdout);
  assert.equal(json.spec.hosts, ['example.com']);
  assert.is(json.environment, null);
  assert.is(json.spec.environments, undefined);
});

test.run();
