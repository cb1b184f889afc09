/**
 * Class 5 (a folder swapped for a symbolic link while writing) and class 7 (interrupted and concurrent builds):
 * real folders, a swap loop in another process, `kill -9` in the middle of a write, two builds at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { acquireLock } from '../src/io/lock.js';
import { parseManifest } from '../src/io/manifest.js';
import { applyChanges, recoverInterrupted } from '../src/io/write.js';
import { ROOT, runCli } from './helpers/spec.js';

const test = suite('security: writes');
const tmp = () => mkdtempSync(join(tmpdir(), 'deployspec-secw-'));

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, p));
    else out.push(p);
  }
  return out.sort();
}

const SWAP = `
const fs = require('fs');
const [dir, outside, ms] = process.argv.slice(1);
const real = dir + '/sub', hold = dir + '/sub.real', link = dir + '/sub.link';
fs.symlinkSync(outside, link);
const end = Date.now() + Number(ms);
process.stdout.write('ready\\n');
while (Date.now() < end) {
  try { fs.renameSync(real, hold); fs.renameSync(link, real); fs.renameSync(real, link); fs.renameSync(hold, real); } catch {}
}
`;

test('a folder swapped for a symbolic link while writing never sends a file outside (swap loop, 400 writes)', async () => {
  const dir = tmp();
  const outside = tmp();
  mkdirSync(join(dir, 'sub'));
  const child = spawn(process.execPath, ['-e', SWAP, dir, outside, '20000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res) => child.stdout!.once('data', () => res()));
  let ok = 0;
  let refused = 0;
  const t0 = Date.now();
  for (let i = 0; i < 400 && Date.now() - t0 < 15000; i++) {
    try {
      applyChanges(dir, { writes: [{ path: `sub/f${i}.txt`, contents: `file ${i}\n` }, { path: `sub/deep/g${i}.txt`, contents: `g ${i}\n` }] });
      ok++;
    } catch {
      refused++; // a refusal (symbolic link on the way) or a vanished folder is fine; a write outside is not
    }
  }
  child.kill('SIGKILL');
  await new Promise((res) => child.once('exit', res));
  assert.equal(walk(outside), [], `files written outside the project (${ok} writes succeeded, ${refused} refused)`);
  assert.ok(ok + refused > 0);
});

// --- class 7 ------------------------------------------------------------------------------------------------------

/** Runs applyChanges in a child that kills itself with SIGKILL at the nth call of `op`. */
function crashAt(dir: string, op: 'writeFile' | 'rename' | 'link', n: number, changes: object): void {
  const script = `
    import { applyChanges, realFs } from ${JSON.stringify(ROOT + 'src/io/write.ts')};
    let calls = 0;
    const fs = { ...realFs, ${op}: (...a) => { if (++calls === ${n}) process.kill(process.pid, 'SIGKILL'); return realFs.${op}(...a); } };
    applyChanges(${JSON.stringify(dir)}, ${JSON.stringify(changes)}, fs, { journal: '.deployspec/journal.json', procfs: true });
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.signal, 'SIGKILL', r.stderr);
}

for (const [op, n] of [['writeFile', 2], ['writeFile', 4], ['writeFile', 5], ['rename', 2], ['rename', 3], ['rename', 5]] as const) {
  test(`kill -9 at ${op} #${n}: the next run rolls the build back or forward and leaves no temporaries`, () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.txt'), 'old a\n');
    writeFileSync(join(dir, 'sub/b.txt'), 'old b\n');
    writeFileSync(join(dir, 'gone.txt'), 'to delete\n');
    const changes = { writes: [{ path: 'a.txt', contents: 'new a\n' }, { path: 'sub/b.txt', contents: 'new b\n' }, { path: 'new/c.txt', contents: 'new c\n' }], deletes: ['gone.txt'] };
    const oldState = { 'a.txt': 'old a\n', 'gone.txt': 'to delete\n', 'sub/b.txt': 'old b\n' };
    const newState = { 'a.txt': 'new a\n', 'new/c.txt': 'new c\n', 'sub/b.txt': 'new b\n' };
    crashAt(dir, op, n, changes);
    const r = recoverInterrupted(dir, '.deployspec/journal.json', undefined, { allow: () => true });
    const files = Object.fromEntries(walk(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const state = r.action === 'rolled forward' ? newState : oldState;
    assert.equal(files, state, `after ${r.action}`);
  });
}

test('cli: temporaries left by an older build without a journal are removed, and deployspec files are not refused as hand-edited', () => {
  const dir = tmp();
  cpSync(join(ROOT, 'examples/01-minimal/deploy.yaml'), join(dir, 'deploy.yaml'));
  assert.is(runCli(['build'], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'Procfile.deployspec-12345.tmp'), 'half');
  writeFileSync(join(dir, '.deployspec/manifest.json.deployspec-12345.tmp'), '{');
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.not.ok(walk(dir).some((f) => f.includes('.deployspec-')), walk(dir).join(' '));
});

