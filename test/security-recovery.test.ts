/**
 * Forged journals and manifests, the spec file under another name or through `--out`, and I/O failures that must
 * stay one line: real projects in temporary folders, the built CLI.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMAL, ROOT, runCli } from './helpers/spec.js';

const test = suite('security: recovery');
const STACK = /internal error|\n\s+at |node:internal/;
const ID = 'abc-0123456789ab';

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-recovery-'));
  const all = { 'deploy.yaml': MINIMAL, 'manage.py': "print('mine')\n", 'mysite/settings.py': 'DEBUG = False\n', ...files };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
function journal(dir: string, j: Record<string, unknown>): void {
  mkdirSync(join(dir, '.deployspec'), { recursive: true });
  writeFileSync(join(dir, '.deployspec/journal.json'), JSON.stringify({ version: 1, id: ID, writes: [], deletes: [], dirs: [], ...j }));
}
const build = (dir: string, ...args: string[]) => runCli(['build', '-q', '--target', 'heroku', ...args], { cwd: dir });

test('a forged rollback journal removes no hand-written file whose hash it names', () => {
  const dir = project({ '.github/workflows/ci.yml': 'on: push\n' });
  journal(dir, {
    state: 'rollback',
    writes: [
      { path: 'manage.py', sha256: hash("print('mine')\n"), backup: false },
      { path: '.github/workflows/ci.yml', sha256: hash('on: push\n'), backup: false },
    ],
  });
  {
    const r = build(dir);
    assert.is(r.status, 0, r.stderr);
  }
  assert.is(readFileSync(join(dir, 'manage.py'), 'utf8'), "print('mine')\n");
  assert.is(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8'), 'on: push\n');
});

test('a forged rollback journal puts no committed "backup" over a hand-written file', () => {
  const dir = project({ [`mysite/settings.py.deployspec-${ID}.bak`]: 'EVIL = 1\n' });
  journal(dir, { state: 'rollback', writes: [{ path: 'mysite/settings.py', sha256: hash('DEBUG = False\n'), backup: true }] });
  {
    const r = build(dir);
    assert.is(r.status, 0, r.stderr);
  }
  assert.is(readFileSync(join(dir, 'mysite/settings.py'), 'utf8'), 'DEBUG = False\n');
});

test('a forged commit journal moves no committed "temporary" over a file deployspec could not have written', () => {
  const dir = project({ [`manage.py.deployspec-${ID}.tmp`]: 'EVIL = 1\n' });
  journal(dir, { state: 'commit', writes: [{ path: 'manage.py', sha256: hash('EVIL = 1\n'), backup: false }] });
  {
    const r = build(dir);
    assert.is(r.status, 0, r.stderr);
  }
  assert.is(readFileSync(join(dir, 'manage.py'), 'utf8'), "print('mine')\n");
});

test('a forged rollback journal creates no .env from a file "moved aside" and removes no folder of .git', () => {
  const dir = project({ [`.env.deployspec-${ID}.del`]: 'SECRET_KEY=x\n' });
  mkdirSync(join(dir, '.git/refs/tags'), { recursive: true });
  journal(dir, { state: 'rollback', deletes: [{ path: '.env', sha256: hash('SECRET_KEY=x\n') }], dirs: ['.git/refs/tags', '.git/refs'] });
  {
    const r = build(dir);
    assert.is(r.status, 0, r.stderr);
  }
  assert.not.ok(existsSync(join(dir, '.env')));
  assert.ok(existsSync(join(dir, '.git/refs/tags')));
});

test('the spec file given by another name is never an output, in any case', () => {
  const spec = MINIMAL + 'targets:\n  render:\n    path: MyApp.yaml\n';
  const dir = project({ 'myapp.yaml': spec });
  rmSync(join(dir, 'deploy.yaml'));
  const r = runCli(['build', 'myapp.yaml', '--target', 'render', '--force'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /myapp\.yaml:\d+:\d+: error: render output path "MyApp\.yaml" is the spec file itself \[output\/reserved\]/);
  assert.is(readFileSync(join(dir, 'myapp.yaml'), 'utf8'), spec);
});

test('the spec file reached through --out is never an output, nor removed by a forged manifest entry', () => {
  const spec = MINIMAL + 'targets:\n  render:\n    path: app/deploy.yaml\n';
  const parent = mkdtempSync(join(tmpdir(), 'deployspec-recovery-'));
  const dir = join(parent, 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'deploy.yaml'), spec);
  const r = runCli(['build', '--target', 'render', '--out', '..', '--force'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /deployspec: refusing to write "app\/deploy\.yaml": render output path "app\/deploy\.yaml" is the spec file itself/);
  assert.is(readFileSync(join(dir, 'deploy.yaml'), 'utf8'), spec);
  // An entry claiming the spec (with its hash, a header in a comment) is dropped: --prune leaves it.
  const marked = `# generated by deployspec\n${MINIMAL}`;
  writeFileSync(join(dir, 'deploy.yaml'), marked);
  mkdirSync(join(parent, '.deployspec'));
  writeFileSync(
    join(parent, '.deployspec/manifest.json'),
    JSON.stringify({ version: 1, files: [{ path: 'app/deploy.yaml', sha256: hash(marked), target: 'render' }] }),
  );
  assert.is(runCli(['build', '-q', '--target', 'render', '--out', '..', '--prune'], { cwd: dir }).status, 0);
  assert.is(readFileSync(join(dir, 'deploy.yaml'), 'utf8'), marked);
});

test('an output name too long for the file system is one line, not an internal error', () => {
  const dir = project();
  writeFileSync(join(dir, 'deploy.yaml'), `${MINIMAL}targets:\n  render:\n    path: ${'a'.repeat(300)}.yaml\n  kubernetes:\n    path: ${'k'.repeat(300)}\n`);
  for (const args of [
    ['build', '--target', 'render'],
    ['build', '--check', '--target', 'kubernetes'],
    ['diff', '--target', 'kubernetes'],
  ]) {
    const r = runCli(['-q', ...args], { cwd: dir });
    assert.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.not.match(r.stderr, STACK);
    assert.match(r.stderr, /deployspec: cannot (inspect|open) [ak]+.*: the name is too long \(ENAMETOOLONG\)/);
  }
});

test('a deleted working folder is one line, exit 1', () => {
  const gone = mkdtempSync(join(tmpdir(), 'deployspec-recovery-'));
  const r = spawnSync('sh', ['-c', `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${ROOT}bin/deployspec.js" validate`], { encoding: 'utf8' });
  assert.is(r.status, 1, r.stderr);
  assert.not.match(r.stderr, STACK);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^deployspec: cannot use the working folder: no such file or folder \(ENOENT\)/);
});

test('manifest entries under a folder that is now a symbolic link are forgotten, not a failed build', () => {
  const dir = project();
  assert.is(runCli(['build', '-q', '--target', 'kubernetes'], { cwd: dir }).status, 0);
  const outside = mkdtempSync(join(tmpdir(), 'deployspec-recovery-out-'));
  renameSync(join(dir, 'k8s'), join(outside, 'k8s'));
  symlinkSync(join(outside, 'k8s'), join(dir, 'k8s'));
  writeFileSync(join(dir, 'deploy.yaml'), `${MINIMAL}targets:\n  kubernetes:\n    path: kube\n`);
  const r = runCli(['build', '--target', 'kubernetes', '--prune'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /forgot k8s\/base\/configmap\.yaml/);
  assert.ok(existsSync(join(outside, 'k8s/base/configmap.yaml')));
  assert.not.match(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'), /"k8s\//);
});

test.run();
