/** A deploy.yaml being assembled by `init`: the data, where each fact came from, and what could not be carried over. */

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface Draft {
  spec: { [k: string]: Json };
  /** Source note per spec path (joined with '.'), e.g. `processes.web.command` → `Procfile, line 1`. */
  sources: Map<string, string>;
  /** Things found in the project that deployspec does not model, one line each. */
  skipped: string[];
  /** Short summary lines of what was found, for the terminal. */
  found: string[];
  /** Why no deploy.yaml can be written (e.g. several Django projects and no --root), one line each. */
  problems: string[];
  /**
   * Platform files imported from, with the target that writes them: init records them so the first build may
   * replace them while they are unchanged since the import (showing the diff), instead of refusing them as hand-written.
   */
  imported: { path: string; target: string }[];
  /** Project files an importer read, whatever it carried over (files in `imported` count as read too). */
  readFrom: string[];
}

export function newDraft(): Draft {
  return { spec: { version: 1 }, sources: new Map(), skipped: [], found: [], problems: [], imported: [], readFrom: [] };
}

export function getIn(d: Draft, path: readonly string[]): Json | undefined {
  let cur: Json | undefined = d.spec;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as { [k: string]: Json })[k];
  }
  return cur;
}

/** Sets a value (creating parent mappings) and records its source. */
export function setIn(d: Draft, path: readonly string[], value: Json, source?: string): void {
  let cur = d.spec;
  for (const k of path.slice(0, -1)) {
    const next = cur[k];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as { [k: string]: Json };
  }
  cur[path[path.length - 1]!] = value;
  if (source) d.sources.set(path.join('.'), source);
}

export function deleteIn(d: Draft, path: readonly string[]): void {
  const parent = getIn(d, path.slice(0, -1));
  if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as { [k: string]: Json })[path[path.length - 1]!];
  d.sources.delete(path.join('.'));
}

/** Lowercase name fitting the schema's pattern `^[a-z][a-z0-9-]{0,28}[a-z0-9]$`. */
export function slugify(raw: string): string {
  return slugName(raw) ?? 'app';
}

/** The name `raw` becomes under the schema's name rule, or null when nothing of it is left (`x`, `!!`). */
export function slugName(raw: string): string | null {
  let s = raw.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!s) return null;
  if (!/^[a-z]/.test(s)) s = `app-${s}`;
  s = s.slice(0, 30).replace(/-+$/, '');
  return s.length >= 2 ? s : null;
}
