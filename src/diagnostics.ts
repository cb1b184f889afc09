/** A problem found in a deploy spec or while emitting a target. Diagnostics are data: stages collect them, the CLI prints them. */
export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

export interface Diagnostic {
  severity: Severity;
  /** Stable id, `stage/name`, e.g. `schema/unknown-key`. */
  code: string;
  message: string;
  /** How to fix it, in one sentence. */
  hint?: string;
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
  /** Path of the offending value in the spec, e.g. `['processes', 'web', 'command']`. */
  path?: (string | number)[];
  /** Target that reported it, for target diagnostics. */
  target?: string;
  /** The source line holds a secret: code frames must mask its value (CI logs are often public). */
  redact?: true;
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sort by file, position, then severity and code, so output is stable. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      order[a.severity] - order[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Render a value for a message: short, quoted, never multi-line. */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (value === null || value === undefined) s = String(value);
  else if (typeof value === 'object') s = Array.isArray(value) ? 'a list' : 'a mapping';
  else s = String(value);
  return s.length > 60 ? s.slice(0, 57) + '..."' : s;
}

/** Damerau-Levenshtein distance (optimal string alignment), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 3) return 99;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = editDistance(w, c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = w.length <= 3 ? 1 : w.length <= 6 ? 2 : 3;
  return bestScore <= limit ? best : undefined;
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out || '(top level)';
}