test('cli: a journal left by a killed build is finished by the next build (roll forward), then --check passes', () => {
  const dir = tmp();
  cpSync(join(ROOT, 'examples/01-minimal/deploy.yaml'), join(dir, 'deploy.yaml'));
  assert.is(runCli(['build'], { cwd: dir }).status, 0);
  // Simulate a build killed after its commit point: Procfile's new contents are still in their temporary.
  const procfile = readFileSync(join(dir, 'Procfile'), 'utf8');
  const id = 'abc-0123456789ab';
  writeFileSync(join(dir, `Procfile.deployspec-${id}.tmp`), procfile);
  writeFileSync(join(dir, 'Procfile'), 'web: half-old\n');
  writeFileSync(join(dir, '.deployspec/journal.json'), JSON.stringify({ version: 1, id, state: 'commit', writes: [{ path: 'Procfile', sha256: createHash('sha256').update(procfile).digest('hex'), backup: true }], deletes: [], dirs: [] }));
  const check = runCli(['build', '--check'], { cwd: dir });
  assert.match(check.stderr, /interrupted build/);
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /recovered an interrupted build: rolled forward/);
  assert.is(readFileSync(join(dir, 'Procfile'), 'utf8'), procfile);
  assert.not.ok(existsSync(join(dir, '.deployspec/journal.json')));
  assert.is(runCli(['build', '--check'], { cwd: dir }).status, 0);
});

test('cli: two builds at once keep every manifest entry (build lock)', async () => {
  for (let round = 0; round < 3; round++) {
    const dir = tmp();
    cpSync(join(ROOT, 'examples/01-minimal/deploy.yaml'), join(dir, 'deploy.yaml'));
    const run = (target: string) =>
      new Promise<number | null>((res) => {
        // Each build waits its turn; on a loaded machine four in a row can take longer than the default 10 s wait.
        const c = spawn(process.execPath, [ROOT + 'bin/deployspec.js', 'build', '--target', target], { cwd: dir, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', DEPLOYSPEC_LOCK_WAIT_MS: '120000' } });
        c.once('exit', (code) => res(code));
      });
    const codes = await Promise.all([run('heroku'), run('docker'), run('django'), run('digitalocean')]);
    assert.equal(codes, [0, 0, 0, 0]);
    const targets = new Set(parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'), { heroku: ['.python-version'], docker: ['.dockerignore'], digitalocean: ['.do/*.yaml'] }).files.map((f) => f.target));
    assert.equal([...targets].sort(), ['digitalocean', 'django', 'docker', 'heroku'], `round ${round}`);
    assert.is(runCli(['build', '--check', '--target', 'heroku,docker,django,digitalocean'], { cwd: dir }).status, 0);
  }
});

test('cli: a lock held by a live build makes the next one wait, then fail with one line; a dead owner is taken over', () => {
  const dir = tmp();
  cpSync(join(ROOT, 'examples/01-minimal/deploy.yaml'), join(dir, 'deploy.yaml'));
  mkdirSync(join(dir, '.deployspec'));
  writeFileSync(join(dir, '.deployspec/lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }));
  const r = runCli(['build'], { cwd: dir, env: { DEPLOYSPEC_LOCK_WAIT_MS: '300' } });
  assert.is(r.status, 1);
  assert.match(r.stderr, /another deployspec build is writing to this folder \(pid \d+/);
  assert.not.ok(existsSync(join(dir, 'Procfile')));
  writeFileSync(join(dir, '.deployspec/lock'), JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: 'then' }));
  const ok = runCli(['build'], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
  assert.not.ok(existsSync(join(dir, '.deployspec/lock')));
});

test('cli: a lock whose pid now names another process is stale (Linux: boot and start time are recorded)', () => {
  const dir = tmp();
  cpSync(join(ROOT, 'examples/01-minimal/deploy.yaml'), join(dir, 'deploy.yaml'));
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
  const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const lock = (proc: string) => writeFileSync(join(dir, '.deployspec/lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: 'then', proc }));
  mkdirSync(join(dir, '.deployspec'));
  // The live test runner with its own start time is a running build: the next one waits and fails.
  lock(`${boot}:${ticks}`);
  const held = runCli(['build'], { cwd: dir, env: { DEPLOYSPEC_LOCK_WAIT_MS: '300' } });
  assert.is(held.status, 1, held.stderr);
  // The same pid recorded before a reboot, or for a process that started at another moment, is not this one.
  for (const proc of [`00000000-0000-0000-0000-000000000000:${ticks}`, `${boot}:${Number(ticks) + 1}`]) {
    lock(proc);
    const ok = runCli(['build'], { cwd: dir, env: { DEPLOYSPEC_LOCK_WAIT_MS: '300' } });
    assert.is(ok.status, 0, ok.stderr);
    assert.not.ok(existsSync(join(dir, '.deployspec/lock')), proc);
  }
  // A build records its own boot and start time while it holds the lock.
  const held2 = acquireLock(dir, { waitMs: 0 });
  const owner = JSON.parse(readFileSync(join(dir, '.deployspec/lock'), 'utf8'));
  held2.release();
  assert.equal([owner.pid, owner.proc], [process.pid, `${boot}:${ticks}`]);
});

test.run();
