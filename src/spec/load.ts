/**
 * Loading: bytes → YAML document with source positions. Pure: the caller reads the file.
 * Rejects what a deploy spec never needs and what makes parsing unsafe: non-UTF-8, multiple documents,
 * duplicate keys, tab indentation, custom tags, alias bombs, huge or deeply nested input.
 */
import { isUtf8 } from 'node:buffer';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from 'yaml';
import type { Document, Node, ParsedNode, YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

export const LIMITS = {
  /** Largest deploy.yaml accepted, in bytes. Real specs are a few KiB. */
  maxBytes: 1024 * 1024,
  /** Alias (`*x`) expansions allowed when building data; stops "billion laughs". */
  maxAliasCount: 100,
  /** Deepest nesting of mappings and lists. The language itself needs 5. */
  maxDepth: 32,
} as const;

export interface LoadedSpec {
  file: string;
  text: string;
  doc: Document.Parsed | null;
  lineCounter: LineCounter;
  /** Plain data, or undefined when loading failed. */
  data: unknown;
  diagnostics: Diagnostic[];
}

export function positionOf(lc: LineCounter, offset: number): { line: number; col: number } {
  return lc.linePos(Math.max(0, offset));
}

function diag(file: string, lc: LineCounter, code: string, message: string, hint: string, start: number, end?: number): Diagnostic {
  const s = positionOf(lc, start);
  const d: Diagnostic = { severity: 'error', code, message, hint, file, line: s.line, col: s.col };
  if (end !== undefined && end > start) {
    const e = positionOf(lc, end);
    d.endLine = e.line;
    d.endCol = e.col;
  }
  return d;
}

/** Decode UTF-8 strictly; on failure return the byte offset of the first bad sequence. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badOffset: number } {
  // The native check is much faster to start than a fatal TextDecoder; the scan below only runs on bad input.
  if (isUtf8(bytes)) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  {
    // Find the first invalid byte by decoding growing prefixes is quadratic; scan instead.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
      if (need < 0) return { badOffset: i };
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (c === undefined || (c & 0xc0) !== 0x80) return { badOffset: i };
      }
      // Overlong and surrogate forms
      if (need === 2) {
        const c1 = bytes[i + 1]!;
        if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 > 0x9f)) return { badOffset: i };
      }
      if (need === 3) {
        const c1 = bytes[i + 1]!;
        if ((b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 > 0x8f)) return { badOffset: i };
      }
      i += need + 1;
    }
    return { badOffset: bytes.length };
  }
}

/** Depth of `[`/`{` nesting outside quotes and comments: checked before parsing so the parser never recurses deeply. */
function maxFlowDepth(text: string, limit: number): number {
  let depth = 0;
  let quote: string | null = null;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      continue;
    }
    if (c === '#' && (lineStart || /\s/.test(text[i - 1] ?? ' '))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if (c !== ' ') lineStart = false;
    if ((c === '"' || c === "'") && depth > 0) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return -1;
}

export function loadSpec(file: string, input: string | Uint8Array): LoadedSpec {
  const lineCounter = new LineCounter();
  const fail = (d: Diagnostic[], text = ''): LoadedSpec => ({ file, text, doc: null, lineCounter, data: undefined, diagnostics: d });

  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size > LIMITS.maxBytes) {
    return fail([{ severity: 'error', code: 'load/too-large', message: `file is ${size} bytes; deploy specs are limited to ${LIMITS.maxBytes} bytes`, hint: 'A deploy spec should be a few kilobytes: move data out of it.', file, line: 1, col: 1 }]);
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const r = decodeUtf8(input);
    if ('badOffset' in r) {
      const prefix = new TextDecoder().decode(input.subarray(0, r.badOffset));
      const lines = prefix.split('\n');
      return fail([{ severity: 'error', code: 'load/encoding', message: `invalid UTF-8 byte 0x${input[r.badOffset]?.toString(16).padStart(2, '0') ?? '??'}`, hint: 'Save deploy.yaml as UTF-8.', file, line: lines.length, col: lines[lines.length - 1]!.length + 1 }]);
    }
    text = r.text;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Positions are counted on the text as given; the parser sees the same text.
  const nul = text.indexOf('\u0000');
  const early: Diagnostic[] = [];
  const lcPre = new LineCounter();
  {
    let off = 0;
    for (const line of text.split('\n')) {
      lcPre.addNewLine(off);
      off += line.length + 1;
    }
  }
  if (nul >= 0) early.push(diag(file, lcPre, 'load/control-character', 'NUL character in file', 'Remove the NUL byte; deploy.yaml is a text file.', nul));
  const deep = maxFlowDepth(text, LIMITS.maxDepth);
  if (deep >= 0) early.push(diag(file, lcPre, 'load/too-deep', `nesting deeper than ${LIMITS.maxDepth} levels`, 'Flatten the structure; deploy specs need only a few levels.', deep));
  // Tabs in indentation: YAML forbids them, and they hide structure.
  const tabRe = /^([ ]*)\t/gm;
  let m: RegExpExecArray | null;
  while ((m = tabRe.exec(text)) && early.length < 20) {
    early.push(diag(file, lcPre, 'load/tab', 'tab character used for indentation', 'Indent with spaces only.', m.index + m[1]!.length));
  }
  if (early.length) return fail(early, text);

  const docs = parseAllDocuments(text, {
    lineCounter,
    // Checked below with a set per mapping: the parser's own check compares every pair of keys (quadratic).
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    version: '1.2',
    schema: 'core',
    merge: false,
    intAsBigInt: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  const diagnostics: Diagnostic[] = [];
  if (list.length === 0) {
    return fail([{ severity: 'error', code: 'load/empty', message: 'the file is empty', hint: 'Start with `version: 1`, `name:` and `django: {project: ...}`, or run `deployspec init`.', file, line: 1, col: 1 }], text);
  }
  if (list.length > 1) {
    const second = list[1]!;
    const start = second.range?.[0] ?? text.length;
    // `---` marks the start of the second document; point at it.
    const marker = text.lastIndexOf('---', start);
    diagnostics.push(diag(file, lineCounter, 'load/multiple-documents', 'more than one YAML document in the file', 'Keep one document: remove the `---` separator and what follows, or merge it into the first.', marker >= 0 ? marker : start));
  }
  const doc = list[0]!;
  for (const e of doc.errors) diagnostics.push(yamlErrorToDiagnostic(file, lineCounter, e));
  for (const w of doc.warnings) diagnostics.push(yamlErrorToDiagnostic(file, lineCounter, w));
  if (diagnostics.length) return { file, text, doc, lineCounter, data: undefined, diagnostics };

  // Structural checks the YAML parser allows but a spec must not contain.
  let aliases = 0;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        aliases++;
        if (aliases === LIMITS.maxAliasCount + 1) {
          diagnostics.push(diag(file, lineCounter, 'load/too-many-aliases', `more than ${LIMITS.maxAliasCount} aliases`, 'Write values out instead of repeating aliases.', node.range?.[0] ?? 0));
        }
      }
      const tag = (node as { tag?: string }).tag;
      if (tag && !isStandardTag(tag)) {
        diagnostics.push(diag(file, lineCounter, 'load/tag', `YAML tag ${tag} is not allowed`, 'Remove the tag; deploy.yaml holds only plain strings, numbers, booleans, lists and mappings.', tagOffset(text, node)));
      }
    },
    Map(_key, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const k = pair.key as Node | null;
        if (!isScalar(k) || k.value === null) continue;
        const name = String(k.value);
        const first = seen.get(name);
        const at = k.range?.[0] ?? 0;
        if (first === undefined) seen.set(name, at);
        else {
          const line = lineCounter.linePos(first).line;
          diagnostics.push(diag(file, lineCounter, 'yaml/duplicate-key', `duplicate key ${JSON.stringify(name).slice(0, 60)} (first on line ${line})`, YAML_HINTS.DUPLICATE_KEY!, at, k.range?.[1]));
        }
      }
    },
    Pair(_key, pair) {
      const k = pair.key as Node | null;
      if (k === null || (isScalar(k) && k.value === null)) {
        const off = (pair.value as Node | null)?.range?.[0] ?? 0;
        diagnostics.push(diag(file, lineCounter, 'load/empty-key', 'a mapping key is empty', 'Give the key a name.', off));
      } else if (!isScalar(k) && !isAlias(k)) {
        diagnostics.push(diag(file, lineCounter, 'load/complex-key', 'a mapping key must be a plain string', 'Use a plain name as the key.', k.range?.[0] ?? 0));
      }
    },
  });
  if (diagnostics.length === 0) {
    const depth = nodeDepth(doc.contents as ParsedNode | null);
    if (depth.depth > LIMITS.maxDepth) {
      diagnostics.push(diag(file, lineCounter, 'load/too-deep', `nesting deeper than ${LIMITS.maxDepth} levels`, 'Flatten the structure; deploy specs need only a few levels.', depth.offset));
    }
  }
  if (diagnostics.length) return { file, text, doc, lineCounter, data: undefined, diagnostics };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (err) {
    const msg = (err as Error).message;
    const d = /alias count/i.test(msg)
      ? diag(file, lineCounter, 'load/too-many-aliases', 'aliases expand to too much data', 'Write values out instead of nesting aliases.', firstAliasOffset(doc))
      : diag(file, lineCounter, 'load/bad-alias', `cannot resolve the YAML: ${msg.split('\n')[0]}`, 'Define each anchor (`&name`) before its alias (`*name`).', firstAliasOffset(doc));
    return { file, text, doc, lineCounter, data: undefined, diagnostics: [d] };
  }
  if (data === null || data === undefined) {
    return { file, text, doc, lineCounter, data: undefined, diagnostics: [{ severity: 'error', code: 'load/empty', message: 'the file has no content', hint: 'Start with `version: 1`, `name:` and `django: {project: ...}`, or run `deployspec init`.', file, line: 1, col: 1 }] };
  }
  return { file, text, doc, lineCounter, data, diagnostics };
}

