/**
 * The editor experience, measured with the real yaml-language-server over stdio: completion offers exactly the
 * schema's keys in every block, hover shows the markdown documentation, snippets insert valid skeletons, and the
 * editor flags every schema-expressible invalid fixture on the line the CLI reports.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Pair } from 'yaml';
import { analyzeFixture, invalidFixtures } from './helpers/invalid.js';
import { LspClient } from './helpers/lsp.js';
import type { CompletionItem } from './helpers/lsp.js';
import { loadSchema, markdownAt, propertiesAt, SCHEMA_FILE } from './helpers/schema-doc.js';
import { analyzeText, ROOT } from './helpers/spec.js';

const PROPERTY = 10; // CompletionItemKind.Property
const schema = loadSchema();
const lsp = new LspClient({ validate: true, completion: true, hover: true, schemaStore: { enable: false } });
let dir = '';
let docs = 0;
const test = suite('editor');

test.before(async () => {
  dir = mkdtempSync(tmpdir() + '/deployspec-editor-');
  await lsp.start(dir);
});
test.after(async () => {
  await lsp.stop();
  rmSync(dir, { recursive: true, force: true });
});

const MODELINE = `# yaml-language-server: $schema=${SCHEMA_FILE}\n`;

/** Opens `text` as a fresh deploy.yaml (own folder, so diagnostics never mix) and returns its URI. */
async function openDoc(text: string): Promise<string> {
  const folder = `${dir}/${++docs}`;
  mkdirSync(folder);
  writeFileSync(folder + '/deploy.yaml', text);
  const uri = pathToFileURL(folder + '/deploy.yaml').href;
  await lsp.open(uri, text);
  return uri;
}

/** A spec whose last line is an empty line inside the mapping at `path`, with the cursor on it. */
function blockDoc(path: string[]): { text: string; line: number; character: number } {
  let text = MODELINE + 'version: 1\nname: mysite\n';
  if (path[0] !== 'django') text += 'django:\n  project: mysite\n';
  path.forEach((key, depth) => (text += `${'  '.repeat(depth)}${key}:\n`));
  const indent = '  '.repeat(path.length);
  text += indent;
  return { text: text + '\n', line: text.split('\n').length - 1, character: indent.length };
}

async function completeIn(path: string[]): Promise<CompletionItem[]> {
  const probe = blockDoc(path);
  const uri = await openDoc(probe.text);
  const items = await lsp.completion(uri, probe.line, probe.character);
  lsp.close(uri);
  return items;
}

const BLOCKS: string[][] = [
  ['django'],
  ['processes', 'web'],
  ['processes', 'worker'],
  ['jobs', 'clearsessions'],
  ['env', 'STRIPE_API_KEY'],
  ['database'],
  ['cache'],
  ['static'],
  ['media'],
  ['media', 's3'],
  ['monitoring'],
  ['monitoring', 'sentry'],
  ['runtime'],
  ['client'],
  ['targets'],
  ['targets', 'heroku'],
  ['targets', 'digitalocean'],
  ['targets', 'digitalocean', 'github'],
  ['targets', 'docker'],
  ['targets', 'django'],
  ['environments', 'staging'],
];

test('completion at the top level offers exactly the schema keys, documented in markdown', async () => {
  const uri = await openDoc(MODELINE + '\n');
  const items = await lsp.completion(uri, 1, 0);
  const keys = items.filter((i) => i.kind === PROPERTY).map((i) => i.label);
  assert.equal(keys.sort(), propertiesAt(schema, []).sort());
  const version = items.find((i) => i.label === 'version')!;
  const docText = typeof version.documentation === 'object' ? version.documentation.value : version.documentation;
  assert.ok(docText?.includes('```yaml'), 'markdownDescription (with its example) is the completion documentation');
});

for (const path of BLOCKS) {
  test(`completion in ${path.join('.')} offers exactly the schema keys`, async () => {
    const expected = propertiesAt(schema, path);
    assert.ok(expected.length > 0, `the schema has keys at ${path.join('.')}`);
    const keys = (await completeIn(path)).filter((i) => i.kind === PROPERTY).map((i) => i.label);
    assert.equal(keys.sort(), expected.sort());
  });
}

/** Every key of a document with its schema path and 0-based position. */
function keysOf(text: string): { path: string[]; line: number; character: number }[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const out: { path: string[]; line: number; character: number }[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (!isMap(node)) return;
    for (const pair of node.items as Pair[]) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const p = [...path, String(pair.key.value)];
      const pos = lc.linePos(pair.key.range![0]);
      out.push({ path: p, line: pos.line - 1, character: pos.col - 1 });
      walk(pair.value, p);
    }
  };
  walk(doc.contents, []);
  return out;
}

