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
import { spawnSync } from 'node:child_process';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { compile } from '../src/compile.js';
import { formatJson, formatText } from '../src/format.js';
import { BUILTIN_TEMPLATES } from '../src/generated/templates.js';
import { toYaml } from '../src/yaml-out.js';
import { listTargets, TARGETS } from '../targets/index.js';
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

// --- names (class 10), Unicode line separators and retyped scalars (class 11), secrets (classes 1 and 2) ----------

/** Compile-heavy properties run a tenth as many cases (at least 30); FUZZ_COMPILE_RUNS sets the count. */
const compileParams = { ...params, numRuns: Number(process.env.FUZZ_COMPILE_RUNS ?? Math.max(30, Math.round(RUNS / 10))) };
const MINIMAL_SPEC = 'version: 1\nname: mysite\ndjango:\n  project: mysite\n';
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype', 'then', 'length', 'name'];
const nameGen = fc.oneof(fc.constantFrom(...PROTO), fc.constantFrom(...PROTO).map((n) => n.toLowerCase().replace(/[^a-z]/g, '')), fc.constantFrom(...PROTO).map((n) => n.toUpperCase().replace(/[^A-Z_]/g, '_')), fc.constantFrom('web', 'worker', 'beat', 'db', 'staging'));
const LEAK = /native code|\[object Object\]|function [A-Za-z]*\(/;

test('prototype names as processes, jobs, env, environments and size-map keys: every target, no crash, no leak', () => {
  const spec = fc.record({
    procs: fc.uniqueArray(nameGen, { maxLength: 3 }),
    jobs: fc.uniqueArray(nameGen, { maxLength: 2 }),
    env: fc.uniqueArray(nameGen, { maxLength: 3 }),
    envs: fc.uniqueArray(nameGen, { maxLength: 2 }),
    sizes: fc.uniqueArray(nameGen, { maxLength: 3 }),
  });
  fc.assert(
    fc.property(spec, (s) => {
      const q = (n: string) => JSON.stringify(n);
      let text = MINIMAL_SPEC;
      if (s.procs.length) text += 'processes:\n' + s.procs.map((n) => `  ${q(n)}:\n    command: celery -A mysite worker\n    size: large\n`).join('');
      if (s.jobs.length) text += 'jobs:\n' + s.jobs.map((n) => `  ${q(n)}:\n    schedule: "0 3 * * *"\n    command: python manage.py x\n`).join('');
      if (s.env.length) text += 'env:\n' + s.env.map((n) => `  ${q(n)}: v\n`).join('');
      if (s.envs.length) text += 'environments:\n' + s.envs.map((n) => `  ${q(n)}:\n    processes:\n      web:\n        instances: 2\n`).join('');
      if (s.sizes.length) text += 'targets:\n' + ['heroku', 'digitalocean', 'fly', 'render'].map((t) => `  ${t}:\n    sizes:\n` + s.sizes.map((n) => `      ${q(n)}: x\n`).join('')).join('');
      const lines = text.split('\n').length;
      for (const env of [null, ...s.envs]) {
        const r = compile('deploy.yaml', text, { env, targets: listTargets(), registry: TARGETS, templates: BUILTIN_TEMPLATES });
        const seen = JSON.stringify(r.diagnostics) + r.files.map((f) => f.contents).join('\n');
        if (LEAK.test(seen)) throw new Error(`prototype property leaked for ${text}: ${LEAK.exec(seen)![0]}`);
        for (const d of r.diagnostics) if (d.file === 'deploy.yaml' && !(d.line >= 1 && d.line <= lines)) throw new Error(`diagnostic outside the file: ${JSON.stringify(d)}`);
      }
      if (Object.hasOwn(Object.prototype, 'polluted')) throw new Error('Object.prototype polluted');
    }),
    compileParams,
  );
});

const SEPARATORS = ['\u0085', '\u2028', '\u2029', '\ud800', '\udfff', '\ud83d', '\ude00', '\ud83d\ude00', '\r', '\n', '\t', ' ', '#', ': ', '=', '<<', '0o17', '0x1F', 'yes', 'on', '~', '1:30', '1_0', '"', "'", '\\', 'a', 'é'];
const separatorText = fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

test('toYaml: strings with line separators, surrogates and retyped scalars read back unchanged (YAML 1.1, 1.2, PyYAML)', () => {
  const texts: string[] = [];
  const values: string[] = [];
  fc.assert(
    fc.property(separatorText, (v) => {
      if (LONE.test(v)) return; // refused by the rules before anything is written
      const text = toYaml({ k: v, [v]: 'key', list: [v] });
      for (const version of ['1.1', '1.2'] as const) {
        const back = parseYaml(text, { version, uniqueKeys: false, logLevel: 'silent' }) as Record<string, unknown>;
        if (back.k !== v || back[v] !== 'key' || (back.list as unknown[])[0] !== v) throw new Error(`YAML ${version} reads ${JSON.stringify(v)} back differently:\n${text}`);
      }
      texts.push(text);
      values.push(v);
    }),
    params,
  );
  if (spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status !== 0) return;
  const code = 'import sys, json, yaml\nprint(json.dumps([yaml.safe_load(t) for t in json.load(sys.stdin)]))';
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`PyYAML failed: ${r.stderr.slice(-2000)}`);
  (JSON.parse(r.stdout) as Record<string, unknown>[]).forEach((back, i) => {
    const v = values[i]!;
    if (back.k !== v || back[v] !== 'key' || (back.list as unknown[])[0] !== v) throw new Error(`PyYAML reads ${JSON.stringify(v)} back differently:\n${texts[i]}`);
  });
});

