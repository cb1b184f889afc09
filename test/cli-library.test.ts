/** The library's compile(): target names, default templates, environments, and errors that say what is wrong. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, TARGET_NAMES, TARGETS } from '../src/index.js';
import { MINIMAL } from './helpers/spec.js';

const SPEC = MINIMAL + 'hosts: [example.com]\nenvironments:\n  staging:\n    hosts: [staging.example.com]\n';

test('compile takes target names and defaults its templates and registry', () => {
  const byName = compile('deploy.yaml', SPEC, { targets: ['django'] });
  assert.equal(byName.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(byName.files.length > 0);
  assert.ok(byName.files.every((f) => f.target === 'django'));
  const byObject = compile('deploy.yaml', SPEC, { targets: [TARGETS.find((t) => t.name === 'django')!] });
  assert.equal(byObject.files, byName.files);
  const all = compile('deploy.yaml', SPEC);
  assert.equal([...new Set(all.files.map((f) => f.target))].sort(), [...new Set(compile('deploy.yaml', SPEC, { targets: 'all' }).files.map((f) => f.target))].sort());
});

test('environments: true returns each environment\'s files, marked, beside production\'s', () => {
  const name = TARGET_NAMES.find((n) => TARGETS.find((t) => t.name === n)?.environmentPath);
  if (!name) return;
  const r = compile('deploy.yaml', SPEC, { targets: [name], environments: true });
  const staging = r.files.filter((f) => f.environment === 'staging');
  assert.ok(staging.length > 0);
  for (const f of staging) assert.ok(!r.files.some((g) => g !== f && g.path === f.path), f.path);
  assert.ok(r.files.some((f) => f.environment === undefined));
  assert.not.ok(compile('deploy.yaml', SPEC, { targets: [name] }).files.some((f) => f.environment));
});

test('a wrong call throws a TypeError that says what is wrong; a wrong spec never throws', () => {
  assert.throws(() => compile('deploy.yaml', SPEC, { targets: ['djang' as never] }), (e: Error) => e instanceof TypeError && e.message === `deployspec.compile: unknown target "djang" in options.targets; choose from: ${TARGET_NAMES.join(', ')}`);
  assert.throws(() => compile('deploy.yaml', 42 as never), /^deployspec\.compile: the second argument is the spec as a string or a Uint8Array$/);
  assert.throws(() => compile('deploy.yaml', SPEC, { templates: { 'django/x.hbs': 'x' } }), /options\.compileTemplate is needed/);
  const bad = compile('deploy.yaml', 'version: 2\n');
  assert.equal(bad.files, []);
  assert.ok(bad.diagnostics.some((d) => d.severity === 'error'));
});

test.run();
