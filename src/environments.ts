/**
 * Environments side by side: besides the production files, every environment's files, each at a path of its own,
 * so that building (or checking) one never overwrites another's. Pure; platform-free: where a file of an
 * environment goes is the target's decision (`Target.environmentPath`; `Target.environmentContents` makes it an
 * override of production's file), or the target writes every environment itself through `ctx.environments` /
 * `ctx.modelFor` (noticed when its emit reads them).
 */
import { show } from './diagnostics.js';
import type { DeployModel } from './model/model.js';
import { checkOutputPaths } from './io/output-policy.js';
import type { Finding } from './spec/finding.js';
import type { AnyTarget, EmitContext, OutputFile } from './target.js';

/** The context `ctx`, calling `onUse` when the target reads the environments (so it writes them itself). */
export function watchEnvironments(ctx: EmitContext, onUse: () => void): EmitContext {
  return new Proxy(ctx, {
    get(obj, key, receiver) {
      if (key === 'environments' || key === 'modelFor') onUse();
      return Reflect.get(obj, key, receiver);
    },
  });
}

/** The environment a file of a self-modelling target belongs to: a path part named after exactly one of them. */
function environmentOfPath(path: string, environments: readonly string[]): string | undefined {
  const parts = new Set(path.split(/[/.]/));
  const hits = environments.filter((e) => parts.has(e));
  return hits.length === 1 ? hits[0] : undefined;
}

export interface SideBySideInput {
  targets: readonly AnyTarget[];
  environments: readonly string[];
  /** Production's files, as emitted; files of self-modelling targets get their `environment` set in place. */
  files: OutputFile[];
  /** Targets whose emit read `ctx.environments` or `ctx.modelFor`. */
  selfModelled: ReadonlySet<string>;
  modelFor(env: string): DeployModel;
  /** The emit context of `target` for `model`, with no environments of its own. */
  context(target: AnyTarget, model: DeployModel): EmitContext;
  /** How a produced path is normalised (`./a//b` → `a/b`). */
  normalizePath(path: string): string;
}

export interface SideBySide {
  files: OutputFile[];
  findings: (Finding & { target: string })[];
}

/** Every environment's own files, and notes where an environment's difference has no file to go to. */
export function environmentFiles(input: SideBySideInput): SideBySide {
  const files: OutputFile[] = [];
  const findings: SideBySide['findings'] = [];
  const baseByPath = new Map(input.files.map((f) => [f.path, f]));
  for (const f of input.files) {
    if (!input.selfModelled.has(f.target)) continue;
    const env = environmentOfPath(f.path, input.environments);
    if (env !== undefined) f.environment = env;
  }
  for (const env of input.environments) {
    const model = input.modelFor(env);
    for (const target of input.targets) {
      if (input.selfModelled.has(target.name)) continue;
      let emitted: ReturnType<AnyTarget['emit']>;
      try {
        emitted = target.emit(model, target.options(model.targets[target.name], model), input.context(target, model));
      } catch {
        continue; // production's emit of the same target reported the failure already
      }
      for (const e of emitted.findings) if (e.severity === 'error') findings.push({ ...e, message: `${e.message} (in environment ${show(env)})`, target: target.name });
      const shared: string[] = [];
      for (const raw of emitted.files) {
        const path = input.normalizePath(raw.path);
        const contents = raw.contents.endsWith('\n') ? raw.contents : raw.contents + '\n';
        const mapped = target.environmentPath?.(path, env) ?? null;
        if (mapped === null) {
          if (baseByPath.get(path)?.contents !== contents) shared.push(path);
          continue;
        }
        const to = input.normalizePath(mapped);
        const refused = checkOutputPaths([{ path: to, target: target.name }], { [target.name]: target.outputs })[0];
        if (refused || baseByPath.has(to)) {
          findings.push({ severity: 'error', code: 'output/conflict', message: `${target.name} would write environment ${show(env)}'s ${path} to ${to}, ${refused ? refused.message : 'where a production file goes'}`, hint: 'Rename the environment.', path: ['environments', env], at: 'key', target: target.name });
          continue;
        }
        const base = baseByPath.get(path);
        const override = target.environmentContents?.bind(target);
        if (override && base) {
          const derived = override(path, env, { production: base.contents, environment: contents });
          for (const e of derived.findings) findings.push({ ...e, target: target.name });
          const text = derived.contents.endsWith('\n') ? derived.contents : derived.contents + '\n';
          files.push({ path: to, contents: text, target: target.name, environment: env });
          continue;
        }
        files.push({ path: to, contents, target: target.name, environment: env });
      }
      if (shared.length) {
        findings.push({
          severity: 'info',
          code: 'env/shared-files',
          message: `environment ${show(env)} changes ${target.name}'s ${shared.join(', ')}, which ${target.name} writes once for every environment`,
          hint: `The files keep production's values: set what differs as a variable on the platform, or write \`acknowledge: [env/shared-files]\` in deploy.yaml once that is done.`,
          path: ['environments', env],
          at: 'key',
          target: target.name,
        });
      }
    }
  }
  return { files, findings };
}
