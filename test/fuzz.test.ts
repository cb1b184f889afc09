/**
 * No input crashes the front end: random bytes, token soup and mutated examples all end in diagnostics with a
 * position inside the file. Fixed seed and run count here; `npm run fuzz` runs the same properties far longer.
 */
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import fc from 'fast-check';
import { test } from 'uvu';
import { analyze } from '../src/analyze.js';
import { hasErrors } from '../src/diagnostics.js';
import { ROOT } from './helpers/spec.js';
import { parseManifest, serializeManifest } from '../src/io/manifest.js';
import { foldedPath, normalizeOutputPath, refuseOutputPath } from '../src/io/output-policy.js';

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

// Output paths and manifest contents: hostile parts (dot files, secrets, `..`, case and Unicode variants).
const PATH_PARTS = ['.env', '.ENV', '.env.', '.git', 'config', '.ssh', 'id_rsa', 'a', 'Procfile', '.do', 'app.yaml', '.deployspec', 'manifest.json', '..', '.', '', 'deploy.yaml', 'x.pem', '.npmrc', 'node_modules', 'é', 'e\u0301', '\u0000', '\\', ' ', '.dockerignore'];
const outputPath = fc.oneof(
  fc.array(fc.constantFrom(...PATH_PARTS), { minLength: 1, maxLength: 5 }).map((p) => p.join('/')),
  fc.array(fc.constantFrom(...PATH_PARTS), { minLength: 1, maxLength: 4 }).map((p) => '/' + p.join('/')),
  fc.string({ maxLength: 40 }),
);
const OWNED = { heroku: ['Procfile', '.python-version'], docker: ['.dockerignore'], digitalocean: ['.do/*.yaml'] };
const SENSITIVE = /(^|\/)(\.git|\.ssh|\.deployspec|node_modules)(\/|$)|(^|\/)(\.env[^/]*|id_rsa|[^/]*\.pem|\.npmrc)$|^deploy\.yaml$/i;

test('output paths: an allowed path is normalized, inside the folder, and never sensitive or reserved', () => {
  fc.assert(
    fc.property(outputPath, fc.constantFrom('heroku', 'docker', 'digitalocean', 'django'), (path, target) => {
      const refused = refuseOutputPath(path, target, OWNED);
      const norm = normalizeOutputPath(path);
      if (refused) return;
      if (norm === null) throw new Error(`allowed an unnormalizable path ${JSON.stringify(path)}`);
      if (norm.split('/').includes('..') || norm.startsWith('/') || norm.includes('\\') || /[\u0000-\u001f]/.test(norm)) throw new Error(`allowed ${JSON.stringify(path)}`);
      const folded = foldedPath(norm);
      if (SENSITIVE.test(folded)) throw new Error(`allowed sensitive ${JSON.stringify(path)} for ${target}`);
      if (norm.split('/').some((p) => p.startsWith('.')) && refuseOutputPath(norm, 'django', OWNED) === null) throw new Error(`a dot path allowed for a target that declares none: ${norm}`);
      if (normalizeOutputPath(norm) !== norm) throw new Error('normalization is not idempotent');
    }),
    params,
  );
});

test('manifest contents: parsing never throws; kept entries are normalized, allowed, unique and round-trip', () => {
  const entry = fc.record({ path: fc.oneof(outputPath, fc.constant(42 as unknown as string)), sha256: fc.oneof(fc.constantFrom('a'.repeat(64), 'b'.repeat(64)), fc.string({ maxLength: 70 })), target: fc.constantFrom('heroku', 'docker', 'digitalocean', 'django', '__proto__', '', 'x y') });
  const manifest = fc.oneof(
    fc.record({ version: fc.constantFrom(1, 2, '1' as unknown as number), files: fc.array(fc.oneof(entry, fc.constant(null as unknown as never)), { maxLength: 12 }) }).map((m) => JSON.stringify(m)),
    fc.string({ maxLength: 200 }),
  );
  fc.assert(
    fc.property(manifest, (text) => {
      const m = parseManifest(text, OWNED);
      const seen = new Set<string>();
      for (const f of m.files) {
        if (normalizeOutputPath(f.path) !== f.path || refuseOutputPath(f.path, f.target, OWNED)) throw new Error(`kept ${JSON.stringify(f)}`);
        if (seen.has(foldedPath(f.path))) throw new Error(`duplicate ${f.path}`);
        seen.add(foldedPath(f.path));
      }
      const again = parseManifest(serializeManifest(m), OWNED);
      if (JSON.stringify(again.files) !== JSON.stringify([...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))) throw new Error('does not round-trip');
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
