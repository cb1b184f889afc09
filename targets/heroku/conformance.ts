/**
 * Test-only proof of heroku.yml (the container stack): it validates against the schema derived from Heroku's
 * "Building Docker Images with heroku.yml" (test/conformance/schemas/heroku-yml.schema.json), and meets the
 * cross-reference rule that schema cannot express (test/conformance/SOURCES.md): `release.image` and every
 * `run.<process>.image` name a process of `build.docker`. The build's own model must come back: the release
 * command, every process but a default web (which keeps the image's CMD), and no Procfile beside it.
 */
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import type { CompileResult } from '../../src/compile.js';

export const unavailable: string | null = null;

const Ajv = AjvModule.default;
const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(new URL('../../test/conformance/schemas/heroku-yml.schema.json', import.meta.url), 'utf8')));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems in one parsed heroku.yml, by the schema and the cross-reference rule. */
export function checkHerokuYml(doc: unknown): string[] {
  const out: string[] = [];
  if (!validate(doc)) out.push(...(validate.errors ?? []).map((e) => `heroku.yml: ${e.instancePath || '/'} ${e.message}`));
  if (!isObj(doc)) return out;
  const built = new Set(Object.keys(isObj(doc.build) && isObj(doc.build.docker) ? doc.build.docker : {}));
  const ref = (image: unknown, where: string) => {
    if (image !== undefined && !built.has(image as string)) out.push(`heroku.yml: ${where} names image ${String(image)}, which build.docker does not build`);
  };
  if (isObj(doc.release)) ref(doc.release.image, 'release.image');
  for (const [p, r] of Object.entries(isObj(doc.run) ? doc.run : {})) if (isObj(r)) ref(r.image, `run.${p}.image`);
  return out;
}

export function conformance(result: CompileResult): string[] {
  const file = result.files.find((f) => f.path === 'heroku.yml');
  if (!file) return [];
  const out: string[] = [];
  if (result.files.some((f) => f.path === 'Procfile')) out.push('heroku.yml and a Procfile are both written');
  let doc: unknown;
  try {
    doc = parse(file.contents, { version: '1.1', uniqueKeys: true });
  } catch (err) {
    return [`heroku.yml: not valid YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  out.push(...checkHerokuYml(doc));
  const m = result.model;
  if (!m || !isObj(doc)) return out;
  const release = isObj(doc.release) ? doc.release : null;
  if (m.release && JSON.stringify(release?.command) !== JSON.stringify([m.release.command])) out.push('heroku.yml: release.command does not run the release command');
  if (!m.release && release) out.push('heroku.yml: a release without a release step');
  const run = isObj(doc.run) ? doc.run : {};
  for (const p of m.processes) {
    const r = run[p.name];
    const command = typeof r === 'string' ? r : isObj(r) && Array.isArray(r.command) ? r.command[0] : undefined;
    if (p.kind === 'web' && p.defaultCommand) {
      if (r !== undefined) out.push(`heroku.yml: run.${p.name} replaces the image's CMD`);
    } else if (command !== p.command) out.push(`heroku.yml: run.${p.name} does not run ${JSON.stringify(p.command)}`);
  }
  return out;
}
