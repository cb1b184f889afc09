/** Diagnostic output: a code frame for people (colored on a TTY), JSON for machines. */
import type { Diagnostic } from './diagnostics.js';
import { CONTROL_RE, escapeLine } from './io/terminal.js';

export interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const NO_COLORS: Colors = { red: (s) => s, yellow: (s) => s, cyan: (s) => s, dim: (s) => s, bold: (s) => s };

/** Printable form of a source line: tabs and control characters made visible so the caret lines up. */
function printable(line: string): string {
  return line.replace(CONTROL_RE, '?').replace(/\t/g, ' ');
}

/** Masks the value part of a source line (after `key:` when the place is a key), keeping the layout. */
export function maskValue(line: string, col: number): string {
  let start = Math.max(0, col - 1);
  const colon = line.indexOf(':', start);
  if (colon >= 0 && /^[^\s'"]*$/.test(line.slice(start, colon)) && /^(\s|$)/.test(line.slice(colon + 1))) start = colon + 1;
  const hash = line.indexOf(' #', start);
  const end = hash >= 0 ? hash : line.length;
  return line.slice(0, start) + line.slice(start, end).replace(/\S/g, '*') + line.slice(end);
}

export function formatText(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>, c: Colors = NO_COLORS): string {
  const out: string[] = [];
  for (const raw of list) {
    // Messages and hints quote the spec and project files: no terminal escapes get through.
    const d = { ...raw, file: escapeLine(raw.file), message: escapeLine(raw.message), ...(raw.hint !== undefined ? { hint: escapeLine(raw.hint) } : {}) };
    const color = d.severity === 'error' ? c.red : d.severity === 'warning' ? c.yellow : c.cyan;
    out.push(`${c.bold(`${d.file}:${d.line}:${d.col}`)}: ${color(d.severity)}: ${d.message} ${c.dim(`[${d.code}]`)}`);
    const text = sources.get(raw.file);
    if (text !== undefined) {
      const line = text.split('\n')[d.line - 1];
      if (line !== undefined) {
        const plain = line.replace(/\r$/, '');
        const shown = printable(d.redact ? maskValue(plain, d.col) : plain);
        const clipped = shown.length > 160 ? shown.slice(0, 160) + '…' : shown;
        const gutter = String(d.line);
        out.push(c.dim(`  ${gutter} | `) + clipped);
        const width = d.endLine === d.line && d.endCol !== undefined ? Math.max(1, d.endCol - d.col) : 1;
        const caretCol = Math.min(d.col - 1, 160);
        out.push(c.dim(`  ${' '.repeat(gutter.length)} | `) + ' '.repeat(caretCol) + color('^'.repeat(Math.min(width, 160 - caretCol + 1))));
      }
    }
    if (d.hint) out.push(`  ${c.cyan('hint')}: ${d.hint}`);
  }
  return out.join('\n');
}

export function summary(list: readonly Diagnostic[]): string {
  const n = (s: Diagnostic['severity']) => list.filter((d) => d.severity === s).length;
  const parts = [`${n('error')} error${n('error') === 1 ? '' : 's'}`, `${n('warning')} warning${n('warning') === 1 ? '' : 's'}`];
  if (n('info')) parts.push(`${n('info')} note${n('info') === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function formatJson(list: readonly Diagnostic[]): string {
  return JSON.stringify(
    list.map((d) => ({ file: d.file, line: d.line, col: d.col, endLine: d.endLine, endCol: d.endCol, severity: d.severity, code: d.code, message: d.message, hint: d.hint, path: d.path, target: d.target })),
    null,
    2,
  );
}
