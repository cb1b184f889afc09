/**
 * Test-only: what Render's own published Blueprint schema (render.com/schema/render.yaml.json, not vendored: its
 * license is unknown; see test/conformance/SOURCES.md) and the rules Render's docs state beyond it (check.ts) find
 * in the render.yaml of a build. Read as YAML 1.1 too, so no value changes type under an older parser.
 */
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { CompileResult } from '../../src/compile.js';
import { unvendored } from '../../test/helpers/spec.js';
import { checkBlueprint } from './check.js';

const SCHEMA = unvendored('schemas/render-blueprint.schema.json');

export const unavailable: string | null = SCHEMA ? null : "Render's Blueprint schema is not in ../shared/conformance/schemas/ (not vendored: unknown license)";

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;
type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
let compiled: Validator | null = null;

/** Problems Render's published schema finds in a parsed Blueprint. */
export function schemaErrors(doc: unknown): string[] {
  if (!SCHEMA) return [];
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strictTypes: false });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8'))) as Validator;
  }
  const validate = compiled;
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export function conformance(result: CompileResult): string[] {
  const out: string[] = [];
  for (const f of result.files) {
    const doc = parse(f.contents);
    const old = parse(f.contents, { version: '1.1' });
    if (JSON.stringify(doc) !== JSON.stringify(old)) out.push(`${f.path}: reads differently as YAML 1.1`);
    out.push(...schemaErrors(doc).map((e) => `${f.path}: schema: ${e}`), ...checkBlueprint(doc).map((e) => `${f.path}: ${e}`));
  }
  return out;
}
