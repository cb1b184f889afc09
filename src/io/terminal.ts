/**
 * Text from a project (file contents in a diff, values `init` found, messages quoting the spec) can hold terminal
 * control sequences: OSC 52 writes the clipboard, CSI sequences clear the screen or move the cursor, bidi controls
 * reorder what is shown. `escapeControls` is the one function that makes such text inert before it is printed: C0
 * controls (except newline and tab), DEL, C1 controls, bidi overrides and line separators become visible escapes
 * (`\x1b`, `\u202e`). The text formatter, init's output and build's diffs all print through it.
 */

/** Every character escapeControls rewrites. */
export const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOne(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\r') return '\\r';
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with every control character written as a visible escape; newlines (and tabs) are kept. */
export function escapeControls(s: string, opts: { newlines?: boolean; tabs?: boolean } = {}): string {
  let out = s.replace(CONTROL_RE, escapeOne);
  if (opts.newlines === false) out = out.replace(/\n/g, '\\n');
  if (opts.tabs === false) out = out.replace(/\t/g, '\\t');
  return out;
}

/** One line of text for a message: no control characters, no line breaks. */
export function escapeLine(s: string): string {
  return escapeControls(s, { newlines: false });
}

/**
 * `value` as indented JSON for the terminal: the same data as `JSON.stringify`, with every character
 * escapeControls rewrites (C1 controls, bidi overrides, line separators, which JSON.stringify leaves raw) written as
 * a `\uXXXX` escape, so a `--format json` document piped to a terminal is as inert as the text output.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(CONTROL_RE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
