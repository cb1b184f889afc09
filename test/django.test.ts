/** The Django settings target: goldens, Python validity of every literal, findings, and the checked-in example. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { analyzeText, compileText, ROOT, yaml } from './helpers/spec.js';
import { exampleText } from './helpers/paas.js';
import { targetByName, listTargets  } from '../targets/index.js';
import { pyLiteral } from '../targets/django/python.js';
import type { PyValue } from '../targets/django/python.js';

const django = targetByName('django')!;
const EXAMPLES = readdirSync(`${ROOT}examples`).filter((d) => /^\d\d-/.test(d)).sort();

/** Runs python3 with a script on stdin-free argv and returns parsed JSON from stdout. */
function python(script: string, input: string): unknown {
  const r = spawnSync('python3', ['-c', script], { input, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Parses each module with ast and literal_evals every module-level _SPEC_* assignment (keys without the underscore). */
const SPEC_VALUES = `
import ast, json, sys
out = []
for src in json.load(sys.stdin):
    tree = ast.parse(src)
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id.startswith("_SPEC_"):
            values[node.targets[0].id[1:]] = ast.literal_eval(node.value)
    out.append(values)
print(json.dumps(out))
`;

function moduleOf(result: ReturnType<typeof compileText>): string {
  const file = result.files.find((f) => f.path.endsWith('.py'));
  assert.ok(file, 'a settings module is emitted');
  return file!.contents;
}

for (const ex of EXAMPLES) {
  test(`${ex}: django target builds without errors`, () => {
    const result = compileText(exampleText(ex), { targets: [django] });
    assert.equal(result.diagnostics.filter((d) => d.severity === 'error'), []);
  });
}

test('every example module is valid Python whose SPEC_* literals hold the model values', () => {
  const results = EXAMPLES.map((ex) => compileText(exampleText(ex), { targets: [django] }));
  const values = python(SPEC_VALUES, JSON.stringify(results.map(moduleOf))) as Record<string, unknown>[];
  results.forEach((r, i) => {
    const m = r.model!;
    const v = values[i]!;
    assert.equal(v.SPEC_HOSTS, m.hosts.map((h) => (h.wildcard ? '.' : '') + h.name), EXAMPLES[i]);
    assert.is(v.SPEC_HEALTH_CHECK_PATH, m.processes[0]!.healthCheck);
    assert.is(v.SPEC_STATIC_ROOT, m.static.root);
    assert.equal(v.SPEC_STATICFILES_DIRS, m.static.dirs);
    assert.is(v.SPEC_DATABASE_ENV, m.database ? m.database.env : undefined);
  });
});

test('pyLiteral: any value round-trips through ast.literal_eval and stays printable ASCII', () => {
  const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), fc.constantFrom('\u2028', '\0', '\\', '"', "'''", '\ud83d', 'a\r\nb'));
  const value: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, anyString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(anyString, tie('v'), { maxKeys: 3 })),
  })).v;
  const samples = fc.sample(value, { numRuns: 400, seed: 7 });
  const literals = samples.map(pyLiteral);
  for (const l of literals) assert.ok(/^[\x20-\x7e]*$/.test(l), `not printable ASCII: ${l}`);
  const back = python('import ast, json, sys\nprint(json.dumps([ast.literal_eval(s) for s in json.load(sys.stdin)]))', JSON.stringify(literals)) as PyValue[];
  // Through JSON so dictionaries without a prototype (fast-check makes those) compare as plain objects.
  samples.forEach((s, i) => assert.equal(back[i], JSON.parse(JSON.stringify(s)), `literal ${literals[i]}`));
});

