/**
 * No input crashes the front end: random bytes, token soup and mutated examples all end in diagnostics with a
 * position inside the file. Fixed seed and run count here; `npm run fuzz` runs the same properties far longer.
 */
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze } from '../src/analyze.js';
import { hasErrors } from '../src/diagnostics.js';
import { ROOT } from './helpers/spec.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

function checkResult(input: string | Uint8Array): void {
  const r = analyze('deploy.yaml', input);
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  const lines = text.split('\n').length;
  for (const d of r.diagnostics) {
    if (!(d.line >= 1 && d.line <= lines + 1 && d.col >= 1)) throw new Error(`diagnostic outside the file: ${JSON.stringify(d)}`);
    if (!d.message || !d.code) throw new Error(`diagnostic without message or code: ${JSON.stringify(d)}`);
    if (d.severity === 'error' && !d.hint) throw new Error(`error without a hint: ${JSON.stringify(d)}`);
  }
  if (!r.model && !hasErrors(r.diagnostics)) throw new Error('no model and no error');
}

const examples = fg.sync('examples/*/deploy.yaml', { cwd: ROOT }).sort().map((f) => readFileSync(ROOT + f, 'utf8'));

const TOKENS = [
  'version: 1\n', 'name: app\n', 'django:\n', '  project: app\n', 'processes:\n', '  web:\n', '    command: x\n', 'env:\n', '  KEY: v\n',
  '  SECRET_KEY:\n', '    secret: true\n', '    value: s\n', 'jobs:\n', '  j:\n', '    schedule: "* * * * *"\n', 'environments:\n', '  staging:\n',
  ': ', '- ', '[', ']', '{', '}', ',', '"', "'", '&a ', '*a', '!!str ', '!tag ', '? ', '|\n', '>\n', '#', '\t', '\r\n', '\n', '  ', '    ',
  '---\n', '...\n', '%YAML 1.2\n', '<<: *a\n', '\ufeff', '\u0000', '\u2028', 'é', '😀', '~', 'null', 'true', '0x1F', '1e9', '3.10', '-.inf',
];

test('random bytes never crash the loader', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => checkResult(bytes)), params);
});

test('random text never crashes', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => checkResult(s)), params);
});

test('YAML token soup never crashes', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (parts) => checkResult(parts.join(''))), params);
});

test('mutated examples never crash', () => {
  const mutation = fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS, ''));
  fc.assert(
    fc.property(fc.constantFrom(...examples), fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, edits) => {
      let s = text;
      for (const [at, del, ins] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ins + s.slice(i + del);
      }
      checkResult(s);
    }),
    params,
  );
});

test('truncated examples never crash', () => {
  for (const text of examples) for (let i = 0; i <= text.length; i += 7) checkResult(text.slice(0, i));
});

test('hostile shapes end in a positioned diagnostic quickly', () => {
  const cases = [
    'a: ' + '['.repeat(5000),
    'a: ' + '{'.repeat(5000),
    'x: "' + 'y'.repeat(200_000) + '"\n',
    Array.from({ length: 2000 }, (_, i) => `k${i}: &a${i} v`).join('\n'),
    'a: &a [*a]\n',
    'version: 1\nname: x\n'.repeat(500),
  ];
  for (const c of cases) checkResult(c);
});

test.run();
