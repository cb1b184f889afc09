/** Python source literals from JSON-like values: what the settings template places, escaped here and only here. */

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/**
 * A Python string literal that is pure printable ASCII, so the module's bytes never depend on an encoding
 * and no character can end a line or the literal early (U+2028, NUL, CR, quotes, backslashes all escaped).
 * Code points above U+FFFF become one \U escape; lone UTF-16 surrogates keep their value as \u escapes.
 */
export function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x100) out += '\\x' + hex(cp, 2);
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + '"';
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A Python literal (str, int, float, bool, None, list, dict) for `value`; throws on values Python cannot spell. */
export function pyLiteral(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Python literal`);
    if (Object.is(value, -0)) return '-0.0';
    // JS prints integral doubles without a fraction; beyond 2^53 they are floats in Python too.
    if (Number.isInteger(value)) return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? String(value) : value.toExponential().replace('e+', 'e');
    return String(value);
  }
  if (Array.isArray(value)) return '[' + value.map(pyLiteral).join(', ') + ']';
  return '{' + Object.entries(value).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(', ') + '}';
}
