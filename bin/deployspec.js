#!/usr/bin/env node
// Starts the bundled CLI (dist/cli.cjs) through V8's code cache: the first run compiles it and stores the bytecode
// of everything it ran; later runs of the same command load that instead of parsing ~700 KB of JavaScript. Node 20 has no built-in
// module compile cache. The cache is keyed by a hash of the bundle and the Node version, lives in the package's
// dist/.cache (or ~/.cache/deployspec when that is read-only), and any problem with it just means a normal start.
// DEPLOYSPEC_NO_CACHE=1 turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const filename = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const source = readFileSync(filename, 'utf8');
const useCache = !process.env.DEPLOYSPEC_NO_CACHE;
const key = createHash('sha1').update(source).update(`${process.version} ${process.arch}`).digest('hex').slice(0, 20);
// One cache per command: each holds the bytecode of the functions that command runs.
const command = (process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '').replace(/[^a-z-]/g, '').slice(0, 20) || 'none';
const places = [join(dirname(filename), '.cache'), join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'deployspec')];

let cachedData;
if (useCache) {
  for (const dir of places) {
    try {
      cachedData = readFileSync(join(dir, `cli-${key}-${command}.bin`));
      break;
    } catch {
      /* not cached there */
    }
  }
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(filename), mod, filename, dirname(filename));

if (useCache && (cachedData === undefined || script.cachedDataRejected)) {
  // After the command ran, so the cache also holds the functions compiled lazily on the way.
  process.once('exit', () => {
    const data = script.createCachedData();
    for (const dir of places) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = join(dir, `cli-${key}-${command}.${process.pid}.tmp`);
        writeFileSync(tmp, data, { mode: 0o600 });
        renameSync(tmp, join(dir, `cli-${key}-${command}.bin`));
        return;
      } catch {
        /* try the next place */
      }
    }
  });
}
mod.exports.run();