test('hover on every key of every example shows its markdown documentation', async () => {
  const examples = await fg('examples/*/deploy.yaml', { cwd: ROOT });
  assert.ok(examples.length >= 6);
  let checked = 0;
  for (const rel of examples) {
    const text = (await import('node:fs')).readFileSync(ROOT + rel, 'utf8');
    // Opened in place: the examples' own relative modeline must resolve against the file.
    const uri = pathToFileURL(ROOT + rel).href;
    await lsp.open(uri, text);
    for (const key of keysOf(text)) {
      // A key whose value may take several forms (anyOf) is documented by the form it matches, or by the whole.
      const docs = markdownAt(schema, key.path);
      if (!docs.length) continue; // free-form (e.g. `overrides` contents)
      const hover = await lsp.hover(uri, key.line, key.character + 1);
      const leads = docs.map((md) => md.split('\n\n')[0]!);
      assert.ok(leads.some((lead) => hover.includes(lead)), `${rel} ${key.path.join('.')}: hover lacks ${JSON.stringify(leads)}\n${hover}`);
      checked++;
    }
    lsp.close(uri);
  }
  assert.ok(checked > 100, `checked ${checked} keys`);
});

test('hover on an enum key lists the values with their descriptions; $ref siblings win', async () => {
  const uri = await openDoc(MODELINE + 'version: 1\nname: mysite\ndjango:\n  project: mysite\n  root: backend\nstatic:\n  serve: whitenoise\n');
  const serve = await lsp.hover(uri, 7, 3);
  assert.match(serve, '`static-site`');
  assert.match(serve, 'A separate static site component');
  const root = await lsp.hover(uri, 5, 3);
  assert.match(root, 'Set it in a monorepo', 'the sibling markdownDescription of a $ref is shown');
});

/** A snippet's text with each placeholder replaced by its default (the first choice of a choice list). */
function expand(snippet: string): string {
  return snippet.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

const SNIPPETS: { where: string[]; label: string }[] = [
  { where: ['processes', 'worker'], label: 'worker process' },
  { where: ['processes'], label: 'worker' },
  { where: ['env', 'STRIPE_API_KEY'], label: 'secret' },
  { where: ['env'], label: 'secret variable' },
  { where: ['database'], label: 'postgres' },
  { where: ['jobs', 'clearsessions'], label: 'scheduled job' },
  { where: ['jobs'], label: 'scheduled job' },
];

for (const s of SNIPPETS) {
  test(`snippet "${s.label}" in ${s.where.join('.')} inserts a skeleton the CLI accepts`, async () => {
    const item = (await completeIn(s.where)).find((i) => i.label === s.label && i.kind !== PROPERTY);
    assert.ok(item, `no snippet ${s.label}`);
    const body = expand(item.textEdit?.newText ?? item.insertText ?? '');
    assert.ok(body.includes(':'), body);
    const probe = blockDoc(s.where);
    const lines = probe.text.split('\n');
    const indent = ' '.repeat(probe.character);
    lines[probe.line] = body.split('\n').map((l) => indent + l).join('\n');
    const spec = lines.join('\n');
    // Semantic rules may still ask for more (a job's command), but the inserted text must load and be schema-valid.
    const errors = analyzeText(spec).diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('rule/'));
    assert.equal(errors.map((d) => d.message), [], spec);
  });
}

test('the examples are valid in the editor as in the CLI', async () => {
  for (const rel of await fg('examples/*/deploy.yaml', { cwd: ROOT })) {
    const text = (await import('node:fs')).readFileSync(ROOT + rel, 'utf8');
    const uri = pathToFileURL(ROOT + rel).href;
    const diagnostics = await lsp.open(uri, text);
    lsp.close(uri);
    assert.equal(diagnostics.filter((d) => d.severity === 1).map((d) => `${d.range.start.line + 1}: ${d.message}`), [], rel);
  }
});

for (const f of invalidFixtures().filter((x) => !x.semantic)) {
  test(`${f.rel}: the editor flags the line the CLI reports`, async () => {
    const cli = analyzeFixture(f).filter((d) => d.severity === 'error');
    assert.ok(cli.length > 0);
    const uri = pathToFileURL(f.abs).href;
    const diagnostics = await lsp.open(uri, f.text);
    lsp.close(uri);
    const errors = diagnostics.filter((d) => d.severity === 1);
    const shown = errors.map((d) => `${d.range.start.line + 1}-${d.range.end.line + 1}: ${d.message}`).join(' | ') || 'none';
    for (const d of cli) {
      // Same line, or (a list with a repeated entry) a range over the whole list that includes the CLI's line.
      const here = errors.filter((e) => e.range.start.line + 1 === d.line || (e.range.start.line + 1 < d.line && d.line <= e.range.end.line + 1));
      assert.ok(here.length > 0, `CLI error at line ${d.line} (${d.message}); editor: ${shown}`);
      // Pattern rules carry one patternErrorMessage: the CLI's hint and the editor's message say the same thing.
      if (d.code === 'schema/pattern' || d.code === 'schema/bad-name') {
        assert.ok(here.some((e) => d.hint?.startsWith(e.message)), `CLI hint ${JSON.stringify(d.hint)} vs editor: ${shown}`);
      }
    }
  });
}

test.run();
