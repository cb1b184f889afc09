/**
 * Test-only proof of the GitHub Actions output: the workflow parses as YAML 1.2, validates against SchemaStore's
 * github-workflow schema (test/conformance/schemas/github-workflow.schema.json) and is accepted, with no error, by
 * GitHub's own parser (@actions/workflow-parser). Beyond both: every `run:` passes shellcheck, every action is pinned
 * to a released version, secrets appear only as `${{ secrets.NAME }}` expressions in `env:`, every deploy job has a
 * concurrency group that never cancels, and `needs` name jobs of the workflow.
 */
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { CompileResult } from '../../src/compile.js';
import { shellcheck, shellcheckVersion, workflowParserErrors } from '../../test/helpers/ci.js';
import { WORKFLOW } from './github-actions.js';

export const unavailable: string | null = shellcheckVersion ? null : 'shellcheck is not installed (scripts/deps/10-debian.sh installs it)';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../test/conformance/schemas/github-workflow.schema.json', import.meta.url), 'utf8')));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const PINNED = /^[a-z0-9-]+\/[a-z0-9._-]+@v\d+\.\d+\.\d+$/;

/** Problems in one workflow text. */
export function checkWorkflow(path: string, text: string): string[] {
  const out: string[] = [];
  let wf: unknown;
  try {
    wf = parse(text, { version: '1.2', uniqueKeys: true });
  } catch (err) {
    return [`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  if (!validate(wf)) out.push(...(validate.errors ?? []).map((e) => `${path}: schema: ${e.instancePath || '/'} ${e.message}`));
  out.push(...workflowParserErrors(path, text).map((e) => `${path}: workflow-parser: ${e}`));
  if (!isObj(wf) || !isObj(wf.jobs)) return [...out, `${path}: no jobs`];
  const scripts: { name: string; script: string }[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    if (!isObj(job)) continue;
    for (const n of Array.isArray(job.needs) ? job.needs : []) if (!(n in wf.jobs)) out.push(`${path}: ${id} needs unknown job ${String(n)}`);
    if (id.startsWith('deploy-')) {
      const c = job.concurrency;
      if (!isObj(c) || typeof c.group !== 'string' || c['cancel-in-progress'] !== false) out.push(`${path}: ${id} has no non-cancelling concurrency group`);
      if (typeof job.environment !== 'string') out.push(`${path}: ${id} names no environment`);
    }
    for (const [i, s] of (Array.isArray(job.steps) ? job.steps : []).entries()) {
      if (!isObj(s)) continue;
      if (typeof s.uses === 'string' && !PINNED.test(s.uses)) out.push(`${path}: ${id} step ${i} uses ${s.uses}, not a pinned release`);
      if (typeof s.run === 'string') {
        if (s.run.includes('${{')) out.push(`${path}: ${id} step ${i} puts an expression into its script (pass it through env:)`);
        scripts.push({ name: `${path} ${id} step ${i}`, script: s.run });
      }
      for (const [k, v] of Object.entries(isObj(s.env) ? s.env : {})) {
        if (typeof v === 'string' && v.includes('secrets.') && v !== `\${{ secrets.${k} }}`) out.push(`${path}: ${id} env ${k} is not the secret of its own name`);
      }
    }
  }
  out.push(...shellcheck(scripts));
  return out;
}

export function conformance(result: CompileResult): string[] {
  const file = result.files.find((f) => f.path === WORKFLOW);
  if (!file) return [`${WORKFLOW} is missing`];
  return checkWorkflow(file.path, file.contents);
}
