/**
 * The front end, pure over data: load → schema → rules (base and every environment) → normalize.
 * Stops after the first stage that reports errors. No file IO here.
 */
import type { Diagnostic } from './diagnostics.js';
import { hasErrors, show, sortDiagnostics } from './diagnostics.js';
import type { DeployModel } from './model/model.js';
import { NO_FACTS, normalize } from './model/normalize.js';
import type { ProjectFacts } from './model/normalize.js';
import type { Finding } from './spec/finding.js';
import { loadSpec } from './spec/load.js';
import type { LoadedSpec } from './spec/load.js';
import { createLocator } from './spec/locate.js';
import { declaredSecretNames, redactDiagnostics, SECRET_NAME } from './spec/secrets.js';
import type { Locator } from './spec/locate.js';
import { applyEnvironment, environmentNames } from './spec/merge.js';
import { checkRules } from './spec/rules.js';
import type { DeploySpec } from './spec/types.gen.js';
import type { AnyTarget } from './target.js';
import { validateSchema } from './spec/validate.js';

export interface AnalyzeOptions {
  /** Environment overlay to apply (`--env`), or null for the base spec. */
  env?: string | null;
  facts?: ProjectFacts;
  /** Targets whose own rules run too (the registry). */
  targets?: readonly AnyTarget[];
}

export interface Analysis {
  loaded: LoadedSpec;
  /** Environments the spec defines. */
  environments: string[];
  /** The model for the selected environment, when there are no errors. */
  model: DeployModel | null;
  diagnostics: Diagnostic[];
}

export function placeFinding(f: Finding, loc: Locator): Diagnostic {
  const { path, at, ...rest } = f;
  const d: Diagnostic = { ...rest, ...loc.place(path, at ?? 'value'), path };
  if (!d.hint) delete d.hint;
  if (!d.target) delete d.target;
  return d;
}

export function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}:${d.line}:${d.col}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The most work one spec may ask for: every environment (and the base spec) is compiled with each of its processes
 * and jobs for every target, so time and memory grow with their product. 10,000 keeps a validate within seconds
 * and its memory under a few hundred MiB, and leaves room for 5,000 processes alone or 1,000 environments of a few
 * processes each.
 */
export const MAX_COMPILE_UNITS = 10_000;

/** The compile units of a spec: for the base and each environment, one plus its processes and jobs after the overlay. */
function compileSize(data: Record<string, unknown>, environments: string[]): { units: number; widest: number } {
  const names = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : []);
  const base = new Set([...names(data.processes).map((n) => `p:${n}`), ...names(data.jobs).map((n) => `j:${n}`)]);
  let units = 1 + base.size;
  let widest = base.size;
  const overlays = (typeof data.environments === 'object' && data.environments !== null ? data.environments : {}) as Record<string, unknown>;
  for (const e of environments) {
    const o = (Object.hasOwn(overlays, e) ? overlays[e] : {}) as Record<string, unknown>;
    const added = [...names(o?.processes).map((n) => `p:${n}`), ...names(o?.jobs).map((n) => `j:${n}`)].filter((k) => !base.has(k)).length;
    units += 1 + base.size + added;
    widest = Math.max(widest, base.size + added);
  }
  return { units, widest };
}

