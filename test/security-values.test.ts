/**
 * Class 11 (values that do not round-trip): every YAML file deployspec writes is read back unchanged by YAML 1.1
 * and 1.2 readers (the `yaml` package in both modes, and PyYAML); characters no output can carry (NEL, DEL, the C1
 * controls, U+FFFE, U+FFFF, lone surrogates) are refused at their position in deploy.yaml, in every string.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { listTargets } from '../targets/index.js';
import { plainReadsBack, plainReadsBackByParsing, toYaml } from '../src/yaml-out.js';
import { compileText, MINIMAL, runCli, skipLoudly } from './helpers/spec.js';

const test = suite('security: values round-trip');

/** Strings that some YAML reader takes for something other than the string. */
export const TRICKY = ['=', '<<', '0o17', '0O17', '0b101', '0x1F', '1_000', '1:30', '190:20:30', '1.', '.5', '-.inf', '.NaN', 'y', 'n', 'Y', 'yes', 'No', 'on', 'OFF', '~', 'null', 'Null', 'true', 'False', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '-', '?', ':', '!', '&a', '*a', '%x', '@x', '`x', '#x', 'a #b', 'a: b', '- a', '[a]', '{a}', ' lead', 'trail ', '"q"', "'q'", '0', '-0', '+1', '1e3', '1E-3', '12e', '0777', '08', '3.10', 'é', '😀'];

const python = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

