/** The back end: analysis → capability checks → emit, in memory. Pure: returns files, writes nothing. */
import { analyze, dedupe, placeFinding } from './analyze.js';
import type { Analysis, AnalyzeOptions } from './analyze.js';
import { SETTINGS_MODULE_ENV } from './contract.js';
import { hasErrors, show, sortDiagnostics } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import type { DeployModel } from './model/model.js';
import { joinPath, NO_FACTS, normalize } from './model/normalize.js';
import type { ProductKinds } from './products.js';
import { createRenderer, renderFailure } from './render.js';
import { namesWrittenFor, redactDiagnostics, secretSource, secretsWithValues } from './spec/secrets.js';
import type { TemplateCompiler, TemplateSources } from './render.js';
import type { Finding } from './spec/finding.js';
import { createLocator } from './spec/locate.js';
import { applyEnvironment } from './spec/merge.js';
import type { DeploySpec } from './spec/types.gen.js';
import { checkOutputPaths } from './io/output-policy.js';
import { environmentFiles, watchEnvironments } from './environments.js';
import type { AnyTarget, Capabilities, EmitContext, Feature, OutputFile, Unsupported } from './target.js';

export interface CompileOptions extends AnalyzeOptions {
  /** The targets to build, in order. */
  targets: readonly AnyTarget[];
  /** Every registered target: their rules run and their offers are available (default: `targets`). */
  registry?: readonly AnyTarget[];
  /** Template sources by `<target>/<file>`; user overrides replace built-ins. */
  templates: TemplateSources;
  /** Needed only when `templates` holds overrides of the built-ins. */
  compileTemplate?: TemplateCompiler;
  /**
   * Also emit every environment's files beside production's (`.do/app.staging.yaml`), each marked with its
   * `environment` (see src/environments.ts). Off by default: then `env` picks the one model that is emitted.
   */
  environments?: boolean;
  /** The spec file's name in its folder (`myapp.yaml` when given by name): never an output path. */
  specFile?: string;
}

export interface CompileResult extends Analysis {
  files: OutputFile[];
}

/** Every feature of the model that a target's capabilities do not cover, as findings at the feature. */
export function capabilityFindings(model: DeployModel, target: AnyTarget): Finding[] {
  const out: Finding[] = [];
  const c: Capabilities = target.capabilities;
  const report = (feature: Feature, path: Finding['path'], subject: string) => {
    const support = c[feature];
    if (support === true) return;
    const s: Unsupported = support;
    out.push({
      severity: s.severity,
      code: `${target.name}/unsupported`,
      message: s.message(subject),
      hint: s.hint(subject),
      path,
      at: 'key',
      target: target.name,
    });
  };
  for (const j of model.jobs) report('cron', j.path, `job "${j.name}" (${j.schedule}: ${j.command})`);
  if (model.release) report('release', model.release.path, 'the release step');
  for (const p of model.processes) if (p.kind === 'worker') report('workers', p.path, `process "${p.name}"`);
  if (model.static.serve === 'static-site') report('staticSite', [...model.static.path, 'serve'], 'the static site');
  for (const v of model.env) if (v.kind === 'reference' && v.scope !== 'runtime') report('buildTimeResourceUrls', v.path, v.name);
  for (const v of model.env) if (v.kind === 'generated') report('generatedSecrets', v.path, v.name);
  return out;
}

/** The emit context of one target: its templates, and the offers of every registered target. */
function emitContext(
  target: AnyTarget,
  model: DeployModel,
  registry: readonly AnyTarget[],
  render: (name: string, view: object) => string,
  envs: Pick<EmitContext, 'environments' | 'modelFor'>,
): EmitContext {
  const optionsOf = new Map<AnyTarget, unknown>();
  const options = (t: AnyTarget) => {
    if (!optionsOf.has(t)) optionsOf.set(t, t.options(model.targets[t.name], model));
    return optionsOf.get(t);
  };
  const offer = <K extends keyof ProductKinds>(t: AnyTarget, kind: K): ProductKinds[K] | null => {
    const make = t.offers?.[kind] as ((m: DeployModel, o: unknown) => ProductKinds[K]) | undefined;
    return make ? make(model, options(t)) : null;
  };
  return {
    render: (name, view) => render(`${target.name}/${name}`, view),
    product(kind) {
      for (const t of registry) {
        const p = offer(t, kind);
        if (p !== null) return p;
      }
      return null;
    },
    products(kind) {
      return registry.map((t) => offer(t, kind)).filter((p) => p !== null);
    },
    ...envs,
  };
}

/**
 * The app runs with the settings module a registered target offers (see SettingsProduct.module): every platform
 * file sets DJANGO_SETTINGS_MODULE to it. Without such an offer the project's own settings module stays.
 */
function withSettingsModule(model: DeployModel, registry: readonly AnyTarget[]): DeployModel {
  for (const t of registry) {
    const make = t.offers?.settings;
    if (!make) continue;
    const module = make(model, t.options(model.targets[t.name], model)).module;
    if (!module) return model;
    return { ...model, env: model.env.map((v) => (v.name === SETTINGS_MODULE_ENV && v.kind === 'plain' ? { ...v, value: module } : v)) };
  }
  return model;
}

