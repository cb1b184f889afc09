/**
 * Golden diagnostics for invalid specs: analyze() and the built CLI must print exactly the `.out` beside each fixture.
 * `UPDATE_GOLDEN=1 npm test -- invalid` rewrites the `.out` files (review the diff before committing).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { analyzeFixture, diagnosticLine, invalidFixtures } from './helpers/invalid.js';
import { ROOT, runCli } from './helpers/spec.js';

const update = process.env.UPDATE_GOLDEN === '1';
const fixtures = invalidFixtures();
const test = suite('invalid');

test('there is a fixture per error class, and each has a golden file', () => {
  assert.ok(fixtures.filter((f) => !f.semantic).length >= 12, 'schema fixtures');
  assert.ok(fixtures.filter((f) => f.semantic).length >= 8, 'semantic fixtures');
  if (update) return;
  for (const f of fixtures) assert.ok(existsSync(f.abs.replace(/\.yaml$/, '.out')), `${f.rel} has no .out`);
});

for (const f of fixtures) {
  const outFile = f.abs.replace(/\.yaml$/, '.out');
  test(`${f.rel}: analyze() matches the golden diagnostics`, () => {
    const diagnostics = analyzeFixture(f);
    const actual = diagnostics.map(diagnosticLine).join('\n') + '\n';
    if (update) writeFileSync(outFile, actual);
    assert.ok(diagnostics.some((d) => d.severity === 'error'), 'an invalid fixture must produce an error');
    assert.is(actual, readFileSync(outFile, 'utf8'));
    // Schema fixtures must fail in the schema stage, semantic ones after it (or in loading).
    const schemaStage = diagnostics.some((d) => d.code.startsWith('schema/'));
    assert.is(schemaStage, !f.semantic, `${f.rel}: schema-stage error expected: ${!f.semantic}`);
  });

  test(`${f.rel}: the CLI prints the same lines and exits 1`, () => {
    const r = runCli(['validate', f.rel], { cwd: ROOT });
    assert.is(r.status, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(f.rel + ':'));
    assert.is(lines.join('\n') + '\n', readFileSync(outFile, 'utf8'));
  });
}

test.run();
