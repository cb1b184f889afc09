/**
 * Writing YAML that every reader of the file reads back unchanged. Generated YAML is read by YAML 1.1 parsers
 * (PyYAML, docker-compose v1), by YAML 1.2 parsers (Go's yaml.v3 in docker compose v2, kubectl) and by the `yaml`
 * package. A string is written plain only when it reads back as the same string under both versions and is
 * not one of PyYAML's special plain scalars (`=` is its "value" tag and `<<` a merge key); otherwise it is
 * double-quoted. Every target that writes YAML goes through here.
 */
import { Document, isAlias, isPair, isScalar, parse, Scalar, stringify, visit } from 'yaml';
import type { CreateNodeOptions, DocumentOptions, ParseOptions, SchemaOptions, ToStringOptions } from 'yaml';

/**
 * Characters written only as `\u` escapes inside double quotes: the line breaks YAML 1.2 does not know (NEL, LINE
 * and PARAGRAPH SEPARATOR), and what YAML does not allow raw in a stream at all (DEL, the C1 controls, U+FFFE and
 * U+FFFF are outside its printable set): PyYAML and Go's yaml (kubectl, kustomize) refuse the whole file on one.
 * The `yaml` package escapes the C0 controls itself but writes these raw.
 */
const LINE_BREAKS = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/;
const LINE_BREAKS_G = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

/** Plain scalars that PyYAML resolves to something other than a string. */
const PYYAML_SPECIAL = new Set(['=', '<<']);
/** Number-like spellings some reader takes as a number (octal `0o17`, `0b101`, `1_000`, sexagesimal `1:30`). */
const NUMBERISH = /^[-+]?(\.?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0[xXoObB][0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.(inf|Inf|INF|nan|NaN|NAN))$/;

const cache = new Map<string, boolean>();

/**
 * Words that are plain strings for every reader without asking one: a letter or `_` first (so never a number, date,
 * `.inf` or indicator), then letters, digits, `_ . / - = @ $ % + ( )`, a `:` followed by another character (as
 * in `mysite.wsgi:application` or a URL) and single inner spaces (never `: `, ` #`, a quote or a flow character),
 * and not one of YAML 1.1's booleans, nulls or bare exponents. Most generated scalars (names, commands, paths, URLs)
 * are such words; the rest are read back by the parsers below. A test holds this to the parsers' verdict.
 */
const SIMPLE_WORD = /^[A-Za-z_](?:[A-Za-z0-9_./=@$%+()-]|:(?=[^\s:])| (?! ))*$/;
// `e5` and `E-3` too: the `yaml` package's YAML 1.1 float pattern reads an exponent alone as a number.
const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|[eE]-?[0-9]+)$/;

/** Whether `s`, written as a plain scalar (value or key), is read back as the same string by every reader. */
export function plainReadsBack(s: string): boolean {
  if (SIMPLE_WORD.test(s) && !s.endsWith(' ') && !YAML11_WORDS.test(s)) return true;
  return plainReadsBackByParsing(s);
}

