/** What a command needs from the outside world: the working folder and the two output streams. */
import type { Colors } from '../format.js';

export interface Io {
  cwd: string;
  out(s: string): void;
  err(s: string): void;
  colors: Colors;
}

/** A mistake in how the command was called: printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
