/** Maps a path in the spec data (['processes', 'web', 'command']) back to a line and column of the YAML source. */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export type SpecPath = (string | number)[];

export interface Located {
  /** The value node at the path, or the deepest ancestor that exists. */
  node: Node | null;
  /** The key node of the last path element, when the path ends in a mapping entry. */
  key: Node | null;
  /** How much of the path exists in the document. */
  depth: number;
}

export function findNode(doc: Document.Parsed | null, path: readonly (string | number)[]): Located {
  let node: unknown = doc?.contents ?? null;
  let key: Node | null = null;
  let depth = 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      key = null;
      node = item;
    } else break;
    depth++;
  }
  return { node: (node as Node | null) ?? null, key: depth === path.length ? key : null, depth };
}

export interface Span {
  start: number;
  end: number;
}

/**
 * Source span for a path. `at: 'key'` points at the mapping key (unknown keys, bad names);
 * `at: 'value'` at the value (wrong types). A missing path falls back to the nearest ancestor's key.
 */
export function spanOf(doc: Document.Parsed | null, path: readonly (string | number)[], at: 'key' | 'value' = 'value'): Span {
  const found = findNode(doc, path);
  if (found.depth === path.length) {
    const target = at === 'key' && found.key ? found.key : found.node ?? found.key;
    const r = target?.range;
    // A null value (`key:` with nothing after it) has an empty range: point at the key instead.
    if (r && r[1] > r[0]) return { start: r[0], end: r[1] };
    const kr = found.key?.range;
    if (kr) return { start: kr[0], end: kr[1] };
    if (r) return { start: r[0], end: r[0] };
  }
  // Ancestor: point at its key if any.
  if (found.depth > 0) {
    const parent = findNode(doc, path.slice(0, found.depth));
    const r = parent.key?.range ?? parent.node?.range;
    if (r) return { start: r[0], end: parent.key ? r[1] : r[0] };
  }
  const r = (doc?.contents as Node | null)?.range;
  return { start: r?.[0] ?? 0, end: r?.[0] ?? 0 };
}

/** Where diagnostics about one document point. */
export interface SourceRef {
  file: string;
  text: string;
  doc: Document.Parsed | null;
  lineCounter: LineCounter;
}

export interface Place {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** Line and column (1-based) of a path; the end is clipped to the first line so frames stay one line. */
export function placeOf(src: SourceRef, path: readonly (string | number)[], at: 'key' | 'value' = 'value'): Place {
  const span = spanOf(src.doc, path, at);
  return placeOfSpan(src, span.start, span.end);
}

export function placeOfSpan(src: SourceRef, start: number, end: number): Place {
  const s = src.lineCounter.linePos(Math.max(0, start));
  const nl = src.text.indexOf('\n', start);
  const lineEnd = nl < 0 ? src.text.length : nl;
  const e = src.lineCounter.linePos(Math.max(start, Math.min(end, lineEnd)));
  return { file: src.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
}

/** Places spec paths in the source. For an environment view, a path set by the overlay points into the overlay. */
export interface Locator {
  place(path: readonly (string | number)[], at?: 'key' | 'value'): Place;
  /** The original text of a scalar, e.g. `3.10` that YAML read as the number 3.1. */
  sourceText(path: readonly (string | number)[]): string | undefined;
  /** Whether the path is written in the environment overlay (false for the base spec). */
  inOverlay(path: readonly (string | number)[]): boolean;
}

export function createLocator(src: SourceRef, env: string | null = null): Locator {
  const resolve = (path: readonly (string | number)[]): { full: (string | number)[]; overlay: boolean } => {
    if (env !== null) {
      const over = ['environments', env, ...path];
      const o = findNode(src.doc, over);
      const b = findNode(src.doc, path);
      if (o.depth === over.length || o.depth - 2 > b.depth) return { full: over, overlay: true };
    }
    return { full: [...path], overlay: false };
  };
  return {
    place: (path, at = 'value') => placeOf(src, resolve(path).full, at),
    sourceText: (path) => {
      const found = findNode(src.doc, resolve(path).full);
      const r = found.node?.range;
      return r && found.node && isScalar(found.node) ? src.text.slice(r[0], r[1]).trim() : undefined;
    },
    inOverlay: (path) => resolve(path).overlay,
  };
}