test('pyLiteral: spec strings with quotes, U+2028, non-BMP and backslash-free paths reach Python intact', () => {
  const seg = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000-\u001f\\/]/.test(s) && s !== '.' && s !== '..');
  const roots = fc.sample(fc.array(seg, { minLength: 1, maxLength: 3 }).map((a) => a.join('/')), { numRuns: 60, seed: 11 });
  const results = roots.map((root) => compileText(`version: 1\nname: app\ndjango:\n  project: app\nstatic:\n  root: ${JSON.stringify(root)}\n`, { targets: [django] }));
  const ok = results.filter((r) => r.model && r.files.length);
  assert.ok(ok.length > 30, `most generated roots are valid specs (${ok.length})`);
  const values = python(SPEC_VALUES, JSON.stringify(ok.map(moduleOf))) as Record<string, unknown>[];
  ok.forEach((r, i) => assert.is(values[i]!.SPEC_STATIC_ROOT, r.model!.static.root));
});

test('the settings hint tells each dependency manager how to add the packages the module imports, as the docker target does', () => {
  const spec = 'version: 1\nname: app\ndjango:\n  project: shop\n  root: backend\nmonitoring:\n  sentry: {}\n';
  const hint = (files: string[], targets = [django]) => {
    const r = compileText(spec, { targets, facts: { exists: (p) => files.includes(p) } });
    return { django: r.diagnostics.find((d) => d.code === 'django/settings-module')?.hint ?? '', docker: r.diagnostics.find((d) => d.code === 'docker/extra-requirements')?.hint ?? '' };
  };
  const packages = "'gunicorn>=23' 'whitenoise>=6.8' 'sentry-sdk>=1.40'";
  assert.is(hint(['backend/requirements.txt']).django, 'Nothing to edit in your settings. The packages it imports are in backend/requirements-deploy.txt. Add the line `-r requirements-deploy.txt` to backend/requirements.txt if your platform does not install backend/requirements-deploy.txt itself.');
  assert.match(hint(['backend/poetry.lock']).django, `in backend/requirements-deploy.txt. Add them to backend/poetry.lock so every install resolves them together: cd backend && poetry add ${packages}`);
  assert.match(hint(['poetry.lock']).django, `Add them to poetry.lock so every install resolves them together: poetry add ${packages}`);
  assert.match(hint(['uv.lock']).django, `: uv add ${packages}`);
  assert.match(hint(['backend/Pipfile']).django, `: cd backend && pipenv install ${packages}`);
  assert.match(hint(['pyproject.toml']).django, 'List them in the [project] dependencies of pyproject.toml if your platform does not install backend/requirements-deploy.txt itself: "gunicorn>=23", "whitenoise>=6.8", "sentry-sdk>=1.40"');
  for (const d of ['requirements', 'pyproject', 'poetry', 'uv', 'pipenv']) assert.not.match(hint([]).django.replace('requirements.txt', ''), `-r requirements-deploy.txt to ${d}`);
  // One sentence for both targets: the docker target's finding on a lock says the same.
  const docker = targetByName('docker')!;
  const both = hint(['backend/poetry.lock'], [django, docker]);
  assert.ok(both.docker && both.django.endsWith(both.docker), `${both.django}\n${both.docker}`);
  const bare = compileText('version: 1\nname: app\ndjango:\n  project: shop\nprocesses:\n  web:\n    command: uvicorn shop.asgi:application\nstatic:\n  serve: static-site\n', { targets: [django] });
  assert.is(bare.diagnostics.find((d) => d.code === 'django/settings-module')?.hint, 'Nothing to edit in your settings, and no package to add: it imports none beyond Django.');
});

test('the settings module is what every platform runs: it imports the project\'s production settings; a module outside the project is flagged', () => {
  const ok = compileText('version: 1\nname: app\ndjango:\n  project: shop\n  settings: shop.settings.prod\n', { targets: [django] });
  const info = ok.diagnostics.find((d) => d.code === 'django/settings-module');
  assert.is(info?.severity, 'info');
  assert.match(info!.message, 'DJANGO_SETTINGS_MODULE is shop.deploy_settings in every generated file: it imports shop.settings.prod unchanged');
  assert.match(moduleOf(ok), '\nfrom shop.settings.prod import *  # noqa');
  assert.match(moduleOf(ok), /\nconfigure\(globals\(\)\)\n$/);
  assert.is(ok.model!.env.find((v) => v.name === 'DJANGO_SETTINGS_MODULE')?.value, 'shop.deploy_settings');
  assert.ok(ok.files.some((f) => f.path === 'requirements-deploy.txt'));

  const odd = compileText(yaml`
    version: 1
    name: app
    django:
      project: shop
      root: backend
    targets:
      django:
        path: config/deploy-settings.py
  `, { targets: [django] });
  assert.ok(odd.diagnostics.some((d) => d.code === 'django/module-not-importable' && d.severity === 'warning'));
  const notPy = compileText('version: 1\nname: app\ndjango:\n  project: shop\ntargets:\n  django:\n    path: shop/settings.txt\n', { targets: [django] });
  // The schema itself requires .py, so the editor flags it too.
  assert.ok(notPy.diagnostics.some((d) => d.code === 'schema/pattern' && d.line === 7 && d.col === 11 && d.severity === 'error'));
  assert.equal(notPy.files, []);
});

