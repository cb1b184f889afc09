/**
 * Maps keyed by names from the spec (processes, jobs, env, environments, size maps, overrides) never inherit from
 * Object.prototype: a process named `constructor` or `toString` must not find a function where a value belongs,
 * and `__proto__` must stay an ordinary key. Every name-keyed structure is built with these helpers, and read
 * with `ownValue` (or Object.hasOwn).
 */

/** A null-prototype copy of a name-keyed map (shallow). */
export function nameMap<T>(from?: Readonly<Record<string, T>> | null): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (from) for (const k of Object.keys(from)) out[k] = from[k] as T;
  return out;
}

/** The entry of `name` in `map` when the map itself holds one; never an inherited property. */
export function ownValue<T>(map: Readonly<Record<string, T>> | null | undefined, name: string): T | undefined {
  return map !== null && map !== undefined && Object.hasOwn(map, name) ? map[name] : undefined;
}

/** A deep copy of plain data in which every mapping has a null prototype (lists stay arrays). */
export function nullPrototype<T>(value: T, depth = 0): T {
  if (depth > 256) return value;
  if (Array.isArray(value)) return value.map((v) => nullPrototype(v, depth + 1)) as T;
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(value)) out[k] = nullPrototype((value as Record<string, unknown>)[k], depth + 1);
    return out as T;
  }
  return value;
}
