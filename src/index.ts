/**
 * Public API: the pure compiler, usable without the CLI.
 *
 * ```ts
 * import { compile } from 'deployspec';
 * const { files, diagnostics } = compile('deploy.yaml', text, { targets: ['django'] });
 * ```
 */
import { analyze as analyzeCore } from './analyze.js';
import type { Analysis, AnalyzeOptions } from './analyze.js';
import { compile as compileCore } from './compile.js';
import type { CompileResult } from './compile.js';
import { BUILTIN_TEMPLATES } from './generated/templates.js';
import type { ProjectFacts } from './model/normalize.js';
import type { TemplateCompiler, TemplateSources } from './render.js';
import type { AnyTarget } from './target.js';
import { TARGET_NAMES, TARGETS } from '../targets/index.js';
import type { TargetName } from '../targets/index.js';

export { capabilityFindings } from './compile.js';
export type { CompileResult } from './compile.js';
export type { Analysis, AnalyzeOptions } from './analyze.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { acknowledged, diagnosticsData, formatGithub, formatJson, formatSarif, formatText } from './format.js';
export type { DeployModel } from './model/model.js';
export { normalize } from './model/normalize.js';
export type { ProjectFacts } from './model/normalize.js';
export type { DeploySpec } from './spec/types.gen.js';
export type { AnyTarget, Capabilities, EmitContext, EmitResult, Feature, Importer, OutputFile, Support, Target, Unsupported } from './target.js';
export type { ProductKinds } from './products.js';
export { RUNTIME_ENV } from './contract.js';
export { TARGETS, TARGET_NAMES, listTargets, targetByName } from '../targets/index.js';
export type { TargetName } from '../targets/index.js';
export { BUILTIN_TEMPLATES } from './generated/templates.js';

/** Options of the library's `compile()`; every one is optional. */
export interface CompileOptions {
  /** The targets to build: names (`'django'`), target objects, or `'all'` (the default). */
  targets?: 'all' | readonly (TargetName | AnyTarget)[];
  /** An environment overlay to apply (`environments.<name>`), or null (the default) for the spec as written. */
  env?: string | null;
  /** Also return every environment's files beside production's, each with its `environment` set. */
  environments?: boolean;
  /** Answers "does this file exist beside deploy.yaml?" (default: nothing exists). */
  facts?: ProjectFacts;
  /** Every registered target, whose rules run and whose offers are available (default: all built-in targets). */
  registry?: readonly AnyTarget[];
  /** Template sources by `<target>/<file>.hbs` (default: the built-in templates). */
  templates?: TemplateSources;
  /** Compiles templates that differ from the built-ins (e.g. Handlebars' `compile`); needed only then. */
  compileTemplate?: TemplateCompiler;
}

function fail(message: string): never {
  throw new TypeError(`deployspec.compile: ${message}`);
}

function resolveTargets(list: CompileOptions['targets'], registry: readonly AnyTarget[]): AnyTarget[] {
  if (list === undefined || list === 'all') return [...registry];
  if (!Array.isArray(list)) fail(`options.targets must be 'all' or a list of target names (${TARGET_NAMES.join(', ')}), not ${typeof list}`);
  return list.map((t, i) => {
    if (typeof t === 'string') {
      const found = registry.find((r) => r.name === t);
      if (!found) fail(`unknown target ${JSON.stringify(t)} in options.targets; choose from: ${registry.map((r) => r.name).join(', ')}`);
      return found;
    }
    if (!t || typeof t !== 'object' || typeof (t as AnyTarget).emit !== 'function' || typeof (t as AnyTarget).name !== 'string') fail(`options.targets[${i}] is neither a target name nor a Target object`);
    return t as AnyTarget;
  });
}

/**
 * Compiles a deploy.yaml into every requested target's files, in memory; writes nothing.
 *
 * @param file  the name diagnostics show (`deploy.yaml`)
 * @param input the spec's text or bytes
 * @returns `files` (path, contents, target; empty when there are errors), `diagnostics` (errors, warnings and
 *   notes at file:line:col), `model` and `environments`.
 * @throws TypeError when the call itself is wrong (an unknown target name, a non-text input); a wrong spec is
 *   never thrown, it is reported in `diagnostics`.
 */
export function compile(file: string, input: string | Uint8Array, options: CompileOptions = {}): CompileResult {
  if (typeof file !== 'string') fail('the first argument is the file name diagnostics show, e.g. "deploy.yaml"');
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) fail('the second argument is the spec as a string or a Uint8Array');
  const registry = options.registry ?? TARGETS;
  const targets = resolveTargets(options.targets, registry);
  const templates = options.templates ?? BUILTIN_TEMPLATES;
  if (!options.compileTemplate && Object.entries(templates).some(([k, v]) => BUILTIN_TEMPLATES[k] !== v)) {
    fail('options.templates differ from the built-in templates, so options.compileTemplate is needed (e.g. Handlebars.compile)');
  }
  return compileCore(file, input, { env: options.env ?? null, environments: options.environments, facts: options.facts, targets, registry, templates, compileTemplate: options.compileTemplate });
}

/** Loads, validates (schema and rules, every environment) and normalizes a spec; emits nothing. */
export function analyze(file: string, input: string | Uint8Array, options: AnalyzeOptions = {}): Analysis {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) fail('the second argument is the spec as a string or a Uint8Array');
  return analyzeCore(file, input, { ...options, targets: options.targets ?? TARGETS });
}