test('a Python keyword is refused as any part of the project, settings or WSGI name, at its position; soft keywords and longer names pass', () => {
  // Python's own list, so a keyword added by a later Python is covered without editing this test.
  const keywords = python('import json, keyword; print(json.dumps(keyword.kwlist))', '') as string[];
  assert.ok(keywords.includes('in') && keywords.includes('None'));
  const at = (text: string) => compileText(text, { targets: [django] }).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code}`);
  for (const k of keywords) {
    assert.equal(at(`version: 1\nname: app\ndjango:\n  project: "${k}"\n`), ['4:12 schema/pattern'], `project ${k}`);
    for (const settings of [`${k}.settings`, `shop.${k}`, `shop.${k}.prod`]) assert.equal(at(`version: 1\nname: app\ndjango:\n  project: shop\n  settings: "${settings}"\n`), ['5:13 schema/pattern'], settings);
    for (const wsgi of [`${k}.wsgi:application`, `shop.${k}:application`, `shop.wsgi:${k}`]) assert.equal(at(`version: 1\nname: app\ndjango:\n  project: shop\n  wsgi: "${wsgi}"\n`), ['5:9 schema/pattern'], wsgi);
  }
  const modules: string[] = [];
  for (const name of ['match', 'case', 'type', '_', 'inner', 'classy', 'import_export', 'Nonesuch', 'is_', 'IN']) {
    const r = compileText(`version: 1\nname: app\ndjango:\n  project: ${name}\n  settings: ${name}.settings.${name}\n  wsgi: ${name}.wsgi:${name}\n`, { targets: [django] });
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), [], name);
    modules.push(moduleOf(r));
  }
  // Every accepted name is also a module Python parses.
  python(SPEC_VALUES, JSON.stringify(modules));
});

test('insecure options are warnings at their keys; requirements follow the features', () => {
  const r = compileText(yaml`
    version: 1
    name: app
    django:
      project: shop
    cache: {}
    media:
      storage: s3
      s3:
        bucket: shop-media
    monitoring:
      sentry: {}
    targets:
      django:
        ssl_redirect: false
        hsts_seconds: 0
  `, { targets: [django] });
  assert.equal(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code).sort(), ['django/no-hsts', 'django/no-ssl-redirect']);
  const req = r.files.find((f) => f.path === 'requirements-deploy.txt')!.contents;
  for (const p of ['gunicorn', 'whitenoise', 'redis', 'django-storages[s3]', 'sentry-sdk']) assert.ok(req.includes(`\n${p}>=`), p);
  assert.not.ok(req.includes('dj-database-url'), 'no database, no dj-database-url');
  assert.ok(analyzeText('version: 1\nname: app\ndjango:\n  project: shop\n').model);
});

test('examples/07-django-project: checked-in generated files are what build writes today', () => {
  const ex = '07-django-project';
  const result = compileText(exampleText(ex), { targets: listTargets() });
  assert.ok(result.files.length, 'builds');
  for (const f of result.files) {
    assert.fixture(readFileSync(`${ROOT}examples/${ex}/${f.path}`, 'utf8'), f.contents, `${f.path} is stale: run node bin/deployspec.js build examples/${ex} --target all`);
  }
});

test.run();
