/** Public API: the pure compiler, usable without the CLI. */
export { analyze } from './analyze.js';
export type { Analysis, AnalyzeOptions } from './analyze.js';
export { compile, capabilityFindings } from './compile.js';
export type { CompileOptions, CompileResult } from './compile.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { formatJson, formatText } from './format.js';
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
