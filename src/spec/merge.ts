/** Environment overlays: `environments.<name>` merged over the base spec. Mappings merge key by key; lists and scalars replace. */

type Data = Record<string, unknown>;

function isPlainObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergeOverlay(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return structuredClone(overlay);
  const out: Data = {};
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = k in base ? mergeOverlay(base[k], v) : structuredClone(v);
  }
  return out;
}

/** The spec as seen with environment `env` applied (or the base spec), without the `environments` block. */
export function applyEnvironment(data: Data, env: string | null): Data {
  const { environments, ...base } = data;
  if (env === null) return base;
  const overlay = (environments as Data | undefined)?.[env];
  return mergeOverlay(base, overlay ?? {}) as Data;
}

export function environmentNames(data: Data): string[] {
  const envs = data.environments;
  return isPlainObject(envs) ? Object.keys(envs).sort() : [];
}