/** Compile to every requested target in memory. Files are returned only when nothing failed. */
export function compile(file: string, input: string | Uint8Array, opts: CompileOptions): CompileResult {
  const registry = opts.registry ?? opts.targets;
  const analysis = analyze(file, input, { ...opts, targets: registry });
  if (!analysis.model) return { ...analysis, files: [] };
  const model = withSettingsModule(analysis.model, registry);
  const loc = createLocator(analysis.loaded, opts.env ?? null);
  const render = createRenderer(opts.templates, opts.compileTemplate);
  const diagnostics: Diagnostic[] = [...analysis.diagnostics];
  const files: OutputFile[] = [];
  const owner = new Map<string, string>();
  const data = analysis.loaded.data as Record<string, unknown>;
  const models = new Map<string, DeployModel>();
  const envs: Pick<EmitContext, 'environments' | 'modelFor'> = {
    environments: analysis.environments,
    modelFor(name) {
      if (!analysis.environments.includes(name)) throw new Error(`unknown environment ${show(name)}`);
      let m = models.get(name);
      if (!m)
        models.set(name, (m = withSettingsModule(normalize(applyEnvironment(data, name) as unknown as DeploySpec, name, opts.facts ?? NO_FACTS), registry)));
      return m;
    },
  };
  // Secrets of the selected model and of every environment's (targets may write every environment's files).
  const everyModel = [model, ...analysis.environments.filter((e) => e !== (opts.env ?? null)).map((e) => envs.modelFor(e))];
  const secretNames = new Set(everyModel.flatMap((m) => m.env.filter((v) => v.kind === 'secret' || v.kind === 'generated').map((v) => v.name)));
  const plainNames = new Set(model.env.filter((v) => v.kind === 'plain' && !secretNames.has(v.name)).map((v) => v.name));
  const selfModelled = new Set<string>();
  for (const target of opts.targets) {
    const findings = capabilityFindings(model, target);
    const where = () => loc.place(target.outputPathOption ?? [], 'value');
    let emitted: ReturnType<AnyTarget['emit']>;
    try {
      emitted = target.emit(
        model,
        target.options(model.targets[target.name], model),
        watchEnvironments(emitContext(target, model, registry, render, envs), () => selfModelled.add(target.name)),
      );
    } catch (err) {
      diagnostics.push(renderFailure(err, file, target.name));
      continue;
    }
    findings.push(...emitted.findings.map((f) => ({ ...f, target: target.name })));
    diagnostics.push(...findings.map((f) => placeFinding(f, loc)));
    for (const f of emitted.files) {
      const path = joinPath(f.path);
      // One output-path policy (src/io/output-policy.ts): outside, reserved, sensitive and undeclared dot paths.
      const refused = checkOutputPaths([{ path: f.path, target: target.name }], { [target.name]: target.outputs }, opts.specFile ? [opts.specFile] : [])[0];
      if (refused || path.startsWith('..') || path === '.') {
        diagnostics.push({
          severity: 'error',
          code: refused?.code ?? 'output/outside-project',
          message: refused?.message ?? `${target.name} output path ${show(f.path)} leaves the project folder`,
          hint: refused?.hint ?? 'Use a path inside the project, without `..`.',
          ...where(),
          target: target.name,
        });
        continue;
      }
      const prior = owner.get(path);
      if (prior) {
        // A file two platforms read alike (an Aptfile) may come from both when they write the same bytes: it is
        // written once, by the first.
        const contents = f.contents.endsWith('\n') ? f.contents : f.contents + '\n';
        if (files.find((o) => o.path === path)?.contents === contents) continue;
        diagnostics.push({
          severity: 'error',
          code: 'output/conflict',
          message: `${target.name} and ${prior} both write ${path}, with different contents`,
          hint: `Make ${prior} and ${target.name} write the same ${path}: give them the same options under targets:.`,
          ...where(),
          target: target.name,
        });
        continue;
      }
      owner.set(path, target.name);
      // No generated file gives a secret a value, whichever option (overrides, a template) put it there.
      for (const name of secretsWithValues(path, f.contents, secretNames, plainNames, namesWrittenFor(data, target.name))) {
        const at = secretSource(data, target.name, name, opts.env ?? null) ?? model.env.find((v) => v.name === name)?.path ?? [];
        diagnostics.push({
          severity: 'error',
          code: 'output/secret-value',
          message: `${target.name} would write a value for ${name} into ${path}, but ${name} is a secret`,
          hint: `Remove the value for ${name} from targets.${target.name}; set the secret on the platform instead.`,
          ...loc.place(at, 'key'),
          path: at,
          target: target.name,
        });
      }
      files.push({ path, contents: f.contents.endsWith('\n') ? f.contents : f.contents + '\n', target: target.name });
    }
  }
  if (opts.environments && analysis.environments.length && !hasErrors(diagnostics)) {
    const noEnvs = { environments: [], modelFor: envs.modelFor };
    const side = environmentFiles({
      targets: opts.targets,
      environments: analysis.environments,
      files,
      selfModelled,
      modelFor: envs.modelFor,
      context: (t, m) => emitContext(t, m, registry, render, noEnvs),
      normalizePath: joinPath,
    });
    diagnostics.push(...side.findings.map((f) => placeFinding(f, loc)));
    files.push(...side.files);
  }
  const sorted = redactDiagnostics(sortDiagnostics(dedupe(diagnostics)), analysis.loaded.text);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ...analysis, model, diagnostics: sorted, files: hasErrors(sorted) ? [] : files };
}
