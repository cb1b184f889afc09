/**
 * Class 10 (object-prototype names): a process, job, env variable, environment or size-map entry named like a
 * property of Object.prototype is an ordinary name for every registered target: the output is exactly what the
 * same spec with an ordinary name gives, with the name substituted, or the name is refused by the schema with a
 * positioned error. No function source, `[object Object]` or crash.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatJson, formatText } from '../src/format.js';
import { mergeOverlay } from '../src/spec/merge.js';
import { nameMap, ownValue } from '../src/names.js';
import { listTargets } from '../targets/index.js';
import { compileText, MINIMAL } from './helpers/spec.js';

const test = suite('security: object-prototype names');
export const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable', 'tolocalestring'];
const CONTROL = 'zqxctl';
const LEAKS = /native code|\[object Object\]|function [A-Za-z]*\(/;

/** Specs with `n` in one role; every target that takes a size map gets one for `n`. */
const ROLES: Record<string, (n: string) => string> = {
  process: (n) => `processes:\n  ${n}:\n    command: celery -A mysite worker\n    size: large\n    instances: 2\n`,
  'process (size maps name it)': (n) =>
    `processes:\n  ${n}:\n    command: celery -A mysite worker\n    size: large\ntargets:\n  heroku:\n    sizes:\n      ${n}: performance-l\n  digitalocean:\n    sizes:\n      ${n}: apps-d-1vcpu-2gb\n  fly:\n    sizes:\n      ${n}: performance-2x\n  render:\n    sizes:\n      ${n}: pro\n`,
  'process (size maps name others)': (n) => `processes:\n  ${n}:\n    command: celery -A mysite worker\n    size: xlarge\ntargets:\n  heroku:\n    sizes:\n      web: standard-2x\n  render:\n    sizes:\n      web: pro\n`,
  job: (n) => `jobs:\n  ${n}:\n    schedule: "0 3 * * *"\n    command: python manage.py clearsessions\n    size: medium\n`,
  env: (n) => `env:\n  ${n}: plain-value\n`,
  environment: (n) => `environments:\n  ${n}:\n    processes:\n      web:\n        instances: 3\n`,
  'size-map key only': (n) => `targets:\n  heroku:\n    sizes:\n      ${n}: standard-2x\n`,
};

function everything(text: string, r: ReturnType<typeof compileText>): string {
  return [formatText(r.diagnostics, new Map([['deploy.yaml', text]])), formatJson(r.diagnostics), ...r.files.map((f) => `${f.path}\n${f.contents}`)].join('\n');
}

for (const [role, block] of Object.entries(ROLES)) {
  for (const name of PROTOTYPE_NAMES) {
    test(`${role} named ${JSON.stringify(name)}: same output as an ordinary name, or a schema error; for every target`, () => {
      for (const target of listTargets()) {
        const text = MINIMAL + block(name);
        const control = MINIMAL + block(CONTROL);
        let r: ReturnType<typeof compileText>;
        try {
          r = compileText(text, { targets: [target] });
        } catch (err) {
          assert.unreachable(`${target.name} threw for ${role} ${name}: ${(err as Error).stack}`);
          return;
        }
        const seen = everything(text, r);
        const c = compileText(control, { targets: [target] });
        assert.not.match(seen, LEAKS, `${target.name}: ${role} ${name}\n${seen}`);
        if (r.diagnostics.some((d) => d.severity === 'error')) {
          // Refused: by the schema's naming rules, at the name.
          assert.ok(
            r.diagnostics.some((d) => d.severity === 'error' && (d.code === 'schema/bad-name' || d.code.startsWith('rule/')) && text.split('\n')[d.line - 1]!.includes(name)),
            `${target.name}: ${role} ${name} refused without a positioned naming error:\n${seen}`,
          );
          continue;
        }
        assert.not.ok(c.diagnostics.some((d) => d.severity === 'error'), `control spec fails for ${target.name}: ${JSON.stringify(c.diagnostics)}`);
        const sub = (s: string) => s.replaceAll(CONTROL, name);
        const byPath = (a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0);
        assert.equal(
          r.files.map((f) => [f.path, f.contents]).sort(byPath),
          c.files.map((f) => [sub(f.path), sub(f.contents)]).sort(byPath),
          `${target.name}: ${role} ${name} changes the output beyond the name`,
        );
        assert.equal(
          r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message} ${d.hint ?? ''}`).sort(),
          c.diagnostics.map((d) => sub(`${d.line}:${d.col} ${d.code} ${d.message} ${d.hint ?? ''}`)).sort(),
          `${target.name}: ${role} ${name} changes the diagnostics beyond the name`,
        );
      }
    });
  }
}

test('name maps: null prototype, own lookups only, __proto__ is an ordinary key', () => {
  const m = nameMap({ web: 'a' });
  assert.is(Object.getPrototypeOf(m), null);
  for (const n of PROTOTYPE_NAMES) assert.is(ownValue(m, n), undefined, n);
  assert.is(ownValue({ web: 1 } as Record<string, number>, 'constructor'), undefined);
  const merged = mergeOverlay({ a: 1 }, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')) as Record<string, unknown>;
  assert.ok(Object.hasOwn(merged, '__proto__'));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is(Object.getPrototypeOf(merged), null);
});

test('__proto__ in an environment overlay and in overrides never pollutes or disappears', () => {
  const text = MINIMAL + 'environments:\n  staging:\n    targets:\n      heroku:\n        overrides:\n          __proto__: {polluted: true}\n';
  const r = compileText(text, { env: 'staging' });
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  const app = r.files.find((f) => f.path === 'app.json');
  if (app) assert.ok(app.contents.includes('__proto__') || r.diagnostics.some((d) => d.severity === 'error'));
  else assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
});


test('an environment name ending in a hyphen is refused by the schema at its line: it would end app names, namespaces and host names', () => {
  for (const name of ['staging-', 'a-', 'pr-12-']) {
    const r = compileText(`${MINIMAL}environments:\n  ${name}: {}\n`);
    const e = r.diagnostics.find((d) => d.severity === 'error');
    assert.ok(e && e.line === 6 && e.code.startsWith('schema/'), `${name}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.code, d.message]))}`);
    assert.is(r.files.length, 0, name);
  }
  for (const name of ['y', 'pr-12', 'a1']) {
    const r = compileText(`${MINIMAL}environments:\n  ${name}: {}\n`);
    assert.not.ok(r.diagnostics.some((d) => d.severity === 'error' && d.line === 6), `${name}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
  // Render's name for the base spec's environment follows the same rule: it names a Render environment too.
  for (const [name, refused] of [['production-', true], ['main', false], ['prod-2', false]] as const) {
    const r = compileText(`${MINIMAL}targets:\n  render:\n    base_environment: ${name}\n`);
    const e = r.diagnostics.find((d) => d.severity === 'error' && d.line === 7 && d.code === 'schema/pattern');
    assert.is(!!e, refused, `base_environment ${name}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
});

test.run();
