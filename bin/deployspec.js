#!/usr/bin/env node
// Starts the bundled CLI (dist/cli.cjs) through V8's code cache: the first run of a command compiles the bundle and
// stores the bytecode of everything it ran; later runs of that command load it instead of parsing ~800 KB of
// JavaScript (about 35 ms of a ~180 ms cold start; Node 20 has no built-in module compile cache).
//
// V8 checks a cache only against the source's length, not its contents, so a cache is as powerful as the code:
// whoever can write it can make this CLI run other code. It is therefore only read from, and written to, a place
// no one else could have written:
// - the package's own dist/.cache, when dist/ and the cache folder belong to the current user and are writable by
//   no one else (whoever can write there can edit dist/cli.cjs just as well);
// - $XDG_RUNTIME_DIR/deployspec, the user's private per-boot folder (mode 0700, never restored by a CI cache).
// It is never read from ~/.cache (a restored CI cache lands there), and a cache file is used only when it is a
// regular file of the current user with mode 0600 and one link. Only known commands get a cache (a typo creates
// nothing). DEPLOYSPEC_NO_CACHE=1 turns it off; any problem with it just means a normal start.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// The CLI's commands (src/cli.ts COMMAND_NAMES; test/cli-conventions.test.ts keeps the two equal).
const COMMANDS = new Set(['validate', 'build', 'diff', 'config', 'doctor', 'init', 'lint', 'templates', 'schema', 'targets', 'help']);
const MAX_CACHE_BYTES = 32 * 1024 * 1024;

const filename = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const source = readFileSync(filename, 'utf8');
const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
const command = first !== undefined && COMMANDS.has(first) ? first : null;
const uid = typeof process.geteuid === 'function' ? process.geteuid() : null;
const useCache = !process.env.DEPLOYSPEC_NO_CACHE && command !== null && uid !== null;

/** A folder only this user can write: a real folder (no link), owned by us, no group/other write bit. */
function privateDir(dir, mode = 0o022) {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & mode) === 0;
  } catch {
    return false;
  }
}

function places() {
  const out = [];
  const dist = dirname(filename);
  if (privateDir(dist)) out.push({ dir: join(dist, '.cache') });
  // The XDG Base Directory spec: a relative path in XDG_RUNTIME_DIR is invalid and must be ignored (it would name a
  // folder of whatever directory deployspec runs in, such as a checked-out repository).
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime) && privateDir(runtime, 0o077)) out.push({ dir: join(runtime, 'deployspec') });
  return out;
}

/** The cache file's bytes, or undefined unless it is a private regular file of ours in a private folder. */
function readCache(dir, name) {
  if (!privateDir(dir)) return undefined;
  let fd;
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== uid || (st.mode & 0o077) !== 0 || st.nlink !== 1 || st.size > MAX_CACHE_BYTES || st.size === 0) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, null);
      if (n === 0) return undefined;
      off += n;
    }
    return buf;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function writeCache(dir, name, data) {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if (err.code !== 'EEXIST') return false;
  }
  if (!privateDir(dir)) return false;
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    return false;
  }
}

const key = createHash('sha256').update(source).update(`${process.version} ${process.arch}`).digest('hex').slice(0, 24);
const name = `cli-${key}-${command}.bin`;
const where = useCache ? places() : [];
let cachedData;
for (const p of where) {
  cachedData = readCache(p.dir, name);
  if (cachedData) break;
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(filename), mod, filename, dirname(filename));

if (where.length && (cachedData === undefined || script.cachedDataRejected)) {
  // After the command ran, so the cache also holds the functions compiled lazily on the way; only after a
  // run that did not fail on its arguments (exit 2) or crash.
  process.once('exit', (code) => {
    if (code !== 0 && code !== 1) return;
    const data = script.createCachedData();
    for (const p of where) if (writeCache(p.dir, name, data)) return;
  });
}
mod.exports.run();