const STANDARD_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', '!']);
function isStandardTag(tag: string): boolean {
  return STANDARD_TAGS.has(tag);
}

function tagOffset(text: string, node: Node): number {
  const start = node.range?.[0] ?? 0;
  const bang = text.lastIndexOf('!', start);
  return bang >= 0 && start - bang < 200 ? bang : start;
}

function firstAliasOffset(doc: Document.Parsed): number {
  let off = 0;
  visit(doc, {
    Alias(_k, node) {
      off = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return off;
}

function nodeDepth(root: ParsedNode | null): { depth: number; offset: number } {
  let max = { depth: 0, offset: 0 };
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      const d = depth + 1;
      if (d > max.depth) max = { depth: d, offset: node.range?.[0] ?? 0 };
      if (d > LIMITS.maxDepth) return max;
      for (const item of node.items) {
        if (isPair(item)) stack.push([item.value, d]);
        else stack.push([item, d]);
      }
    }
  }
  return max;
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'Remove one of the two entries; each key may appear once in a mapping.',
  BAD_INDENT: 'Align the key with its siblings, using spaces.',
  MISSING_CHAR: 'Close the quote or bracket that was opened.',
  MULTILINE_IMPLICIT_KEY: 'Put the key and its colon on one line, or quote the value.',
  BLOCK_AS_IMPLICIT_KEY: 'Put the key and its colon on one line.',
  TAB_AS_INDENT: 'Indent with spaces only.',
  TAG_RESOLVE_FAILED: 'Remove the tag; deploy.yaml holds only plain values, lists and mappings.',
  UNEXPECTED_TOKEN: 'Check the line for a stray character; quote values that contain `: ` or start with a special character.',
  BAD_ALIAS: 'Define the anchor (`&name`) before using the alias (`*name`).',
};

function yamlErrorToDiagnostic(file: string, lc: LineCounter, e: YAMLError): Diagnostic {
  const [start, end] = e.pos;
  let message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  message = message.charAt(0).toLowerCase() + message.slice(1);
  if (e.code === 'DUPLICATE_KEY') message = 'duplicate key in mapping';
  if (e.code === 'TAG_RESOLVE_FAILED') {
    const tag = e.message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!');
    message = `YAML tag ${tag} is not allowed`;
  }
  return diag(file, lc, `yaml/${e.code.toLowerCase().replace(/_/g, '-')}`, message, YAML_HINTS[e.code] ?? 'Fix the YAML syntax at this position.', start, end);
}
