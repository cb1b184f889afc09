/**
 * Where secrets are, and keeping them out of everything deployspec prints or writes. One place decides:
 * - which names are secrets (secret-looking names, names the spec declares secret, generated or set by a resource,
 *   and the variables the spec's features imply);
 * - which strings carry credentials (URLs with a password, or with a token as the user of an http(s) URL);
 * - where their values sit in the source text (`secretSpans`), so code frames print them masked (`maskSecrets`);
 * - which texts must never be repeated in a diagnostic's message or hint (`redactDiagnostics`);
 * - whether a generated file gives a secret a value (`secretsWithValues`), in JSON, YAML, TOML or a Dockerfile.
 */
import { parse as parseToml } from 'smol-toml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { Document, Node, Tags } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';

/** Names that look like they hold a secret. */
export const SECRET_NAME = /(^|_)(KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|DSN|CREDENTIALS?)$|PASSWORD|SECRET/;
/**
 * The same in lower case, where a platform allows it (config vars and environment maps that take any name): a
 * snake_case name ending in one of the words (`stripe_api_key`, `db_password`). A bare `key` or `secret` is not one:
 * platform files use them as field names (`secretKeyRef: {name, key}`).
 */
const LOWER_SECRET_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:key|secret|token|password|passwd|pwd|dsn|credentials?)$/;

/** Whether a variable name looks like it holds a secret, in upper case or snake_case. */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name) || LOWER_SECRET_NAME.test(name);
}
/**
 * `user:password` before the `@` of a URL. A password is written unencoded as often as not, so it runs to the last
 * `@` of the word and may hold `/`, `?`, `#` and `@`, unless it is a port followed by a path
 * (`https://host:8080/@scope/pkg`).
 */
const PASSWORD_USERINFO = String.raw`[^/\s:@?#<>]*:(?!\d*(?:[/?#]|$))[^\s<>]*[^\s@<>]`;
/** A URL carrying a password: scheme://user:password@host */
export const URL_WITH_PASSWORD = new RegExp(`^[a-z][a-z0-9+.-]*://${PASSWORD_USERINFO}@`, 'i');

/** Variables the spec's features imply that hold a secret or a credential-bearing URL. */
const IMPLIED_SECRET_NAMES = ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'CLOUDINARY_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'SENTRY_DSN'];