/** plainReadsBack, decided by parsing `s` as a value and as a key with YAML 1.1 and 1.2 readers. */
export function plainReadsBackByParsing(s: string): boolean {
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  // PyYAML also refuses a tab inside a plain scalar ("found character '\t' that cannot start any token").
  let ok = s !== '' && !PYYAML_SPECIAL.has(s) && !NUMBERISH.test(s) && !/[\t\u007f-\u009f\u2028\u2029\ud800-\udfff\ufffe\uffff]/.test(s);
  for (const version of ['1.1', '1.2'] as const) {
    if (!ok) break;
    try {
      const value = parse(`k: ${s}\n`, { version, uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
      const key = parse(`${s}: v\n`, { version, uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
      ok = isRecord(value) && Object.keys(value).length === 1 && value.k === s && isRecord(key) && Object.keys(key).length === 1 && Object.hasOwn(key, s) && key[s] === 'v';
    } catch {
      ok = false;
    }
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(s, ok);
  return ok;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether the `yaml` package would write `s` as a plain scalar in a YAML 1.1 document. */
function writtenPlain(s: string): boolean {
  const out = stringify(s, { version: '1.1', lineWidth: 0 });
  return !/^["'|>]/.test(out);
}

const styleCache = new Map<string, boolean>();

/** Whether the style the `yaml` package picks for `s` (quoted or block) reads back as `s`, as value and key, in 1.1 and 1.2. */
function chosenStyleReadsBack(s: string): boolean {
  const hit = styleCache.get(s);
  if (hit !== undefined) return hit;
  let ok = true;
  try {
    const text = stringify({ k: s, list: [s], [s]: 'v' }, { version: '1.1', lineWidth: 0 });
    for (const version of ['1.1', '1.2'] as const) {
      const back = parse(text, { version, uniqueKeys: false, prettyErrors: false, logLevel: 'silent' }) as Record<string, unknown>;
      ok &&= isRecord(back) && back.k === s && Array.isArray(back.list) && back.list[0] === s && Object.hasOwn(back, s) && back[s] === 'v';
    }
  } catch {
    ok = false;
  }
  if (styleCache.size > 10_000) styleCache.clear();
  styleCache.set(s, ok);
  return ok;
}

/**
 * Double-quotes every string scalar of `doc` (values and keys) that some reader would not read back as written.
 * A `<<` key whose value is an alias is a deliberate merge key and stays plain.
 */
export function quoteForAllReaders(doc: Document): void {
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<' && isAlias(pair.value)) return visit.SKIP;
      return undefined;
    },
    Scalar(key, node, path) {
      if (typeof node.value !== 'string') return;
      const parent = path[path.length - 1];
      if (key === 'key' && isPair(parent) && node.value === '<<' && isAlias(parent.value)) return;
      // Line breaks YAML 1.2 does not know and characters YAML does not print go in double quotes, escaped below.
      if (LINE_BREAKS.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
      else if (node.type === Scalar.PLAIN || node.type === undefined) {
        if (!plainReadsBack(node.value) && (writtenPlain(node.value) || !chosenStyleReadsBack(node.value))) node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
}

function withoutMerge(tags: Tags): Tags {
  return tags.filter((t) => (typeof t === 'string' ? t !== 'merge' : t.tag !== 'tag:yaml.org,2002:merge'));
}
type Tags = Extract<NonNullable<SchemaOptions['customTags']>, unknown[]>;

export type YamlOutOptions = DocumentOptions & SchemaOptions & ParseOptions & CreateNodeOptions;

/** Options every generated YAML file shares: YAML 1.1 quoting (a superset of what 1.2 needs), no folding. */
export const YAML_OUT: YamlOutOptions & ToStringOptions = { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, indentSeq: true };

/** A YAML document of `value` with the safe quoting applied; set comments on it, then call `toString()`. */
export function yamlDocument(value: unknown, options: YamlOutOptions = {}): Document {
  // Without the merge type in the schema: with it, the string "<<" is written as a bare merge key. A `<<` key
  // whose value is an alias (compose's `<<: *app1`) is still written plain, as the merge it is meant to be.
  const doc = new Document(value, { ...YAML_OUT, ...options, merge: false, customTags: withoutMerge });
  quoteForAllReaders(doc);
  // Its text escapes the line breaks YAML 1.2 does not know, whoever calls toString() (see yamlText).
  const plainText = doc.toString.bind(doc);
  doc.toString = (opts?: ToStringOptions) => escapeLineBreaks(plainText({ ...YAML_OUT, ...opts }));
  return doc;
}

function escapeLineBreaks(text: string): string {
  return text.replace(LINE_BREAKS_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `value` as YAML text that every reader reads back unchanged (see the module comment). */
export function toYaml(value: unknown, options: YamlOutOptions & ToStringOptions = {}): string {
  const all = { ...YAML_OUT, ...options };
  return yamlText(yamlDocument(value, all), all);
}

/**
 * The text of a document made by `yamlDocument`. NEL, LINE and PARAGRAPH SEPARATOR, DEL, the C1 controls, U+FFFE
 * and U+FFFF are written as escapes: raw, PyYAML folds the line breaks into a space even inside double quotes, and
 * PyYAML and Go's yaml refuse the rest. In a scalar they only occur inside double quotes (quoteForAllReaders puts
 * them there), where escapes are valid; in a comment the escape is text.
 */
export function yamlText(doc: Document, options: ToStringOptions = {}): string {
  return escapeLineBreaks(doc.toString({ ...YAML_OUT, ...options }));
}
