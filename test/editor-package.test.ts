/**
 * How editors get the schema: `deployspec schema --out`, the npm package's exports (what the README's modeline points
 * at after `npm i -D deployspec`), and the SchemaStore catalog entry.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LspClient } from './helpers/lsp.js';
import { SCHEMA_FILE } from './helpers/schema-doc.js';
import { ROOT, runCli } from './helpers/spec.js';

const test = suite('editor-package');
const schemaText = readFileSync(SCHEMA_FILE, 'utf8');
let dir = '';
test.before(() => {
  dir = mkdtempSync(tmpdir() + '/deployspec-package-');
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('`deployspec schema --out FILE` writes the schema byte for byte; without --out it prints it', () => {
  const r = runCli(['schema', '--out', dir + '/out.schema.json']);
  assert.is(r.status, 0, r.stderr);
  assert.is(readFileSync(dir + '/out.schema.json', 'utf8'), schemaText);
  const printed = runCli(['schema']);
  assert.is(printed.status, 0, printed.stderr);
  assert.is(printed.stdout, schemaText);
});

test('the package exports the schema as deployspec/schema.json and at its file path', () => {
  const require = createRequire(ROOT + 'package.json');
  assert.is(require.resolve('deployspec/schema.json'), SCHEMA_FILE);
  assert.is(require.resolve('deployspec/schema/deploy.schema.json'), SCHEMA_FILE);
});

test('npm pack ships schema/deploy.schema.json', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  assert.ok(files.includes('schema/deploy.schema.json'), files.join('\n'));
});

test('the README modeline works in a project that installed deployspec', async () => {
  // A project with deployspec in node_modules, as `npm i -D deployspec` leaves it.
  mkdirSync(dir + '/app/node_modules', { recursive: true });
  symlinkSync(ROOT.replace(/\/$/, ''), dir + '/app/node_modules/deployspec');
  const text = '# yaml-language-server: $schema=./node_modules/deployspec/schema/deploy.schema.json\nversion: 1\nname: mysite\ncolour: blue\ndjango:\n  project: mysite\n';
  writeFileSync(dir + '/app/deploy.yaml', text);
  const lsp = new LspClient({ validate: true, schemaStore: { enable: false } });
  try {
    await lsp.start(dir + '/app');
    const diagnostics = await lsp.open(pathToFileURL(dir + '/app/deploy.yaml').href, text);
    assert.equal(
      diagnostics.map((d) => [d.range.start.line + 1, d.message]),
      [[4, 'Property colour is not allowed.']],
    );
  } finally {
    await lsp.stop();
  }
});

test('the SchemaStore catalog entry matches deployspec.yaml files only and points at the published schema', () => {
  const entry = JSON.parse(readFileSync(ROOT + 'schema/schemastore-catalog-entry.json', 'utf8')) as Record<string, unknown>;
  assert.equal(Object.keys(entry).sort(), ['description', 'fileMatch', 'name', 'url']);
  assert.equal(entry.fileMatch, ['deployspec.yaml', 'deployspec.yml']);
  assert.is(entry.name, 'deployspec');
  assert.ok(typeof entry.description === 'string' && entry.description.length > 20 && !entry.description.endsWith('.'));
  assert.is(entry.url, (JSON.parse(schemaText) as { $id: string }).$id);
});

test("the catalog entry's fileMatch, as yaml-language-server applies it, checks deployspec.yaml and leaves other tools' deploy.yml alone", async () => {
  const entry = JSON.parse(readFileSync(ROOT + 'schema/schemastore-catalog-entry.json', 'utf8')) as { fileMatch: string[] };
  const root = dir + '/match';
  mkdirSync(root + '/app', { recursive: true });
  mkdirSync(root + '/config', { recursive: true });
  const spec = 'version: 1\nname: mysite\ncolour: blue\ndjango:\n  project: mysite\n';
  // Kamal's config/deploy.yml, and a deploy.yaml without a modeline: neither is matched by the distinctive names.
  const kamal = 'service: myapp\nimage: user/myapp\nservers:\n  - 192.168.0.1\n';
  const files: [string, string, [number, string][]][] = [
    ['app/deployspec.yaml', spec, [[3, 'Property colour is not allowed.']]],
    ['app/deployspec.yml', spec, [[3, 'Property colour is not allowed.']]],
    ['config/deploy.yml', kamal, []],
    ['app/deploy.yaml', spec, []],
  ];
  const lsp = new LspClient({ validate: true, schemaStore: { enable: false }, schemas: { [pathToFileURL(SCHEMA_FILE).href]: entry.fileMatch } });
  try {
    await lsp.start(root);
    for (const [path, text, want] of files) {
      writeFileSync(`${root}/${path}`, text);
      const diagnostics = await lsp.open(pathToFileURL(`${root}/${path}`).href, text);
      assert.equal(diagnostics.map((d) => [d.range.start.line + 1, d.message]), want, path);
    }
  } finally {
    await lsp.stop();
  }
});

test.run();
