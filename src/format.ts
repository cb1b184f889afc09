/** Diagnostic output: a code frame for people (colored on a TTY), JSON for machines. */
import type { Diagnostic } from './diagnostics.js';
import { CONTROL_RE, escapeLine, jsonText } from './io/terminal.js';
import { maskSecrets } from './spec/secrets.js';

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
    // Frames print the source with every secret value masked, whichever diagnostic points at the line.
    const given = sources.get(raw.file);
    const text = given === undefined ? undefined : maskSecrets(given);
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
  return jsonText(
    list.map((d) => ({ file: d.file, line: d.line, col: d.col, endLine: d.endLine, endCol: d.endCol, severity: d.severity, code: d.code, message: d.message, hint: d.hint, path: d.path, target: d.target })),
  );
}

/** The diagnostics as plain data: the `diagnostics` array of every command's JSON document. */
export function diagnosticsData(list: readonly Diagnostic[]): object[] {
  return list.map((d) => ({ file: d.file, line: d.line, col: d.col, endLine: d.endLine, endCol: d.endCol, severity: d.severity, code: d.code, message: d.message, hint: d.hint, path: d.path, target: d.target }));
}

/**
 * The diagnostics left once the spec's `acknowledge: [code, ...]` list is applied: a note (severity info) whose
 * code is listed is dropped. Errors and warnings cannot be acknowledged away.
 */
export function acknowledged(list: readonly Diagnostic[], data: unknown): Diagnostic[] {
  const raw = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).acknowledge : undefined;
  const codes = new Set(Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string') : []);
  return codes.size ? list.filter((d) => !(d.severity === 'info' && codes.has(d.code))) : [...list];
}

/** GitHub Actions escapes: the message part, and (stricter) a property value. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands (`::error file=deploy.yaml,line=5,col=1::...`): each diagnostic, and each
 * extra finding about a whole file (a stale generated file), becomes an annotation on the pull request.
 */
export function formatGithub(list: readonly Diagnostic[], files: readonly { path: string; message: string }[] = []): string {
  const out: string[] = [];
  for (const d of list) {
    const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
    const props = [`file=${ghProp(d.file)}`, `line=${d.line}`, `col=${d.col}`];
    if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
    if (d.endCol !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endCol}`);
    props.push(`title=${ghProp(d.code)}`);
    out.push(`::${level} ${props.join(',')}::${ghData(escapeLine(d.message) + (d.hint ? `\nhint: ${escapeLine(d.hint)}` : ''))}`);
  }
  for (const f of files) out.push(`::error file=${ghProp(f.path)},title=build/stale::${ghData(escapeLine(f.message))}`);
  return out.join('\n');
}

/** SARIF 2.1.0 (code scanning): one run, a rule per diagnostic code, a result per diagnostic and stale file. */
export function formatSarif(list: readonly Diagnostic[], files: readonly { path: string; message: string }[], version: string): string {
  const level = (s: Diagnostic['severity']) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  const results = [
    ...list.map((d) => ({
      ruleId: d.code,
      level: level(d.severity),
      message: { text: d.message + (d.hint ? `\nhint: ${d.hint}` : '') },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: d.file },
            region: { startLine: d.line, startColumn: d.col, ...(d.endLine !== undefined ? { endLine: d.endLine } : {}), ...(d.endCol !== undefined ? { endColumn: d.endCol } : {}) },
          },
        },
      ],
    })),
    ...files.map((f) => ({ ruleId: 'build/stale', level: 'error', message: { text: f.message }, locations: [{ physicalLocation: { artifactLocation: { uri: f.path } } }] })),
  ];
  const rules = [...new Set(results.map((r) => r.ruleId))].sort().map((id) => ({ id }));
  return jsonText(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'deployspec', version, informationUri: 'https://github.com/deployspec/deployspec', rules } }, results }],
    },
  );
}
