/**
 * Installs from git work: the real `pre-commit` (Debian's package, scripts/deps/50-workflow.sh) runs the shipped
 * hook from a local clone of this repository, and `npm install git+file://…` of the same clone gives a working
 * `npx deployspec` and the library with its type declarations. Both build dist/ through the `prepare` script,
 * since dist/ is not in git. The clone is of HEAD: what a user installing from the repository would get.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pkg from '../package.json' with { type: 'json' };
import { MINIMAL, ROOT, runCli, skipLoudly } from './helpers/spec.js';

const CI = process.env.CI === 'true';
const has = (cmd: string) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** A clone of this repository's HEAD, as a user's git URL would give it. */
function cloneHead(): { dir: string; sha: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'deployspec-hookrepo-')), 'deployspec');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir]);
  return { dir, sha: git(dir, 'rev-parse', 'HEAD') };
}

const SPEC = MINIMAL + 'hosts: [example.com]\n';

test('the pre-commit hook from a git clone installs and runs: passes when up to date, fails with a diff when stale', () => {
  if (!has('pre-commit') || !has('git')) {
    if (CI) assert.unreachable('pre-commit is not installed (scripts/deps/50-workflow.sh)');
    skipLoudly('pre-commit hook test', 'pre-commit or git is missing (run scripts/deps/50-workflow.sh as root)');
    return;
  }
  const hook = cloneHead();
  assert.not.ok(existsSync(join(hook.dir, 'dist')), 'dist/ is not in git: the install must build it');
  const app = mkdtempSync(join(tmpdir(), 'deployspec-precommit-'));
  git(app, 'init', '--quiet');
  writeFileSync(join(app, 'deploy.yaml'), SPEC);
  assert.is(runCli(['build', '--target', 'heroku,django', '-q'], { cwd: app }).status, 0);
  writeFileSync(join(app, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hook.dir}\n    rev: ${hook.sha}\n    hooks:\n      - id: deployspec-check\n        args: [--target, 'heroku,django']\n`);
  git(app, 'add', '-A');
  git(app, 'commit', '--quiet', '-m', 'app');
  const env = { ...process.env, PRE_COMMIT_HOME: join(app, '.pre-commit-home'), NO_COLOR: '1' };
  const ok = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], { cwd: app, encoding: 'utf8', env, timeout: 900_000 });
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^deployspec build --check\.+Passed$/m);
  writeFileSync(join(app, 'Procfile'), 'web: edited by hand\n');
  const bad = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], { cwd: app, encoding: 'utf8', env, timeout: 900_000 });
  assert.is(bad.status, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /^deployspec build --check\.+Failed$/m);
  assert.match(bad.stdout, /^-web: edited by hand$/m);
  assert.match(bad.stdout, /out of date: run `deployspec build` and commit the result/);
});

test('npm install git+file://… builds dist/ (prepare): npx deployspec works, the library imports with its types', () => {
  if (!has('git')) {
    if (CI) assert.unreachable('git is not installed');
    skipLoudly('git install test', 'git is missing');
    return;
  }
  const repo = cloneHead();
  const app = mkdtempSync(join(tmpdir(), 'deployspec-gitinstall-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', `git+file://${repo.dir}#${repo.sha}`], { cwd: app, encoding: 'utf8', timeout: 900_000 });
  assert.is(npm.status, 0, npm.stdout + npm.stderr);
  const v = spawnSync('npx', ['--no-install', 'deployspec', '--version'], { cwd: app, encoding: 'utf8' });
  assert.is(v.status, 0, v.stderr);
  assert.is(v.stdout, `${pkg.version}\n`);
  const installed = join(app, 'node_modules/deployspec');
  for (const f of ['dist/cli.cjs', 'dist/index.js', 'dist/types/src/index.d.ts', 'schema/deploy.schema.json', 'LICENSE']) assert.ok(existsSync(join(installed, f)), f);
  const types = readFileSync(join(installed, 'dist/types/src/index.d.ts'), 'utf8');
  assert.match(types, /export declare function compile\(file: string, input: string \| Uint8Array, options\?: CompileOptions\): CompileResult;/);
  const script = `import { compile } from 'deployspec';\nconst r = compile('deploy.yaml', ${JSON.stringify(SPEC)}, { targets: ['heroku'] });\nconsole.log(r.files.map((f) => f.path).join(' '));\ntry { compile('deploy.yaml', '', { targets: ['herokku'] }); } catch (e) { console.log(e.message); }\n`;
  writeFileSync(join(app, 'use.mjs'), script);
  const lib = spawnSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8' });
  assert.is(lib.status, 0, lib.stderr);
  const [paths, error] = lib.stdout.trim().split('\n');
  assert.match(paths!, /(^| )Procfile( |$)/);
  assert.match(error!, /^deployspec\.compile: unknown target "herokku" in options\.targets; choose from: heroku, /);
});

test.run();
