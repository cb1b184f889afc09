import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAjv } from '../scripts/gen-validator.mjs';
import { generate } from '../scripts/gen-schema.mjs';
import { analyzeText, ROOT, runCli } from './helpers/spec.js';

const schemaText = readFileSync(ROOT + 'schema/deploy.schema.json', 'utf8');
const schema = JSON.parse(schemaText);

test('the schema compiles under Ajv strict mode and has an $id and a title', () => {
  const ajv = createAjv({ code: { source: false } });
  ajv.compile(schema);
  assert.match(schema.$id, /^https:\/\//);
  assert.type(schema.title, 'string');
});

test('every property documents itself, and every mapping rejects unknown keys', () => {
  const missing: string[] = [];
  const open: string[] = [];
  const walk = (node: Record<string, unknown>, path: string) => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'object' && node.properties && node.additionalProperties === undefined) open.push(path);
    for (const [k, v] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {})) {
      if (!v.description && !v.$ref) missing.push(`${path}.${k}`);
      walk(v, `${path}.${k}`);
    }
    for (const [k, v] of Object.entries((node.$defs as Record<string, Record<string, unknown>>) ?? {})) walk(v, `$defs.${k}`);
    for (const key of ['additionalProperties', 'items']) if (typeof node[key] === 'object') walk(node[key] as Record<string, unknown>, `${path}.${key}`);
    for (const b of (node.anyOf as Record<string, unknown>[]) ?? []) walk(b, path);
  };
  walk(schema, '');
  assert.equal(missing, []);
  assert.equal(open, []);
});

test('every file generated from the schema sources is up to date (schema, types, defaults, target options)', async () => {
  const stale: string[] = [];
  for (const [path, text] of await generate()) if (text !== readFileSync(ROOT + path, 'utf8')) stale.push(path);
  assert.equal(stale, [], 'run `npm run gen` to regenerate them');
});

test('every example validates with no errors and no warnings', async () => {
  const files = (await fg('examples/*/deploy.yaml', { cwd: ROOT })).sort();
  assert.ok(files.length >= 6);
  for (const f of files) {
    const text = readFileSync(ROOT + f, 'utf8');
    const r = analyzeText(text);
    assert.equal(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${f}:${d.line}:${d.col} ${d.message}`), [], f);
    assert.match(text, /^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/deploy\.schema\.json$/m, `${f} has the schema modeline`);
    for (const env of r.environments) assert.ok(analyzeText(text, env).model, `${f} --env ${env}`);
  }
});

test('`deployspec schema` prints the schema file byte for byte', () => {
  const r = runCli(['schema']);
  assert.is(r.status, 0);
  assert.ok(r.stdout === schemaText, 'schema output differs from schema/deploy.schema.json');
});

test('runtime.python: a patch version with a leading zero is refused at its line; it would name no Docker tag, CI image or pyenv version', () => {
  const spec = (v: string) => `version: 1\nname: mysite\ndjango:\n  project: mysite\nruntime:\n  python: "${v}"\n`;
  for (const v of ['3.11.01', '3.12.00', '3.9.09']) {
    const errors = analyzeText(spec(v)).diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.some((d) => d.line === 6 && d.code.startsWith('schema/')), `${v}: ${JSON.stringify(errors.map((d) => [d.line, d.code]))}`);
  }
  for (const v of ['3.11', '3.11.0', '3.12.10', '3.9.7']) {
    assert.equal(analyzeText(spec(v)).diagnostics.filter((d) => d.severity === 'error'), [], v);
  }
});

test('hosts: a label longer than 63 characters is refused at its line; no DNS name, platform domain or certificate has one', () => {
  const spec = (h: string) => `version: 1\nname: mysite\ndjango:\n  project: mysite\nhosts:\n  - "${h}"\n`;
  for (const h of [`${'a'.repeat(64)}.example.com`, `www.${'b'.repeat(70)}.example.com`, `*.${'c'.repeat(64)}.org`]) {
    const errors = analyzeText(spec(h)).diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.some((d) => d.line === 6 && d.code.startsWith('schema/')), `${h}: ${JSON.stringify(errors.map((d) => [d.line, d.code]))}`);
  }
  for (const h of [`${'a'.repeat(63)}.example.com`, '*.example.com', 'xn--bcher-kva.example', 'a-b.c-d.example.org']) {
    assert.equal(analyzeText(spec(h)).diagnostics.filter((d) => d.severity === 'error'), [], h);
  }
});

test.run();
