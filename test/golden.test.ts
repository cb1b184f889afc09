/**
 * Golden files: every example built for every registered target, compared as whole folders with
 * test/golden/<example>/<target>/ (every file, including dot files, plus `diagnostics.txt`): a missing, changed or
 * extra file fails. `npm run golden:update` rewrites the folders (review the diff before committing). Goldens only
 * prove that output did not change; the targets' conformance tests prove it is right.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CompileResult } from '../src/compile.js';
import { TARGETS } from '../targets/index.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { compileText, ROOT } from './helpers/spec.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Every file under `dir`, as POSIX paths relative to it. */
function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

/** What a target's golden folder holds for one build: its files and its diagnostics. */
export function goldenFiles(result: CompileResult): Map<string, string> {
  const files = new Map(result.files.map((f) => [f.path, f.contents]));
  files.set('diagnostics.txt', result.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}\n  hint: ${d.hint ?? ''}\n`).join(''));
  return files;
}

test('every example has a golden folder per registered target, and no folder for anything else', () => {
  const examples = readdirSync(ROOT + 'test/golden').sort();
  assert.equal(examples, EXAMPLES, 'one golden folder per example');
  for (const ex of EXAMPLES) {
    const targets = readdirSync(`${ROOT}test/golden/${ex}`).sort();
    if (UPDATE) for (const t of targets) if (!TARGETS.some((x) => x.name === t)) rmSync(`${ROOT}test/golden/${ex}/${t}`, { recursive: true });
    else assert.equal(targets, TARGETS.map((t) => t.name).sort(), `${ex}: golden folders are the registered targets`);
  }
});

for (const ex of EXAMPLES) {
  for (const target of TARGETS) {
    test(`golden: ${ex} / ${target.name}`, () => {
      const want = goldenFiles(compileText(exampleText(ex), { targets: [target] }));
      const dir = `${ROOT}test/golden/${ex}/${target.name}/`;
      if (UPDATE) {
        rmSync(dir, { recursive: true, force: true });
        for (const [path, contents] of want) {
          mkdirSync(dirname(dir + path), { recursive: true });
          writeFileSync(dir + path, contents);
        }
        return;
      }
      const have = listFiles(dir).sort();
      assert.equal(have, [...want.keys()].sort(), `${ex}/${target.name}: the golden folder holds exactly the built files (npm run golden:update)`);
      for (const [path, contents] of want) assert.fixture(contents, readFileSync(dir + path, 'utf8'), `${ex}/${target.name}/${path}`);
    });
  }
}

test.run();