// userinfo with a password in any scheme; any userinfo in an http(s) URL (a token as the user name);
// `user:password@host/...` without a scheme (image references, git remotes).
const CREDENTIAL_PATTERNS = [
  new RegExp(`\\b[a-z][a-z0-9+.-]*://(${PASSWORD_USERINFO})@`, 'gi'),
  /\b(?:[a-z0-9+.-]*\+)?https?:\/\/([^/\s:@?#<>]+)@/gi,
  /(?:^|[\s"'=(])([^/\s:@"'=()]+:[^/\s@]+)@[^/\s@"']+\//g,
];

/** The credentials in a string: the userinfo part of each URL that carries one. */
export function credentialsIn(s: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  if (s.indexOf('@') < 0) return out;
  for (const re of CREDENTIAL_PATTERNS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      const text = m[1]!;
      const start = m.index + m[0].lastIndexOf(text + '@');
      out.push({ start, end: start + text.length, text });
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  return out;
}

export function hasCredentials(s: string): boolean {
  return credentialsIn(s).length > 0;
}

/**
 * `NAME=value` words whose name looks secret, as a command sets a variable for itself
 * (`env API_TOKEN=sk_live_… python worker.py`, `STRIPE_KEY='x' ./run`, bash's `API_TOKEN+=x`): the value, when it is written out rather
 * than expanded from a variable (`API_TOKEN=$API_TOKEN`, `"${X}"`) and not empty.
 */
const ASSIGNMENT = /(?<![A-Za-z0-9_$.-])([A-Za-z_][A-Za-z0-9_]*)(\+?=)("[^"\n]*"|'[^'\n]*'|[^\s;&|)`"'<>]+)/g;

export function secretAssignmentsIn(s: string): { start: number; end: number; text: string; name: string }[] {
  const out: { start: number; end: number; text: string; name: string }[] = [];
  if (s.indexOf('=') < 0) return out;
  ASSIGNMENT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ASSIGNMENT.exec(s))) {
    const name = m[1]!;
    const value = m[3]!;
    const inner = /^["']/.test(value) ? value.slice(1, -1) : value;
    if (!looksSecret(name) || !inner.trim() || inner.startsWith('$')) continue;
    const start = m.index + name.length + m[2]!.length;
    out.push({ start, end: start + value.length, text: value, name });
  }
  return out;
}

/**
 * Whether a string carries a credential whatever name it is stored under: a URL with a password or a token as its
 * user, or a secret-looking `NAME=value` (`GUNICORN_CMD_ARGS: "--env SECRET_KEY=…"`).
 */
export function carriesSecret(s: string): boolean {
  return hasCredentials(s) || secretAssignmentsIn(s).length > 0;
}

/** Env names the spec declares secret, generated or taken from a resource, in the base spec and every environment. */
export function declaredSecretNames(data: unknown): Set<string> {
  const names = new Set(IMPLIED_SECRET_NAMES);
  const scan = (root: unknown) => {
    if (!isObject(root)) return;
    for (const [block, key] of [['database', 'env'], ['cache', 'env']] as const) {
      const v = isObject(root[block]) ? root[block][key] : undefined;
      if (typeof v === 'string') names.add(v);
    }
    const sentry = isObject(root.monitoring) && isObject(root.monitoring.sentry) ? root.monitoring.sentry.dsn_env : undefined;
    if (typeof sentry === 'string') names.add(sentry);
    if (isObject(root.env)) {
      for (const [name, v] of Object.entries(root.env)) {
        if (isObject(v) && v.secret !== false && (v.secret === true || v.generate !== undefined || v.from !== undefined)) names.add(name);
      }
    }
  };
  scan(data);
  if (isObject(data) && isObject(data.environments)) for (const e of Object.values(data.environments)) scan(e);
  return names;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface Span {
  start: number;
  end: number;
}

const ENTRY_NAME_KEYS = ['key', 'name'];
/** The fields of an env entry that never hold its value. */
const ENTRY_FIELDS = new Set(['secret', 'generate', 'from', 'required', 'scope', 'description', 'reason', 'type', 'key', 'name']);

/**
 * Source spans of every secret-looking value in a parsed document: values of secret names (as mapping keys, as
 * `key:`/`name:` beside a `value:`, as `NAME=value` list items), `value:` next to `secret: true` or `type: SECRET`,
 * and the credentials of every URL, anywhere in the document.
 */
function documentSpans(doc: Document.Parsed, names: Set<string>, text: string): Span[] {
  const spans: Span[] = [];
  const isSecret = (n: string) => looksSecret(n) || names.has(n);
  const whole = (n: unknown) => {
    const r = (n as Node | null)?.range;
    if (!r || r[1] <= r[0]) return;
    // An unquoted value with ` #` in it ends at the `#`: the rest of the line, read as a comment, is the rest of
    // the secret. Mask to the end of the line whenever only a comment follows.
    const nl = text.indexOf('\n', r[1]);
    const lineEnd = nl < 0 ? text.length : nl;
    const end = /^[ \t]+#/.test(text.slice(r[1], lineEnd)) ? lineEnd : r[1];
    spans.push({ start: r[0], end });
  };
  /** Every scalar under a node (a secret's whole value), except booleans and nulls. */
  const allScalars = (n: unknown) => {
    if (isScalar(n)) {
      if (typeof n.value === 'string' || typeof n.value === 'number') whole(n);
    } else if (isMap(n)) for (const p of n.items) allScalars(p.value);
    else if (isSeq(n)) for (const i of n.items) allScalars(i);
  };
  const scalarOf = (map: unknown, key: string): unknown => {
    if (!isMap(map)) return undefined;
    const p = map.items.find((i) => isPair(i) && isScalar(i.key) && String(i.key.value) === key);
    return p && isScalar(p.value) ? p.value.value : undefined;
  };
  // An entry is public only when it says so and why (`secret: false` with a `reason`); without the reason it is an
  // error that quotes the line, and the value is still a secret's.
  const isPublic = (map: unknown) => {
    const reason = scalarOf(map, 'reason');
    return scalarOf(map, 'secret') === false && typeof reason === 'string' && reason.trim() !== '';
  };
  const walk = (n: unknown, depth: number): void => {
    if (depth > 64 || n === null || n === undefined) return;
    if (isScalar(n)) {
      if (typeof n.value === 'string' && hasCredentials(n.value)) whole(n);
      return;
    }
    if (isSeq(n)) {
      for (const item of n.items) {
        if (isScalar(item) && typeof item.value === 'string') {
          const eq = /^\s*([A-Za-z_][A-Za-z0-9_]*)=/.exec(item.value);
          if (eq && isSecret(eq[1]!)) whole(item);
        }
        walk(item, depth + 1);
      }
      return;
    }
    if (!isMap(n)) return;
    const publicEntry = isPublic(n);
    const markedSecret = scalarOf(n, 'secret') === true || String(scalarOf(n, 'type') ?? '').toUpperCase() === 'SECRET';
    const named = ENTRY_NAME_KEYS.some((k) => {
      const v = scalarOf(n, k);
      return typeof v === 'string' && isSecret(v);
    });
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value;
      if (key === 'value' && !publicEntry && (markedSecret || named)) allScalars(value);
      else if (isSecret(key) && isScalar(value)) {
        if (typeof value.value === 'string' || typeof value.value === 'number') whole(value);
      } else if (isSecret(key) && isMap(value) && !isPublic(value)) {
        // `NAME: {value: ...}`: the value of a secret's entry, whatever the surrounding format, and whatever a
        // misspelt or unknown key holds (`valeu:`, `default:`), which a schema error quotes.
        for (const p of value.items) {
          if (isPair(p) && !(isScalar(p.key) && ENTRY_FIELDS.has(String(p.key.value)))) allScalars(p.value);
        }
      } else if (isSecret(key) && isSeq(value)) allScalars(value);
      walk(pair.key, depth + 1);
      walk(value, depth + 1);
    }
  };
  walk(doc.contents, 0);
  return spans;
}

/** Line-based spans for text the YAML parser could not read: `NAME: value` of a secret name, to the end of the line. */
function lineSpans(text: string, names: Set<string>): Span[] {
  const spans: Span[] = [];
  const re = /^([ \t]*(?:-[ \t]+)?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2[ \t]*[:=][ \t]*([^\r\n]*)$/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const name = m[3]!;
    const rest = m[4]!;
    if (!rest || !(looksSecret(name) || names.has(name))) continue;
    const start = m.index + m[0].length - rest.length;
    spans.push({ start, end: start + rest.length });
  }
  return spans;
}

/**
 * Spans of every URL credential and every secret-looking `NAME=value` assignment in the text, wherever it is
 * (commands, comments and unparsable lines included).
 */
function credentialSpans(text: string): Span[] {
  return [...credentialsIn(text), ...secretAssignmentsIn(text)].map((c) => ({ start: c.start, end: c.end }));
}

interface SecretIndex {
  spans: Span[];
  /** Texts that must not be repeated: each secret's source text, its value, and each URL credential. */
  values: string[];
  masked: string;
}

const cache = new Map<string, SecretIndex>();

/** Where the secrets of a deploy.yaml text are; computed once per text. */
export function secretIndex(text: string): SecretIndex {
  const hit = cache.get(text);
  if (hit) return hit;
  let doc: Document.Parsed | null = null;
  let data: unknown;
  // Text the loader refuses before parsing (too large, nested too deeply) is only scanned line by line.
  if (text.length <= 1024 * 1024 && bracketDepth(text) <= 32) try {
    const docs = parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false, version: '1.2', merge: false, logLevel: 'silent' });
    doc = Array.isArray(docs) ? (docs[0] ?? null) : null;
    if (doc) data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    // Unreadable YAML: the line scan below still finds `NAME: value` lines.
  }
  const names = declaredSecretNames(data);
  const spans = [...(doc ? documentSpans(doc, names, text) : []), ...(!doc || doc.errors.length ? lineSpans(text, names) : []), ...credentialSpans(text)];
  const values = new Set<string>();
  for (const s of spans) {
    const raw = text.slice(s.start, s.end).trim();
    values.add(raw);
    if (/^["']/.test(raw)) {
      try {
        const v: unknown = parseDocument(raw, { logLevel: 'silent' }).toJS();
        if (typeof v === 'string' || typeof v === 'number') values.add(String(v));
      } catch {
        // keep the raw text only
      }
    } else {
      try {
        const v: unknown = parseDocument(raw, { version: '1.2', logLevel: 'silent' }).toJS();
        if (typeof v === 'number') values.add(String(v));
      } catch {
        // keep the raw text only
      }
    }
    for (const c of credentialsIn(raw)) values.add(c.text);
    for (const a of secretAssignmentsIn(raw)) values.add(/^["']/.test(a.text) ? a.text.slice(1, -1) : a.text);
  }
  const index: SecretIndex = { spans, values: [...values].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length), masked: maskSpans(text, spans) };
  if (cache.size > 16) cache.clear();
  cache.set(text, index);
  return index;
}

/** The deepest nesting of `[` and `{`, counted naively (quotes included): an upper bound of the real depth. */
function bracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return max;
}

function maskSpans(text: string, spans: Span[]): string {
  if (!spans.length) return text;
  const chars = text.split('');
  for (const s of spans) for (let i = s.start; i < s.end && i < chars.length; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = '*';
  return chars.join('');
}

/** The source text with every secret value replaced by `*`, same length and layout: what code frames print. */
export function maskSecrets(text: string): string {
  return secretIndex(text).masked;
}

/** A message or hint with every secret of the source replaced by `***` (also as quoted and shortened by `show`). */
export function redactText(s: string, values: readonly string[]): string {
  let out = s;
  for (const v of values) {
    if (out.includes(v)) out = out.split(v).join('***');
    const quoted = JSON.stringify(v).slice(1, -1);
    if (quoted !== v && out.includes(quoted)) out = out.split(quoted).join('***');
    // `show()` cuts long values to 57 characters and an ellipsis.
    const cut = JSON.stringify(v).slice(1, 57);
    if (cut.length >= 8 && out.includes(`"${cut}..."`)) out = out.split(`"${cut}..."`).join('"***"');
  }
  return out;
}

/** Every diagnostic with the source's secrets removed from its message and hint. */
export function redactDiagnostics(list: Diagnostic[], text: string): Diagnostic[] {
  const { values } = secretIndex(text);
  if (!values.length) return list;
  return list.map((d) => {
    const message = redactText(d.message, values);
    const hint = d.hint === undefined ? undefined : redactText(d.hint, values);
    if (message === d.message && hint === d.hint) return d;
    return { ...d, message, ...(hint !== undefined ? { hint } : {}) };
  });
}

// --- generated files -------------------------------------------------------------------------------------------

/**
 * A value that is only a reference to be resolved by the platform (`${db.DATABASE_URL}`, compose's `${NAME}`), an
 * expression a CI resolves from its secret store (`${{ secrets.NAME }}`), or an encrypted blob. Only a bare name
 * or a dotted path counts: `${NAME:-fallback}`, `${NAME+word}` (compose and shell defaults) and `${{ 'text' }}` or
 * `${{ secrets.X || 'text' }}` carry their text into the running app, and a platform that does not evaluate them
 * keeps the whole string.
 */
export function isReference(v: string): boolean {
  const t = v.trim();
  // `${component.NAME}`: a component may have a `-` in its name, a variable may not (`${X-word}` is a default).
  return /^\$\{(?:[A-Za-z0-9_][A-Za-z0-9_-]*\.)*[A-Za-z_][A-Za-z0-9_]*\}$/.test(t) || /^\$\{\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}$/.test(t) || /^EV\[\d+:[^\]]+\]$/.test(t);
}

function hasValue(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  return typeof v === 'string' && v.trim() !== '' && !isReference(v);
}

/**
 * A YAML 1.1 merge key. YAML files are read with merges kept as this key, holding the merged maps themselves (an
 * alias is the anchored object, not a copy), so a file merging one fragment into thousands of maps is read in
 * linear time. Every key a merge brings in is scanned where its map is written; what a merge adds is a pair
 * spread over two maps (`name:` from the fragment, `value:` in the merging map), which `field` resolves.
 */
const MERGE = '<<';

/**
 * `o[key]` as YAML 1.1 merge keys make it: the map's own key, else the first merged map (in order, depth-first)
 * that has it. `seen` holds the maps already searched, so merges of merges (or a cycle) are searched once each.
 */
function field(o: Record<string, unknown>, key: string, seen = new Set<object>()): unknown {
  if (Object.hasOwn(o, key)) return o[key];
  if (seen.has(o) || !Object.hasOwn(o, MERGE)) return undefined;
  seen.add(o);
  const sources = o[MERGE];
  for (const src of Array.isArray(sources) ? sources : [sources]) {
    const map = asMap(src);
    const v = map && field(map, key, seen);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** `v` when it is a mapping (not a list, a date or a scalar). */
function asMap(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) ? (v as Record<string, unknown>) : undefined;
}

/** Secret names given a value anywhere in a data structure: `NAME: v`, `NAME: {value: v}`, `{key|name: NAME, value: v}`, `NAME=v`. */
function valuesInData(root: unknown, isSecret: (name: string) => boolean, found: Set<string>, values?: string[]): void {
  const add = (name: string, v: unknown) => {
    found.add(name);
    if (values && (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint')) values.push(String(v));
  };
  // An alias is the anchored object itself, so a shared map or list is scanned once: what it holds does not
  // depend on where it is used.
  const stack: unknown[] = [root];
  const scanned = new Set<object>();
  while (stack.length) {
    const n = stack.pop();
    if (typeof n === 'object' && n !== null) {
      if (scanned.has(n)) continue;
      scanned.add(n);
    }
    if (Array.isArray(n)) {
      for (const item of n) {
        if (typeof item === 'string') {
          const eq = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item);
          if (eq && isSecret(eq[1]!) && hasValue(eq[2])) add(eq[1]!, eq[2]);
        } else stack.push(item);
      }
    } else {
      const o = asMap(n);
      if (!o) continue;
      for (const k of ENTRY_NAME_KEYS) {
        const name = field(o, k);
        if (typeof name !== 'string' || !isSecret(name)) continue;
        const value = field(o, 'value');
        if (hasValue(value)) add(name, value);
      }
      for (const [k, v] of Object.entries(o)) {
        if (isSecret(k)) {
          const map = asMap(v);
          const inner = map ? field(map, 'value') : undefined;
          if (hasValue(v)) add(k, v);
          else if (hasValue(inner)) add(k, inner);
        }
        stack.push(v);
      }
    }
  }
}

/** Dockerfile `ENV NAME=value`, `ENV NAME value` and `ARG NAME=value` lines. */
function valuesInInstructions(text: string, isSecret: (name: string) => boolean, found: Set<string>, values?: string[]): void {
  const add = (name: string, v: string) => {
    found.add(name);
    values?.push(v);
  };
  for (const raw of text.replace(/\\\r?\n/g, ' ').split('\n')) {
    const m = /^\s*(ENV|ARG)\s+(.*)$/i.exec(raw);
    if (!m) continue;
    const args = m[2]!.trim();
    const pairs = [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)];
    if (pairs.length) {
      for (const p of pairs) if (isSecret(p[1]!) && hasValue(p[2]!.replace(/^["']|["']$/g, ''))) add(p[1]!, p[2]!.replace(/^["']|["']$/g, ''));
    } else {
      const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*)$/.exec(args);
      if (legacy && isSecret(legacy[1]!) && hasValue(legacy[2]!)) add(legacy[1]!, legacy[2]!);
    }
  }
}

/**
 * The secret names a generated file gives a value. `secret` names must never have one; a secret-looking name
 * must not either, unless the model holds it as a plain variable (`plain`).
 */
export function secretsWithValues(path: string, contents: string, secret: ReadonlySet<string>, plain: ReadonlySet<string>, written?: ReadonlySet<string>): string[] {
  const isSecret = (n: string) => secret.has(n) || (looksSecret(n) && !plain.has(n));
  const found = new Set<string>();
  scanFile(path, contents, isSecret, found);
  return [...found].filter((n) => secret.has(n) || !written || written.has(n)).sort();
}

/** YAML 1.1 as platforms read it, but with merge keys kept as `<<` (see MERGE). */
const YAML_SCAN = { version: '1.1', uniqueKeys: false, logLevel: 'silent', customTags: (tags: Tags) => tags.filter((t) => typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:merge') } as const;

/** Reads a file in its format (by its name) for values of secret names; as Dockerfile lines when it does not parse. */
function scanFile(path: string, contents: string, isSecret: (name: string) => boolean, found: Set<string>, values?: string[]): void {
  const lower = path.toLowerCase();
  try {
    if (lower.endsWith('.json')) valuesInData(JSON.parse(contents), isSecret, found, values);
    else if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
      for (const d of parseAllDocuments(contents, YAML_SCAN) as Document.Parsed[]) valuesInData(d.toJS({ maxAliasCount: -1 }), isSecret, found, values);
    } else if (lower.endsWith('.toml')) valuesInData(parseToml(contents), isSecret, found, values);
    else valuesInInstructions(contents, isSecret, found, values);
  } catch {
    // Not parsable as its format: the target's own conformance checks report that; read it as lines.
    valuesInInstructions(contents, isSecret, found, values);
  }
}

/**
 * A file's text with the value of every secret it holds replaced by `***`: the disk side of a `build --check` or
 * `diff`, where a committed file (edited by hand, or written by another tool) may give a secret a value. A secret is
 * a secret-looking name or one of `secret` (the spec's declared secrets).
 */
export function maskFileSecrets(path: string, contents: string, secret: ReadonlySet<string> = new Set()): string {
  const values: string[] = [];
  scanFile(path, contents, (n) => secret.has(n) || looksSecret(n), new Set(), values);
  const shown = [...new Set(values.map((v) => v.trim()))].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  return shown.length ? redactText(contents, shown) : contents;
}

/** `targets.<target>` of the base spec and of every environment overlay, with the path of each. */
function targetBlocks(data: unknown, target: string, env: string | null): { root: unknown; path: (string | number)[] }[] {
  const out: { root: unknown; path: (string | number)[] }[] = [];
  const add = (spec: unknown, prefix: (string | number)[]) => {
    if (isObject(spec) && isObject(spec.targets) && Object.hasOwn(spec.targets, target)) out.push({ root: spec.targets[target], path: [...prefix, 'targets', target] });
  };
  const envs = isObject(data) && isObject(data.environments) ? data.environments : {};
  // The selected environment's overlay first: what it sets is what this build wrote.
  if (env !== null && Object.hasOwn(envs, env)) add(envs[env], ['environments', env]);
  add(data, []);
  for (const name of Object.keys(envs)) if (name !== env) add(envs[name], ['environments', name]);
  return out;
}

/**
 * Where in the spec a secret's value for `target` was written: the deepest place under `targets.<target>` (of the
 * selected environment's overlay, the base spec, then the other overlays) that names it
 * (`overrides.env.SECRET_KEY`, `overrides.envs[2]`), else the first such block's `overrides`, else null.
 */
export function secretSource(data: unknown, target: string, name: string, env: string | null = null): (string | number)[] | null {
  const blocks = targetBlocks(data, target, env);
  const walk = (n: unknown, path: (string | number)[], depth: number): (string | number)[] | null => {
    if (depth > 64) return null;
    if (Array.isArray(n)) {
      for (let i = 0; i < n.length; i++) {
        const v = n[i];
        if (typeof v === 'string' && (v === name || v.startsWith(name + '='))) return [...path, i];
        const deeper = walk(v, [...path, i], depth + 1);
        if (deeper) return deeper;
      }
    } else if (isObject(n)) {
      for (const [k, v] of Object.entries(n)) {
        if (k === name) return [...path, k];
        if (v === name) return path;
        const deeper = walk(v, [...path, k], depth + 1);
        if (deeper) return deeper;
      }
    }
    return null;
  };
  for (const b of blocks) {
    const found = walk(b.root, b.path, 0);
    if (found) return found;
  }
  const first = blocks[0];
  if (!first) return null;
  return isObject(first.root) && Object.hasOwn(first.root, 'overrides') ? [...first.path, 'overrides'] : first.path;
}

/**
 * Names that the user's own text for a target mentions (`targets.<target>` of the base spec and every overlay:
 * options and overrides). A secret-looking name the target writes by itself (a local database password in
 * compose.yaml) is the target's business; one the spec put there is a secret written in deploy.yaml.
 */
export function namesWrittenFor(data: unknown, target: string): Set<string> {
  const out = new Set<string>();
  const walk = (n: unknown, depth: number) => {
    if (depth > 64) return;
    if (typeof n === 'string') {
      for (const m of n.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) out.add(m[0]);
    } else if (Array.isArray(n)) for (const v of n) walk(v, depth + 1);
    else if (isObject(n)) {
      for (const [k, v] of Object.entries(n)) {
        out.add(k);
        walk(v, depth + 1);
      }
    }
  };
  for (const b of targetBlocks(data, target, null)) walk(b.root, 0);
  return out;
}
