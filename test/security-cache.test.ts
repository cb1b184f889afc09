/**
 * Class 6: the start-up code cache is not an injection point. A cache compiled from an edited bundle of the same
 * length, saved under the real key where an older version looked (~/.cache/deployspec, a shared dist/.cache),
 * must not make the unmodified CLI run the edited code; a typo'd command creates no cache file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMAL, ROOT } from './helpers/spec.js';

const test = suite('security: code cache');

/** A copy of the package (bin/ and dist/cli.cjs) the test may plant files in. */
function pkg(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-cache-'));
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  cpSync(join(ROOT, 'dist/cli.cjs'), join(dir, 'dist/cli.cjs'));
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return dir;
}

const PLANT = `
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');
const [filename, outDirs, specDir] = process.argv.slice(1);
const real = fs.readFileSync(filename, 'utf8');
const edited = real.split(': valid').join(': PWNED');
if (edited === real || edited.length !== real.length) throw new Error('no same-length edit');
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + edited + '\\n})', { filename, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const mod = { exports: {} };
process.argv = [process.argv[0], 'deployspec', 'validate', specDir];
script.runInThisContext()(mod.exports, createRequire(filename), mod, filename, path.dirname(filename));
mod.exports.run();
process.on('exit', () => {
  const data = script.createCachedData();
  const tag = process.version + ' ' + process.arch;
  const names = [
    'cli-' + createHash('sha1').update(real).update(tag).digest('hex').slice(0, 20) + '-validate.bin',
    'cli-' + createHash('sha256').update(real).update(tag).digest('hex').slice(0, 24) + '-validate.bin',
  ];
  for (const d of outDirs.split(':')) {
    fs.mkdirSync(d, { recursive: true });
    for (const n of names) fs.writeFileSync(path.join(d, n), data, { mode: 0o644 });
  }
});
`;

function validate(root: string, spec: string, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [join(root, 'bin/deployspec.js'), 'validate', spec], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_RUNTIME_DIR: '', ...env }, timeout: 60_000 });
}

test('a cache planted in ~/.cache/deployspec or a shared dist/.cache is never run', () => {
  const root = pkg();
  const home = mkdtempSync(join(tmpdir(), 'deployspec-home-'));
  const spec = mkdtempSync(join(tmpdir(), 'deployspec-spec-'));
  writeFileSync(join(spec, 'deploy.yaml'), MINIMAL);
  const planted = [join(home, '.cache/deployspec'), join(root, 'dist/.cache')];
  const p = spawnSync(process.execPath, ['-e', PLANT, join(root, 'dist/cli.cjs'), planted.join(':'), spec], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.match(p.stderr, /PWNED/, `the edited bundle runs when loaded directly: ${p.stderr}`);
  // The planted dist/.cache is world-readable and group/other-writable: not the package's private cache.
  chmodSync(join(root, 'dist/.cache'), 0o777);
  const env = { HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
  for (let i = 0; i < 2; i++) {
    const r = validate(root, spec, env);
    assert.is(r.status, 0, r.stderr);
    assert.not.match(r.stderr, /PWNED/, 'the CLI ran code from a planted cache');
    assert.match(r.stderr, /: valid/);
  }
  // With the folder private again, a planted file that is not private (mode 0644) is still ignored.
  chmodSync(join(root, 'dist/.cache'), 0o700);
  const r = validate(root, spec, env);
  assert.not.match(r.stderr, /PWNED/);
});

test('a relative XDG_RUNTIME_DIR is ignored: a private cache planted in the folder deployspec runs in is never run', () => {
  const root = pkg();
  const spec = mkdtempSync(join(tmpdir(), 'deployspec-spec-'));
  writeFileSync(join(spec, 'deploy.yaml'), MINIMAL);
  const planted = join(spec, 'run', 'deployspec');
  const p = spawnSync(process.execPath, ['-e', PLANT, join(root, 'dist/cli.cjs'), planted, spec], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.match(p.stderr, /PWNED/, `the edited bundle runs when loaded directly: ${p.stderr}`);
  // The package's own dist/ is shared (writable by others), so only the runtime folder could serve a cache.
  chmodSync(join(root, 'dist'), 0o777);
  // Everything private and ours, as a checked-out repository run by its owner could make it.
  chmodSync(join(spec, 'run'), 0o700);
  chmodSync(planted, 0o700);
  for (const f of readdirSync(planted)) chmodSync(join(planted, f), 0o600);
  const r = spawnSync(process.execPath, [join(root, 'bin/deployspec.js'), 'validate', 'deploy.yaml'], { cwd: spec, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_RUNTIME_DIR: 'run' }, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stderr, /PWNED/, 'the CLI ran code from a cache under a relative XDG_RUNTIME_DIR');
  // The same folder given as an absolute path is the user's private runtime folder and is used.
  const abs = spawnSync(process.execPath, [join(root, 'bin/deployspec.js'), 'validate', 'deploy.yaml'], { cwd: spec, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_RUNTIME_DIR: join(spec, 'run') }, timeout: 60_000 });
  assert.match(abs.stderr, /PWNED/, 'the check can fail: an absolute private runtime folder is trusted');
});

test('a typo\'d command creates no cache file; a known one caches privately', () => {
  const root = pkg();
  const r = spawnSync(process.execPath, [join(root, 'bin/deployspec.js'), 'frobnicate'], { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: '' } });
  assert.is(r.status, 2);
  assert.not.ok(existsSync(join(root, 'dist/.cache')) && readdirSync(join(root, 'dist/.cache')).length, 'typo created a cache');
  const spec = mkdtempSync(join(tmpdir(), 'deployspec-spec-'));
  writeFileSync(join(spec, 'deploy.yaml'), MINIMAL);
  assert.is(validate(root, spec, {}).status, 0);
  const files = readdirSync(join(root, 'dist/.cache'));
  assert.is(files.length, 1);
  assert.is(statSync(join(root, 'dist/.cache', files[0]!)).mode & 0o777, 0o600);
  assert.is(statSync(join(root, 'dist/.cache')).mode & 0o777, 0o700);
  assert.ok(readFileSync(join(root, 'dist/.cache', files[0]!)).length > 0);
});

test.run();
