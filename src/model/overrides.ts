/**
 * `targets.<name>.overrides`: platform keys deployspec does not model, deep-merged into a target's output.
 * Mappings merge key by key. A list whose items are all mappings carrying the same identity key (`name` for
 * components and services, `key` for variables) merges item by item: an override item patches the item with its
 * identity and a new identity is appended, so one component can be changed without restating the others. Other
 * lists and scalars replace; `null` removes a key.
 */
export const IDENTITY_KEYS = ['name', 'key'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The identity key every item of both lists carries, if any. */
function identityOf(base: unknown[], over: unknown[]): string | null {
  for (const key of IDENTITY_KEYS) {
    const all = (list: unknown[]) => list.every((item) => isObj(item) && typeof item[key] === 'string');
    if (base.length && over.length && all(base) && all(over)) return key;
  }
  return null;
}

export function mergeOverrides(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) {
    const key = identityOf(base, over);
    if (!key) return structuredClone(over);
    const out = base.map((item) => structuredClone(item)) as Obj[];
    for (const item of over as Obj[]) {
      const i = out.findIndex((b) => b[key] === item[key]);
      if (i >= 0) out[i] = mergeOverrides(out[i], item) as Obj;
      else out.push(structuredClone(item));
    }
    return out;
  }
  if (!isObj(base) || !isObj(over)) return structuredClone(over);
  const out: Obj = Object.create(null);
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = Object.hasOwn(base, k) ? mergeOverrides(base[k], v) : structuredClone(v);
  }
  return { ...out };
}
