/**
 * Reads schema/deploy.schema.json from disk (not through the compiler's import) so editor tests track the file
 * the editors load: properties offered at a path, documentation of a key, defaultSnippets.
 */
import { readFileSync } from 'node:fs';
import { ROOT } from './spec.js';

export type Node = Record<string, unknown> & {
  $ref?: string;
  properties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
  anyOf?: Node[];
  markdownDescription?: string;
  description?: string;
};

export const SCHEMA_FILE = ROOT + 'schema/deploy.schema.json';

export function loadSchema(): Node {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Node;
}

/** Follows `$ref`s; sibling keywords of a `$ref` win, as yaml-language-server shows them. */
export function deref(root: Node, node: Node | undefined): Node | undefined {
  let cur = node;
  for (let i = 0; cur?.$ref && i < 20; i++) {
    let target: unknown = root;
    for (const p of cur.$ref.replace(/^#\/?/, '').split('/').filter(Boolean)) target = (target as Record<string, unknown>)[p];
    const { $ref: _ref, ...siblings } = cur;
    cur = { ...(target as Node), ...siblings };
  }
  return cur;
}

function objectForm(root: Node, node: Node | undefined): Node | undefined {
  const r = deref(root, node);
  const branch = r?.anyOf?.map((b) => deref(root, b)).find((b) => b?.properties || typeof b?.additionalProperties === 'object');
  return branch ?? r;
}

/** The schema of the value at `path` (map keys not among `properties` go to `additionalProperties`). */
export function schemaAt(root: Node, path: readonly string[]): Node | undefined {
  let cur: Node | undefined = deref(root, root);
  for (const key of path) {
    const obj = objectForm(root, cur);
    if (!obj) return undefined;
    cur = deref(root, obj.properties?.[key] ?? (typeof obj.additionalProperties === 'object' ? obj.additionalProperties : undefined));
  }
  return cur;
}

export function propertiesAt(root: Node, path: readonly string[]): string[] {
  return Object.keys(objectForm(root, schemaAt(root, path))?.properties ?? {});
}

/**
 * Documentation of a key as the editor may show it: its own markdownDescription (else its `$ref` target's),
 * then those of its anyOf forms. Empty when the key is not documented by the schema (free-form values).
 */
export function markdownAt(root: Node, path: readonly string[]): string[] {
  const node = schemaAt(root, path);
  const forms = (node?.anyOf ?? []).map((b) => deref(root, b)?.markdownDescription);
  return [node?.markdownDescription, ...forms].filter((d): d is string => d !== undefined);
}
