/** Schema validation: runs the precompiled validator and turns Ajv's errors into positioned diagnostics. */
import type { ErrorObject } from 'ajv';
import validateSpecData from '../generated/validate-spec.js';
import { closest, formatPath, show } from '../diagnostics.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Locator } from './locate.js';
import { allowedKeys, patternMessage, propertyNameSchema, schemaAt } from './schema-walk.js';

type Path = (string | number)[];

function pointerToPath(pointer: string, data: unknown): Path {
  if (!pointer) return [];
  const out: Path = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(cur) && /^\d+$/.test(part) ? Number(part) : part;
    out.push(key);
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key as string] : undefined;
  }
  return out;
}

function valueAt(data: unknown, path: Path): unknown {
  let cur = data;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[p] : undefined;
  return cur;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return 'a string';
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', object: 'a mapping', array: 'a list', null: 'empty' };

function typeWords(types: string | string[]): string {
  const list = (Array.isArray(types) ? types : [types]).map((t) => TYPE_WORDS[t] ?? t);
  return list.length === 1 ? list[0]! : list.slice(0, -1).join(', ') + ' or ' + list[list.length - 1];
}

function where(path: Path): string {
  return path.length ? formatPath(path) : 'the top level';
}

export function validateSchema(data: unknown, loc: Locator): Diagnostic[] {
  if (validateSpecData(data)) return [];
  const errors = (validateSpecData.errors ?? []) as ErrorObject[];
  const out: Diagnostic[] = [];
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  // Branch mismatches at an anyOf location: kept aside, reported only if no branch got further.
  const branchMismatch = new Map<string, ErrorObject[]>();
  const deeper = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'propertyNames') continue;
    if (anyOfPaths.has(e.instancePath) && (e.keyword === 'type' || e.keyword === 'enum') && !('propertyName' in e)) {
      const list = branchMismatch.get(e.instancePath) ?? [];
      list.push(e);
      branchMismatch.set(e.instancePath, list);
      continue;
    }
    for (const p of anyOfPaths) if (e.instancePath.startsWith(p + '/') || (e.instancePath === p)) deeper.add(p);
    out.push(toDiagnostic(loc, data, e));
  }
  for (const [ptr, list] of branchMismatch) {
    if (deeper.has(ptr)) continue;
    const path = pointerToPath(ptr, data);
    const value = valueAt(data, path);
    const accepted: string[] = [];
    for (const e of list) {
      if (e.keyword === 'type') accepted.push(typeWords(e.params.type as string | string[]));
      else accepted.push((e.params.allowedValues as unknown[]).map((v) => show(v)).join(' or '));
    }
    const p = loc.place(path, 'value');
    const s = schemaAt(path);
    out.push({ severity: 'error', code: 'schema/type', message: `${where(path)} must be ${accepted.join(' or ')}, not ${typeName(value)}`, hint: s?.description ? firstSentence(s.description) : 'Change the value to one of the accepted forms.', ...p, path });
  }
  // A wrong type explains everything else wrong with that value (`version: 16` is not "16"): report it alone.
  const typed = new Set(out.filter((d) => d.code === 'schema/type').map((d) => JSON.stringify(d.path)));
  const secondary = new Set(['schema/enum', 'schema/pattern', 'schema/format', 'schema/length', 'schema/range']);
  // One message per place and text.
  const seen = new Set<string>();
  return out.filter((d) => {
    if (secondary.has(d.code) && typed.has(JSON.stringify(d.path))) return false;
    const k = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function firstSentence(s: string): string {
  const m = /^(.*?[.!?])(\s|$)/s.exec(s);
  return (m ? m[1]! : s).replace(/\s+/g, ' ');
}

function toDiagnostic(loc: Locator, data: unknown, e: ErrorObject): Diagnostic {
  const path = pointerToPath(e.instancePath, data);
  const value = valueAt(data, path);
  const schema = schemaAt(path);
  const base = (code: string, message: string, hint: string, p: Path, at: 'key' | 'value' = 'value'): Diagnostic => ({
    severity: 'error',
    code,
    message,
    hint,
    ...loc.place(p, at),
    path: p,
  });
  const name = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (name !== undefined) {
    // A key that breaks a naming rule (propertyNames).
    const rule = propertyNameSchema(path);
    const what = path.length ? `key ${show(name)} in ${formatPath(path)}` : `key ${show(name)}`;
    const hint = rule?.patternErrorMessage ?? rule?.description ?? 'Rename the key.';
    const suggestion = suggestName(name, rule?.pattern);
    return base('schema/bad-name', `${what} is not a valid name`, suggestion ? `${hint} Try ${show(suggestion)}.` : hint, [...path, name], 'key');
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = e.params.additionalProperty as string;
      const allowed = allowedKeys(path);
      const guess = closest(key, allowed);
      const hint = guess ? `Did you mean ${show(guess)}?` : allowed.length ? `Expected one of: ${allowed.join(', ')}.` : 'Remove the key.';
      return base('schema/unknown-key', `unknown key ${show(key)} in ${where(path)}`, hint, [...path, key], 'key');
    }
    case 'required': {
      const key = e.params.missingProperty as string;
      const s = schemaAt([...path, key]);
      const example = exampleFor(key, s);
      return base('schema/missing-key', `missing required key ${show(key)} in ${where(path)}`, `Add \`${example}\`${s?.description ? ': ' + firstSentence(s.description) : '.'}`, path, 'key');
    }
    case 'type': {
      const want = typeWords(e.params.type as string | string[]);
      let hint = schema?.description ? firstSentence(schema.description) : `Write ${want} here.`;
      const raw = loc.sourceText(path);
      if ((e.params.type === 'string' || (Array.isArray(e.params.type) && e.params.type.includes('string'))) && raw !== undefined && typeof value !== 'object') {
        hint = `Quote the value to keep it as text: "${raw.replace(/"/g, '\\"')}".`;
      }
      return base('schema/type', `${where(path)} must be ${want}, not ${typeName(value)}${typeof value !== 'object' || value === null ? ` (${show(value)})` : ''}`, hint, path);
    }
    case 'enum':
    case 'const': {
      const allowed = (e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue]).map(String);
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      const list = allowed.length > 12 ? allowed.slice(0, 12).join(', ') + ', ...' : allowed.join(', ');
      return base('schema/enum', `${where(path)} is ${show(value)}; expected one of: ${list}`, guess ? `Did you mean ${show(guess)}?` : `Use one of: ${list}.`, path);
    }
    case 'pattern':
      return base('schema/pattern', `${where(path)} ${show(value)} is not valid`, patternMessage(path, e.params.pattern as string) ?? (schema?.description ? firstSentence(schema.description) : `It must match ${e.params.pattern}.`), path);
    case 'format':
      return base('schema/format', `${where(path)} ${show(value)} is not a valid ${e.params.format}`, schema?.description ? firstSentence(schema.description) : `Write a valid ${e.params.format}.`, path);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[e.keyword];
      return base('schema/range', `${where(path)} is ${show(value)}; it must be ${op} ${e.params.limit}`, schema?.description ? firstSentence(schema.description) : 'Change the number.', path);
    }
    case 'minLength':
      return base('schema/length', `${where(path)} must not be empty`, schema?.description ? firstSentence(schema.description) : 'Give it a value.', path);
    case 'maxLength':
      return base('schema/length', `${where(path)} is longer than ${e.params.limit} characters`, 'Shorten it.', path);
    case 'uniqueItems': {
      const j = Math.max(e.params.i as number, e.params.j as number);
      return base('schema/duplicate-item', `${where(path)} lists ${show((value as unknown[])[j])} twice`, 'Remove the repeated entry.', [...path, j]);
    }
    case 'minItems':
    case 'maxItems':
      return base('schema/length', `${where(path)} must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${e.params.limit} entries`, 'Change the number of entries.', path);
    default:
      return base(`schema/${e.keyword}`, `${where(path)} is not valid (${e.keyword})`, schema?.description ? firstSentence(schema.description) : 'See the schema for the accepted values.', path);
  }
}

function exampleFor(key: string, s: ReturnType<typeof schemaAt>): string {
  if (!s) return `${key}: ...`;
  if (s.default !== undefined && typeof s.default !== 'object') return `${key}: ${String(s.default)}`;
  const ex = (s as { examples?: unknown[] }).examples?.[0];
  if (ex !== undefined && typeof ex !== 'object') return `${key}: ${String(ex)}`;
  if (s.enum?.length) return `${key}: ${String(s.enum[0])}`;
  return `${key}: ...`;
}

/** A name that fits a pattern, derived from a bad one: `Web_Worker` → `web-worker`, `api_key` → `API_KEY`. */
function suggestName(name: string, pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  const re = new RegExp(pattern);
  const candidates = [
    name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-'),
    name.toUpperCase().replace(/[^A-Z0-9_]+/g, '_').replace(/^[^A-Z]+/, ''),
  ];
  return candidates.find((c) => c && c !== name && re.test(c));
}
