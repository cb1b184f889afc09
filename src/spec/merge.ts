/** Environment overlays: `environments.<name>` merged over the base spec. Mappings merge key by key; lists and scalars replace. */

import { nullPrototype, ownValue } from '../names.js';

type Data = Record<string, unknown>;

function isPlainObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergeOverlay(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return nullPrototype(overlay);
  // Null-prototype maps: names such as `constructor` or `__proto__` are ordinary keys here.
  const out = Object.create(null) as Data;
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = Object.hasOwn(base, k) ? mergeOverlay(base[k], v) : nullPrototype(v);
  }
  return out;
}

/**
 * The spec as seen with environment `env` applied (or the base spec), without the `environments` block. The view
 * is a deep copy in which every mapping has a null prototype: rules, normalize and the targets read names from it
 * (`processes.constructor`, `sizes.toString`) and never find a property of Object.prototype.
 */
export function applyEnvironment(data: Data, env: string | null): Data {
  const base = Object.create(null) as Data;
  for (const k of Object.keys(data)) if (k !== 'environments') base[k] = nullPrototype(data[k]);
  if (env === null) return base;
  const overlay = ownValue(data.environments as Data | undefined, env);
  return mergeOverlay(base, overlay ?? {}) as Data;
}

export function environmentNames(data: Data): string[] {
  const envs = data.environments;
  return isPlainObject(envs) ? Object.keys(envs).sort() : [];
}
