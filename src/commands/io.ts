/** What a command needs from the outside world: the working folder and the two output streams. */
import type { Colors } from '../format.js';

export interface Io {
  cwd: string;
  out(s: string): void;
  err(s: string): void;
  /** Colours for stderr, where diagnostics and progress go. */
  colors: Colors;
  /** Colours for stdout, decided on its own (it may be a pipe while stderr is a terminal). */
  outColors?: Colors;
}

/** A mistake in how the command was called: printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `; did you mean X?` when a candidate is close to `word`, else nothing. */
export function didYouMean(word: string, candidates: readonly string[], closest: (w: string, c: readonly string[]) => string | undefined): string {
  const guess = closest(word, candidates);
  return guess ? `; did you mean ${guess}?` : '';
}
