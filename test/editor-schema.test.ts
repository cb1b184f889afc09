/**
 * Annotation coverage of schema/deploy.schema.json: what the editor shows for each key must exist for every key,
 * including keys added later. (The editor tests prove the server shows these; this proves they are all there.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deref, loadSchema } from './helpers/schema-doc.js';
import type { Node } from './helpers/schema-doc.js';

const root = loadSchema();

/** Every schema that describes a key's value, with a readable location. */
function keySchemas(): { where: string; node: Node }[] {
  const out: { where: string; node: Node }[] = [];
  const seen = new Set<Node>();
  const walk = (node: Node | undefined, where: string, isKey: boolean) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (isKey) out.push({ where, node });
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${where}.${k}`, true);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${where}.*`, true);
    if (node.propertyNames) walk(node.propertyNames as Node, `${where}.<name>`, false);
    if (node.items) walk(node.items as Node, `${where}[]`, false);
    (node.anyOf ?? []).forEach((b, i) => walk(b, `${where}|${i}`, false));
  };
  walk(root, '#', false);
  for (const [k, v] of Object.entries((root.$defs ?? {}) as Record<string, Node>)) walk(v, `$defs.${k}`, false);
  return out;
}

/** Every schema node anywhere, for keyword checks. */
function allNodes(): { where: string; node: Node }[] {
  const out: { where: string; node: Node }[] = [];
  const walk = (v: unknown, where: string) => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${where}[${i}]`));
    const node = v as Node;
    if ('type' in node || 'enum' in node || 'pattern' in node) out.push({ where, node });
    for (const [k, x] of Object.entries(node)) if (k !== 'defaultSnippets' && k !== 'examples' && k !== 'default') walk(x, `${where}/${k}`);
  };
  walk(root, '#');
  return out;
}

test('every key has a description and a markdownDescription with a yaml example (own or through $ref)', () => {
  const missing = keySchemas()
    .map(({ where, node }) => ({ where, doc: deref(root, node) }))
    .filter(({ doc }) => !doc?.description || !doc.markdownDescription?.includes('```yaml\n'))
    .map(({ where }) => where);
  assert.equal(missing, []);
});

test('every pattern has a patternErrorMessage (the CLI hint and the editor message)', () => {
  const missing = allNodes().filter(({ node }) => typeof node.pattern === 'string' && typeof node.patternErrorMessage !== 'string').map(({ where }) => where);
  assert.equal(missing, []);
});

test('every enum has per-value descriptions, plain and markdown, one per value', () => {
  const bad = allNodes()
    .filter(({ node }) => Array.isArray(node.enum))
    .filter(({ node }) => {
      const n = (node.enum as unknown[]).length;
      return (node.enumDescriptions as unknown[] | undefined)?.length !== n || (node.markdownEnumDescriptions as unknown[] | undefined)?.length !== n;
    })
    .map(({ where }) => where);
  assert.equal(bad, []);
});

test('the common blocks have skeleton snippets', () => {
  const labels = (n: Node | undefined) => ((n?.defaultSnippets ?? []) as { label: string }[]).map((s) => s.label);
  const defs = root.$defs as Record<string, Node>;
  const props = root.properties!;
  assert.ok(labels(defs.process).includes('worker process'));
  assert.ok(labels(defs.envObject).includes('secret'));
  assert.ok(labels(defs.database).includes('postgres'));
  assert.ok(labels(defs.job).includes('scheduled job'));
  assert.ok(labels(props.env).includes('secret variable'));
  assert.ok(labels(props.jobs).includes('scheduled job'));
  assert.ok(labels(props.processes).includes('worker'));
});

test.run();
