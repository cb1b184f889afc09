/**
 * Test-only proof of the CircleCI output: the config parses as YAML (merge keys on, as CircleCI reads it),
 * validates against CircleCI's own config schema (test/conformance/schemas/circleci-config.schema.json), and passes
 * what that schema leaves open: every step is one CircleCI knows (the schema accepts `- chekout`), every
 * `run.command` passes shellcheck, every workflow job is defined and requires only jobs listed before it, no
 * `<<` is left unescaped in a script (CircleCI would read it as a parameter), and every deploy job is in a serial group.
 */
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { CompileResult } from '../../src/compile.js';
import { shellcheck, shellcheckVersion } from '../../test/helpers/ci.js';
import { CONFIG, STEP_NAMES } from './circleci.js';

export const unavailable: string | null = shellcheckVersion ? null : 'shellcheck is not installed (scripts/deps/10-debian.sh installs it)';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../test/conformance/schemas/circleci-config.schema.json', import.meta.url), 'utf8')));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const KNOWN = new Set<string>(STEP_NAMES);

/** A script as CircleCI hands it to the shell: `\<<` is its escape of a literal `<<`. */
const unescapeParams = (s: string) => s.replace(/\\<</g, '<<');

export function checkConfig(path: string, text: string): string[] {
  const out: string[] = [];
  let cfg: unknown;
  try {
    cfg = parse(text, { merge: true, uniqueKeys: true });
  } catch (err) {
    return [`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  if (!validate(cfg)) out.push(...(validate.errors ?? []).map((e) => `${path}: schema: ${e.instancePath || '/'} ${e.message}`));
  if (!isObj(cfg) || !isObj(cfg.jobs) || !isObj(cfg.workflows)) return [...out, `${path}: no jobs or workflows`];
  const scripts: { name: string; script: string }[] = [];
  for (const [id, job] of Object.entries(cfg.jobs)) {
    if (!isObj(job)) continue;
    for (const [i, s] of (Array.isArray(job.steps) ? job.steps : []).entries()) {
      const name = typeof s === 'string' ? s : isObj(s) && Object.keys(s).length === 1 ? Object.keys(s)[0]! : null;
      if (name === null || !KNOWN.has(name)) out.push(`${path}: ${id} step ${i} is not a known step (${JSON.stringify(s)})`);
      if (name === 'run' && isObj(s)) {
        const r = s.run;
        const command = typeof r === 'string' ? r : isObj(r) ? r.command : undefined;
        if (typeof command !== 'string') out.push(`${path}: ${id} step ${i} has no command`);
        else {
          if (/(^|[^\\])<</.test(command)) out.push(`${path}: ${id} step ${i} has an unescaped <<`);
          scripts.push({ name: `${path} ${id} step ${i}`, script: unescapeParams(command) });
        }
      }
    }
  }
  for (const [wname, wf] of Object.entries(cfg.workflows)) {
    if (!isObj(wf) || !Array.isArray(wf.jobs)) continue;
    const seen = new Set<string>();
    for (const entry of wf.jobs) {
      const [name, params] = typeof entry === 'string' ? [entry, {}] : isObj(entry) ? (Object.entries(entry)[0] as [string, unknown]) : ['?', {}];
      const p = isObj(params) ? params : {};
      if (p.type !== 'approval' && !(name in cfg.jobs)) out.push(`${path}: workflow ${wname} runs undefined job ${name}`);
      for (const r of Array.isArray(p.requires) ? p.requires : []) if (!seen.has(r as string)) out.push(`${path}: ${name} requires ${String(r)}, not listed before it`);
      if (name.startsWith('deploy-') && typeof p['serial-group'] !== 'string') out.push(`${path}: ${name} has no serial-group`);
      seen.add(name);
    }
  }
  out.push(...shellcheck(scripts));
  return out;
}

export function conformance(result: CompileResult): string[] {
  const file = result.files.find((f) => f.path === CONFIG);
  if (!file) return [`${CONFIG} is missing`];
  return checkConfig(file.path, file.contents);
}
