/**
 * Finds the schema that governs a data path, for messages and hints. It reads a reduced copy of
 * schema/deploy.schema.json (structure and first sentences, made by `npm run gen`) that loads quickly.
 */
import schemaJson from '../generated/schema-messages.json' with { type: 'json' };

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  description?: string;
  patternErrorMessage?: string;
  pattern?: string;
  default?: unknown;
  [k: string]: unknown;
};

export const schema = schemaJson as unknown as JsonSchema;

function resolve(s: JsonSchema | undefined): JsonSchema | undefined {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 20; i++) {
    const pointer = cur.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
    let target: unknown = schema;
    for (const p of pointer) target = (target as Record<string, unknown>)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
    // Sibling keywords of $ref (description, default) win over the target's; both patterns apply, so each keeps
    // its own message.
    const { $ref: _ref, ...siblings } = cur;
    const t = target as JsonSchema;
    const patternMessages = { ...messagesOf(t), ...messagesOf(siblings) };
    cur = { ...t, ...siblings, patternMessages };
  }
  return cur;
}

function messagesOf(s: JsonSchema): Record<string, string> {
  const own = s.pattern && s.patternErrorMessage ? { [s.pattern]: s.patternErrorMessage } : {};
  return { ...((s.patternMessages as Record<string, string> | undefined) ?? {}), ...own };
}

/** The message for a failed `pattern` at `path`: the one written beside that pattern. */
export function patternMessage(path: readonly (string | number)[], pattern: string): string | undefined {
  const s = schemaAt(path);
  return (s?.patternMessages as Record<string, string> | undefined)?.[pattern] ?? s?.patternErrorMessage;
}

function objectBranch(s: JsonSchema | undefined): JsonSchema | undefined {
  const r = resolve(s);
  if (!r?.anyOf) return r;
  for (const b of r.anyOf) {
    const rb = resolve(b);
    if (rb?.properties || (typeof rb?.additionalProperties === 'object')) return { ...rb, description: r.description ?? rb.description };
  }
  return r;
}

/** The schema at `path`, or undefined when the path leaves the schema. */
export function schemaAt(path: readonly (string | number)[]): JsonSchema | undefined {
  let cur: JsonSchema | undefined = resolve(schema);
  for (const part of path) {
    cur = objectBranch(cur);
    if (!cur) return undefined;
    if (typeof part === 'number') cur = resolve(cur.items);
    else if (cur.properties && part in cur.properties) cur = resolve(cur.properties[part]);
    else if (typeof cur.additionalProperties === 'object') cur = resolve(cur.additionalProperties);
    else return undefined;
  }
  return cur;
}

/** Keys a mapping at `path` accepts, in schema order. */
export function allowedKeys(path: readonly (string | number)[]): string[] {
  const s = objectBranch(schemaAt(path));
  return s?.properties ? Object.keys(s.properties) : [];
}

export function propertyNameSchema(path: readonly (string | number)[]): JsonSchema | undefined {
  return resolve(objectBranch(schemaAt(path))?.propertyNames);
}
