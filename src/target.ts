/**
 * The contract between the pipeline and a target. A target is one folder under targets/ that owns everything about
 * its platform: its options (a schema fragment, their types and defaults, generated from the fragment), its
 * capabilities as data, its rules, its emitter, its importer for `init` and what it offers other targets. The core
 * never names a target; it only calls these hooks.
 */
import type { Finding } from './spec/finding.js';
import type { DeployModel, SpecPath } from './model/model.js';
import type { DeploySpec } from './spec/types.gen.js';
import type { Draft } from './init/draft.js';
import type { ProjectFiles } from './init/files.js';
import type { ProductKinds } from './products.js';

export interface OutputFile<N extends string = string> {
  /** POSIX path relative to the output folder. */
  path: string;
  contents: string;
  /** The target that produced it. */
  target: N;
  /** The environment (`environments:` in deploy.yaml) the file belongs to; absent for the spec without overlay. */
  environment?: string;
}

/** Spec features a target may or may not express; `capabilityFindings` checks each one the spec uses. */
export const FEATURES = ['cron', 'release', 'workers', 'staticSite', 'buildTimeResourceUrls', 'generatedSecrets'] as const;
export type Feature = (typeof FEATURES)[number];

/** What the user must do instead, given the feature's subject (`job "nightly" (0 3 * * *: ...)`). */
export interface Unsupported {
  severity: 'warning' | 'info';
  message(subject: string): string;
  hint(subject: string): string;
}

/** `true` when the target expresses the feature natively. */
export type Support = true | Unsupported;
export type Capabilities = Readonly<Record<Feature, Support>>;

/** What emit() may ask the pipeline for. */
export interface EmitContext {
  /** Renders a text template of this target (`Procfile.hbs`), honouring user overrides. */
  render(template: string, view: object): string;
  /**
   * What another target offers (see src/products.ts), computed for this model, or null when no registered
   * target offers it: the asking target then reports what is missing as an error finding.
   */
  product<K extends keyof ProductKinds>(kind: K): ProductKinds[K] | null;
  /** Every registered target's offer of `kind`, in registry order (e.g. each platform's runtime facts). */
  products<K extends keyof ProductKinds>(kind: K): ProductKinds[K][];
  /** The environments the spec defines (`environments:`), sorted; every one is valid when emit() runs. */
  environments: readonly string[];
  /** The model with environment `name` applied, for targets that write every environment side by side. */
  modelFor(name: string): DeployModel;
}

export interface EmitResult {
  files: { path: string; contents: string }[];
  findings: Finding[];
}

/** A kind of platform file `init` recognises in a project, whether or not it imports it. */
export interface DeployFile {
  /** Whether a project path (relative, POSIX) may be such a file. */
  matches(path: string): boolean;
  /** Whether the contents make it one, for names other tools use too (`app.yaml`); asked only when `matches`. */
  contains?(text: string): boolean;
  /** Why init does not import such a file when no importer did: one line, shown as `found, not imported (why)`. */
  why: string;
}

/**
 * What `init` knows about a platform's files the project may already deploy with (Procfile, .do/app.yaml, ...):
 * an importer carries them over, `files` names every kind of file init lists as imported or not.
 */
export interface Importer {
  /** Runs after every importer without it: what it imports wins (a Procfile's commands over an app spec's). */
  late?: boolean;
  /**
   * Imports what it understands into the draft, and lists in `draft.skipped` what it does not. A file it cannot
   * read at all is noted as `<path>: <why>; nothing imported from it`.
   */
  run?(files: ProjectFiles, draft: Draft, context: { root: string; nameGiven: boolean }): void;
  /**
   * The platform's files init looks for. A target whose importers name none is recognised by its `outputs` at the
   * project root instead.
   */
  files?: readonly DeployFile[];
}

export interface Target<N extends string = string, O = unknown> {
  name: N;
  /** One line, listed by `deployspec targets`. */
  description: string;
  capabilities: Capabilities;
  /**
   * The target's options (`targets.<name>` in deploy.yaml, already schema-valid) with every default applied.
   * Defaults come from the target's generated options module, never retyped.
   */
  options(raw: unknown, model: DeployModel): O;
  /** Rules the schema cannot express about this target's options or the spec as this target sees it. */
  rules?(spec: DeploySpec): Finding[];
  emit(model: DeployModel, options: O, ctx: EmitContext): EmitResult;
  /** What this target offers the others, computed from the model alone (no emitting). */
  offers?: { [K in keyof ProductKinds]?: (model: DeployModel, options: O) => ProductKinds[K] };
  /** The spec path a diagnostic about one of this target's output paths points at (its `path` option). */
  outputPathOption?: SpecPath;
  /** Importers run by `init`, in order; earlier ones win over later guesses. */
  importers?: readonly Importer[];
  /**
   * Paths of files this target may write, as globs relative to the output folder (for the pre-commit hook's file
   * filter and for ownership of dot files).
   */
  outputs: readonly string[];
  /**
   * Where environment `env`'s copy of output `path` goes, so that every environment's files sit beside the
   * production files (`.do/app.yaml` → `.do/app.staging.yaml`); null when the file is one for every environment.
   * With this hook the pipeline emits the target once more per environment, with that environment's model. A target
   * that writes every environment itself (through `ctx.environments` and `ctx.modelFor`) needs no hook; without
   * either, an environment whose files would differ from production's is reported as a note.
   * Outputs of `environmentPath` must still match `outputs`.
   */
  environmentPath?(path: string, env: string): string | null;
  /**
   * What environment `env`'s copy of output `path` holds, from production's file and the environment's own full
   * file. For a platform that merges the environment's file over production's (compose's `-f compose.yaml -f
   * compose.staging.yaml`) that is only what differs; findings say what such a file cannot express. Without it the
   * copy is the environment's full file.
   */
  environmentContents?(path: string, env: string, files: { production: string; environment: string }): { contents: string; findings: Finding[] };
  /** What to run next after a build wrote this target's files for the first time (the platform's create command). */
  nextSteps?(model: DeployModel, options: O): string[];
}

/** A registered target of unknown options, as the pipeline handles them. */
// biome-ignore lint/suspicious/noExplicitAny: the pipeline passes each target its own options back unchanged.
export type AnyTarget = Target<string, any>;
