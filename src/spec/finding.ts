import type { Severity } from '../diagnostics.js';
import type { SpecPath } from '../model/model.js';

/** A diagnostic before it has a position: rules and emitters report against spec paths; compile() places them. */
export interface Finding {
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
  path: SpecPath;
  /** Point at the key (names) or the value (default). */
  at?: 'key' | 'value';
  target?: string;
  /** The value at this place is a secret: printers mask it. */
  redact?: true;
}