/** Load, validate and normalize. Validates the base spec and every environment, so one bad overlay fails them all. */
export function analyze(file: string, input: string | Uint8Array, opts: AnalyzeOptions = {}): Analysis {
  const loaded = loadSpec(file, input);
  const env = opts.env ?? null;
  const result = (diagnostics: Diagnostic[], environments: string[] = [], model: DeployModel | null = null): Analysis => ({
    loaded,
    environments,
    model,
    // One place removes the spec's secrets from every message and hint, whichever stage wrote them.
    diagnostics: redactDiagnostics(sortDiagnostics(dedupe(diagnostics)), loaded.text),
  });
  if (hasErrors(loaded.diagnostics)) return result(loaded.diagnostics);
  const data = loaded.data as Record<string, unknown>;
  const baseLoc = createLocator(loaded);
  const diagnostics = [...loaded.diagnostics, ...validateSchema(data, baseLoc)];
  if (hasErrors(diagnostics)) return result(diagnostics);

  const environments = environmentNames(data);
  if (env !== null && !environments.includes(env)) {
    const where = baseLoc.place(environments.length ? ['environments'] : [], 'key');
    diagnostics.push({
      severity: 'error',
      code: 'env/unknown',
      message: `unknown environment ${show(env)}`,
      hint: environments.length ? `Defined environments: ${environments.join(', ')}.` : `Add \`environments: {${env}: {...}}\` to deploy.yaml, or build without --env.`,
      ...where,
    });
    return result(diagnostics, environments);
  }
  const size = compileSize(data, environments);
  if (size.units > MAX_COMPILE_UNITS) {
    const where = baseLoc.place(environments.length ? ['environments'] : ['processes'], 'key');
    diagnostics.push({
      severity: 'error',
      code: 'spec/too-large',
      message: `the spec needs ${size.units.toLocaleString('en-US')} process compiles (up to ${size.widest.toLocaleString('en-US')} processes and jobs in each of ${(environments.length + 1).toLocaleString('en-US')} builds: the base spec and ${environments.length.toLocaleString('en-US')} environments); deployspec compiles at most ${MAX_COMPILE_UNITS.toLocaleString('en-US')}`,
      hint: 'Split the environments or the processes over several spec files (`deployspec build other.yaml`): every environment is compiled with every process for every target.',
      ...where,
    });
    return result(diagnostics, environments);
  }
  // Findings already reported, keyed like dedupe(): a Set keeps this linear in the number of environments.
  const seen = new Set(diagnostics.map((b) => `${b.line}:${b.col}:${b.message}`));
  for (const name of [null, ...environments]) {
    const view = applyEnvironment(data, name);
    const loc = createLocator(loaded, name);
    // No second schema pass for an environment: each overlay was validated in place against the same
    // definitions, and merging valid mappings into valid mappings cannot remove a required key.
    const found: Diagnostic[] = [];
      found.push(...checkRules(view as unknown as DeploySpec).map((f) => placeFinding(f, loc)));
      for (const t of opts.targets ?? []) found.push(...(t.rules?.(view as unknown as DeploySpec) ?? []).map((f) => placeFinding(f, loc)));
      found.push(...retypedValues(view as unknown as DeploySpec, loc).map((f) => placeFinding(f, loc)));
    for (const d of found) {
      if (name !== null && !seen.has(`${d.line}:${d.col}:${d.message}`)) {
        d.message += ` (in environment "${name}")`;
      }
      seen.add(`${d.line}:${d.col}:${d.message}`);
      diagnostics.push(d);
    }
  }
  if (hasErrors(diagnostics)) return result(diagnostics, environments);
  const model = normalize(applyEnvironment(data, env) as unknown as DeploySpec, env, opts.facts ?? NO_FACTS);
  return result(diagnostics, environments, model);
}


/**
 * Env values written as YAML numbers or booleans become strings, but YAML has already changed their spelling:
 * `3.10` is read as 3.1, `1e3` as 1000, `True` as true. Warn, so the user quotes what they meant.
 */
function retypedValues(spec: DeploySpec, loc: Locator): Finding[] {
  const out: Finding[] = [];
  const secrets = declaredSecretNames(spec);
  for (const [name, raw] of Object.entries(spec.env ?? {})) {
    const isObj = typeof raw === 'object' && raw !== null;
    const value = isObj ? raw.value : raw;
    if (typeof value !== 'number' && typeof value !== 'boolean') continue;
    // A secret's value is an error of its own (rule/secret-literal); repeating its spelling would print it.
    if ((SECRET_NAME.test(name) || secrets.has(name)) && !(isObj && raw.secret === false)) continue;
    const path = isObj ? ['env', name, 'value'] : ['env', name];
    const written = loc.sourceText(path);
    if (written !== undefined && written !== String(value)) {
      out.push({ severity: 'warning', code: 'rule/retyped-value', message: `${name} is written ${written} but YAML reads it as ${String(value)}`, hint: `Quote it to keep it as written: "${written}".`, path });
    }
  }
  return out;
}