test('line separators and lone surrogates in any string of a spec: refused at a position, or carried unchanged', () => {
  const where = fc.constantFrom('env', 'envObject', 'description', 'command', 'override', 'overrideKey');
  fc.assert(
    fc.property(separatorText, where, (v, place) => {
      const q = JSON.stringify(v);
      const block = {
        env: `env:\n  GREETING: ${q}\n`,
        envObject: `env:\n  GREETING: {value: ${q}}\n`,
        description: `description: ${q}\n`,
        command: `processes:\n  worker:\n    command: ${JSON.stringify('celery ' + v)}\n`,
        override: `targets:\n  digitalocean:\n    overrides:\n      x-note: ${q}\n`,
        overrideKey: `targets:\n  docker:\n    overrides:\n      x-note:\n        ${JSON.stringify('k' + v)}: 1\n`,
      }[place];
      const text = MINIMAL_SPEC + block;
      const r = compile('deploy.yaml', text, { targets: listTargets(), registry: TARGETS, templates: BUILTIN_TEMPLATES });
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      if (/\u0085/.test(v) || LONE.test(v)) {
        if (!errors.some((d) => d.line >= 5)) throw new Error(`${JSON.stringify(v)} in ${place} was not refused at its line: ${JSON.stringify(r.diagnostics)}`);
      }
      if (errors.length) {
        if (r.files.length) throw new Error('files with errors');
        return;
      }
      for (const f of r.files) {
        if (f.contents.includes('\ufffd')) throw new Error(`U+FFFD in ${f.path}`);
        if (LONE.test(f.contents)) throw new Error(`lone surrogate in ${f.path}`);
        if (/\.ya?ml$/.test(f.path) && !f.path.startsWith('.github/')) {
          const a = JSON.stringify(parseAllDocuments(f.contents, { version: '1.1', merge: true, logLevel: 'silent' }).map((d) => d.toJS({ maxAliasCount: -1 })));
          const b = JSON.stringify(parseAllDocuments(f.contents, { version: '1.2', merge: true, logLevel: 'silent' }).map((d) => d.toJS({ maxAliasCount: -1 })));
          if (a !== b) throw new Error(`${f.path} reads differently in YAML 1.1 and 1.2 for ${JSON.stringify(v)}`);
        }
      }
    }),
    compileParams,
  );
});

test('a secret written anywhere (env, overrides in any shape, URLs) is in no output, message, hint or frame', () => {
  const S = 'Fz9Sentinel';
  const shape = fc.constantFrom(
    (v: string) => `env:\n  STRIPE_API_KEY: ${v}\n`,
    (v: string) => `env:\n  SESSION_SALT: {secret: true, value: ${v}}\n`,
    (v: string) => `env: {API_TOKEN: ${v}, bad-name: 1}\n`,
    (v: string) => `env:\n  STRIPE_API_KEY: {secret: true}\ntargets:\n  heroku:\n    overrides:\n      env:\n        STRIPE_API_KEY: {value: ${v}}\n`,
    (v: string) => `targets:\n  digitalocean:\n    overrides:\n      envs:\n        - {key: SECRET_KEY, value: ${v}}\n`,
    (v: string) => `targets:\n  docker:\n    overrides:\n      services:\n        web:\n          environment: [SECRET_KEY=${v}]\n`,
    (v: string) => `media:\n  storage: s3\n  s3:\n    bucket: acme-media\n    endpoint: https://u:${v}@h.example.com\n`,
    (v: string) => `targets:\n  heroku:\n    buildpacks: [https://${v}@github.com/a/b.tgz]\n`,
  );
  const decoration = fc.constantFrom('', ' # c', '  #x', '', '');
  const quote = fc.constantFrom((s: string) => s, (s: string) => JSON.stringify(s), (s: string) => `'${s}'`);
  const value = fc.tuple(fc.constantFrom('', 'sk_', '0x', 'a #'), fc.stringMatching(/^[A-Za-z0-9]{0,6}$/)).map(([p, s]) => `${p}${S}${s}`);
  fc.assert(
    fc.property(shape, value, quote, decoration, (make, v, qt, deco) => {
      // Inside a URL a ` #` starts a YAML comment: the "secret" would be a comment, not a value.
      fc.pre(!(make('').includes('://') && v.includes(' ')));
      const lines = make(qt(v)).split('\n');
      const at = lines.findIndex((l) => l.includes(S));
      lines[at] += deco;
      const text = MINIMAL_SPEC + lines.join('\n');
      const r = compile('deploy.yaml', text, { targets: listTargets(), registry: TARGETS, templates: BUILTIN_TEMPLATES });
      const shown = formatText(r.diagnostics, new Map([['deploy.yaml', text]])) + formatJson(r.diagnostics) + r.files.map((f) => f.contents).join('\n');
      if (shown.includes(S)) throw new Error(`secret shown for:\n${text}\n${shown}`);
    }),
    compileParams,
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