/** Every document of `text` as PyYAML (safe_load_all) reads it, as JSON; null when python3/PyYAML is missing. */
function pyyaml(texts: string[]): unknown[][] | null {
  if (!python) return null;
  const code = 'import sys, json, yaml\nprint(json.dumps([list(yaml.safe_load_all(t)) for t in json.load(sys.stdin)], default=lambda o: "<%s:%r>" % (type(o).__name__, o)))';
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`PyYAML failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[][];
}
function yamlRead(text: string, version: '1.1' | '1.2', merge = true): unknown[] {
  return parseAllDocuments(text, { version, merge, uniqueKeys: false, logLevel: 'silent' }).map((d) => {
    if (d.errors.length) throw new Error(`${version}: ${d.errors[0]!.message}`);
    return d.toJS({ maxAliasCount: -1 });
  });
}

test('toYaml: every tricky string reads back as the same string in YAML 1.1, 1.2 and PyYAML, as value and as key', () => {
  const texts = TRICKY.map((s) => toYaml({ [s]: s, list: [s], nested: { v: s } }));
  for (let i = 0; i < TRICKY.length; i++) {
    const want = [{ [TRICKY[i]!]: TRICKY[i], list: [TRICKY[i]], nested: { v: TRICKY[i] } }];
    for (const v of ['1.1', '1.2'] as const) assert.equal(yamlRead(texts[i]!, v, false), want, `${v}: ${JSON.stringify(TRICKY[i])}\n${texts[i]}`);
  }
  const py = pyyaml(texts);
  if (py === null) return skipLoudly('PyYAML round-trip', 'python3 with PyYAML is not installed');
  py.forEach((docs, i) => assert.equal(docs, [{ [TRICKY[i]!]: TRICKY[i], list: [TRICKY[i]], nested: { v: TRICKY[i] } }], `PyYAML: ${JSON.stringify(TRICKY[i])}\n${texts[i]}`));
});

test('plainReadsBack: ordinary words stay plain, the readers disagree on the tricky ones', () => {
  for (const s of ['web', 'mysite.settings', 'gunicorn mysite.wsgi:application', 'postgres', 'RUN_TIME', '127.0.0.1:8000:8000']) assert.ok(plainReadsBack(s), s);
  for (const s of ['=', '<<', '0o17', 'yes', '1:30', '', 'Off', 'NULL', 'y', 'a ', 'e5', 'E-10']) assert.not.ok(plainReadsBack(s), s);
});

test('plainReadsBack: the quick verdict for simple words is the parsers\' verdict', () => {
  const unit = fc.constantFrom(...'aAzZyYnN_0159./- #:?=@$%+()\'"{},[]&*!|>'.split(''), 'yes', 'no', 'on', 'off', 'true', 'null', 'Null', 'NULL', 'inf', 'nan', 'e5');
  const words = fc.sample(fc.string({ unit, minLength: 1, maxLength: 6 }), { numRuns: 20000, seed: 11 });
  words.push('a:b', 'a:', 'a::b', 'a: b', 'http://x:80/p', 'gunicorn mysite.wsgi:application', 'e5', 'E-3', 'e', 'e5x', 'y', 'N', 'Yes', 'ON', 'oFF', 'TRUE', 'True', 'tRUE', 'a-', '_', 'a b', 'a/b.c');
  for (const w of words) assert.is(plainReadsBack(w), plainReadsBackByParsing(w), JSON.stringify(w));
});

/**
 * YAML files read by YAML 1.1 and 1.2 readers alike. GitHub Actions workflows are read by GitHub's own YAML 1.2
 * parser only, where the `on:` key is a string (a YAML 1.1 reader takes it for `true`).
 */
function isPlatformYaml(f: { path: string }): boolean {
  return /\.ya?ml$/.test(f.path) && !f.path.startsWith('.github/workflows/');
}

/** A spec placing `v` where each YAML-writing target writes it: an env value, an overrides key and value. */
function specWith(v: string): string {
  const q = JSON.stringify(v);
  return (
    MINIMAL +
    `env:\n  PLAIN_VALUE: ${q}\n  OBJECT_VALUE: {value: ${q}}\n` +
    // (`<<` as a key only in the toYaml test: the yaml package takes even a quoted `<<` for a merge key.)
    `targets:\n  docker:\n    overrides:\n      services:\n        web:\n          labels:\n            ${v === '<<' ? '"x"' : q}: ${q}\n  digitalocean:\n    overrides:\n      alerts:\n        - rule: DEPLOYMENT_FAILED\n          x-note: ${q}\n`
  );
}

test('every YAML file of every target reads back the same in YAML 1.1, YAML 1.2 and PyYAML', () => {
  const texts: string[] = [];
  const where: string[] = [];
  for (const v of TRICKY) {
    const r = compileText(specWith(v), { targets: listTargets() });
    const yamlFiles = r.files.filter(isPlatformYaml);
    if (r.diagnostics.some((d) => d.severity === 'error')) {
      // Overrides the platform check refuses are fine; the env values alone must then still build.
      const envOnly = compileText(MINIMAL + `env:\n  PLAIN_VALUE: ${JSON.stringify(v)}\n  OBJECT_VALUE: {value: ${JSON.stringify(v)}}\n`);
      assert.not.ok(envOnly.diagnostics.some((d) => d.severity === 'error'), `${JSON.stringify(v)}: ${JSON.stringify(envOnly.diagnostics.filter((d) => d.severity === 'error'))}`);
      yamlFiles.push(...envOnly.files.filter(isPlatformYaml));
    }
    assert.ok(yamlFiles.length >= 3, `${JSON.stringify(v)}: only ${yamlFiles.map((f) => f.path)}`);
    for (const name of ['compose.yaml', '.do/app.yaml', 'render.yaml']) {
      const f = yamlFiles.find((y) => y.path === name);
      assert.ok(f && JSON.stringify(yamlRead(f.contents, '1.1')).includes(JSON.stringify(v)), `${name} lost ${JSON.stringify(v)}:\n${f?.contents}`);
    }
    for (const f of yamlFiles) {
      const a = yamlRead(f.contents, '1.1');
      const b = yamlRead(f.contents, '1.2');
      assert.equal(b, a, `${f.path} for ${JSON.stringify(v)} reads differently in YAML 1.2:\n${f.contents}`);
      texts.push(f.contents);
      where.push(`${f.path} for ${JSON.stringify(v)}`);
    }
  }
  const py = pyyaml(texts);
  if (py === null) return skipLoudly('PyYAML read-back of generated YAML', 'python3 with PyYAML is not installed');
  py.forEach((docs, i) => assert.equal(docs, JSON.parse(JSON.stringify(yamlRead(texts[i]!, '1.1'))), `PyYAML reads ${where[i]} differently:\n${texts[i]}`));
});

// --- characters no output can carry --------------------------------------------------------------------------------

// DEL, the C1 controls and U+FFFE/U+FFFF: PyYAML refuses them raw, and kustomize refuses them even escaped.
const UNSAFE: [string, string][] = [['NEL', '\u0085'], ['DEL', '\u007f'], ['a C1 control (U+0080)', '\u0080'], ['CSI (U+009B)', '\u009b'], ['U+FFFE', '\ufffe'], ['U+FFFF', '\uffff']];
const PLACES: [string, (s: string) => string, number][] = [
  ['an env value', (s) => `env:\n  GREETING: "a${s}b"\n`, 6],
  ['an env object value', (s) => `env:\n  GREETING: {value: "a${s}b"}\n`, 6],
  ['an env description', (s) => `env:\n  GREETING: {value: hi, description: "a${s}b"}\n`, 6],
  ['the description', (s) => `description: "a${s}b"\n`, 5],
  ['a worker command', (s) => `processes:\n  worker:\n    command: "celery a${s}b"\n`, 7],
  ['a job command', (s) => `jobs:\n  nightly:\n    schedule: "0 3 * * *"\n    command: "python a${s}b"\n`, 8],
  ['a host', (s) => `hosts:\n  - "a${s}b.example.com"\n`, 6],
  ['an override value', (s) => `targets:\n  heroku:\n    overrides:\n      keywords: ["a${s}b"]\n`, 8],
  ['an override key', (s) => `targets:\n  docker:\n    overrides:\n      x-note:\n        "a${s}b": 1\n`, 9],
  ['an environment overlay', (s) => `environments:\n  staging:\n    env:\n      GREETING: "a${s}b"\n`, 8],
];

for (const [what, ch] of UNSAFE) {
  for (const [place, block, line] of PLACES) {
    for (const [form, text] of [
      ['raw', ch],
      ['escaped', `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`],
    ] as const) {
      test(`${what} (${form}) in ${place}: an error at its line, no file`, () => {
        const spec = MINIMAL + block(text);
        const r = compileText(spec, { env: place.includes('overlay') ? 'staging' : null });
        assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.line === line), `${JSON.stringify(r.diagnostics.map((d) => [d.line, d.code, d.message]))}`);
        assert.is(r.files.length, 0);
      });
    }
  }
}

for (const [place, block, line] of PLACES) {
  for (const sur of ['\\ud800', '\\udfff', '\\ud83d']) {
    test(`a lone surrogate (${sur}) in ${place}: an error at its line, no file (no U+FFFD in a Dockerfile ENV)`, () => {
      const spec = MINIMAL + block(sur);
      const r = compileText(spec, { env: place.includes('overlay') ? 'staging' : null });
      assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.line === line), `${JSON.stringify(r.diagnostics.map((d) => [d.line, d.code, d.message]))}`);
      assert.is(r.files.length, 0);
      assert.not.ok(r.files.some((f) => f.contents.includes('\ufffd')));
    });
  }
}

test('LINE and PARAGRAPH SEPARATOR are carried: every YAML reader reads them back', () => {
  for (const v of ['a\u2028b', 'a \u2029', '\u2028', 'x\u2029 y']) {
    // The docker target refuses line separators in a Dockerfile ENV, with a position (its own rule).
    const r = compileText(MINIMAL + `env:\n  GREETING: ${JSON.stringify(v)}\n`, { targets: listTargets().filter((t) => t.name !== 'docker') });
    assert.not.ok(r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(r.diagnostics));
    const yamls = r.files.filter(isPlatformYaml);
    for (const f of yamls) assert.equal(yamlRead(f.contents, '1.2'), yamlRead(f.contents, '1.1'), f.path);
    const py = pyyaml(yamls.map((f) => f.contents));
    assert.ok(yamls.some((f) => JSON.stringify(yamlRead(f.contents, '1.2')).includes(JSON.stringify(v))), `no YAML file carries ${JSON.stringify(v)}`);
    if (py) py.forEach((docs, i) => assert.equal(docs, JSON.parse(JSON.stringify(yamlRead(yamls[i]!.contents, '1.2'))), `PyYAML reads ${JSON.stringify(v)} differently in ${yamls[i]!.path}:\n${yamls[i]!.contents}`));
  }
});

test('toYaml: DEL, C1 controls, U+FFFE and U+FFFF are written as escapes that every reader reads back', () => {
  const values = ['a\u007fb', '\u0080', 'x\u009b[2J', '\u009f ', 'a\ufffe', '\uffff', 'a\u0085b'];
  const texts = values.map((v) => toYaml({ [v]: v, list: [v] }));
  for (const t of texts) assert.not.ok(/[\u007f-\u009f\ufffe\uffff]/.test(t), `written raw:\n${t}`);
  values.forEach((v, i) => {
    for (const version of ['1.1', '1.2'] as const) assert.equal(yamlRead(texts[i]!, version, false), [{ [v]: v, list: [v] }], `${version}: ${JSON.stringify(v)}`);
  });
  const py = pyyaml(texts);
  if (py === null) return skipLoudly('PyYAML read-back of escaped controls', 'python3 with PyYAML is not installed');
  py.forEach((docs, i) => assert.equal(docs, [{ [values[i]!]: values[i], list: [values[i]] }], `PyYAML: ${JSON.stringify(values[i])}\n${texts[i]}`));
});

test('a surrogate pair (an emoji) is fine everywhere', () => {
  const r = compileText(MINIMAL + 'env:\n  GREETING: "hi \\ud83d\\ude00 😀"\n');
  assert.not.ok(r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(r.diagnostics));
  const docker = r.files.find((f) => f.path === 'compose.yaml');
  assert.ok(docker?.contents.includes('😀'));
});
test('init writes deploy.yaml that every YAML reader reads the same: copied values stay strings, keys cannot end a comment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-initvalues-'));
  const files: Record<string, string> = {
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
    'mysite/__init__.py': '',
    'mysite/settings.py': 'DEBUG = False\n',
    'mysite/wsgi.py': 'application = None\n',
    'requirements.txt': 'django\ngunicorn\n',
    // Env values some reader retypes, and keys (not carried over, so quoted in a comment) holding line breaks
    // that YAML 1.1 readers end a comment at.
    'app.json': JSON.stringify({
      name: 'myapp',
      env: { A_SEXA: '1:30', A_OCT: '0o17', A_EQ: '=', A_Y: 'y', A_TS: '2001-12-14', A_NULL: '~', 'a\rhosts: [evil.example.com] #': 'x', 'b\u2028debug: yes #': 'x', 'c\u0085x: 1 #': 'x' },
    }),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const r = runCli(['init'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  const text = readFileSync(join(dir, 'deploy.yaml'), 'utf8');
  assert.not.match(text, /[\r\u0085\u2028\u2029]/, 'a raw line break in a comment');
  const want = yamlRead(text, '1.2')[0] as Record<string, unknown>;
  assert.equal(want.env, { A_EQ: '=', A_NULL: '~', A_OCT: '0o17', A_SEXA: '1:30', A_TS: '2001-12-14', A_Y: 'y' });
  assert.equal(yamlRead(text, '1.1', false), [want], text);
  const py = pyyaml([text]);
  if (py === null) return skipLoudly('PyYAML reading init output', 'python3 with PyYAML is not installed');
  assert.equal(py[0], [want], text);
});

test.run();
