/** The back end: analysis → capability checks → emit, in memory. Pure: returns files, writes nothing. */
import { analyze, dedupe, placeFinding } from './analyze.js';
import type { Analysis, AnalyzeOptions } from './analyze.js';
import { hasErrors, show, sortDiagnostics } from './diagnostics.js';
import type { DeployModel } from './model/model.js';
import { joinPath } from './model/normalize.js';
import { createRenderer } from './render.js';
import type { TemplateCompiler, TemplateSources } from './render.js';
import type { Finding } from './spec/finding.js';
import { createLocator } from './spec/locate.js';
import type { Capabilities, OutputFile, Target, TargetName } from './target.js';

export interface CompileOptions extends AnalyzeOptions {
  targets: readonly Target[];
  /** Template sources by `<target>/<file>`; user overrides replace built-ins. */
  templates: TemplateSources;
  /** Needed only when `templates` holds overrides of the built-ins. */
  compileTemplate?: TemplateCompiler;
}

export interface CompileResult extends Analysis {
  files: OutputFile[];
}

/** Every feature of the model that a target's capabilities do not cover, as findings at the feature. */
export function capabilityFindings(model: DeployModel, target: Target): Finding[] {
  const out: Finding[] = [];
  const c: Capabilities = target.capabilities;
  const report = (support: Exclude<Capabilities[keyof Capabilities], true>, path: Finding['path'], subject: string) =>
    out.push({ severity: support.severity, code: `${target.name}/unsupported`, message: support.message.replace('{subject}', subject), hint: support.hint.replace('{subject}', subject), path, at: 'key', target: target.name });
  if (c.cron !== true) for (const j of model.jobs) report(c.cron, j.path, `job "${j.name}" (${j.schedule}: ${j.command})`);
  if (c.release !== true && model.release) report(c.release, model.release.path, 'the release step');
  if (c.workers !== true) for (const p of model.processes) if (p.kind === 'worker') report(c.workers, p.path, `process "${p.name}"`);
  if (c.staticSite !== true && model.static.serve === 'static-site') report(c.staticSite, [...model.static.path, 'serve'], 'the static site');
  if (c.buildTimeResourceUrls !== true) {
    for (const v of model.env) if (v.kind === 'reference' && v.scope !== 'runtime') report(c.buildTimeResourceUrls, v.path, v.name);
  }
  if (c.generatedSecrets !== true) for (const v of model.env) if (v.kind === 'generated') report(c.generatedSecrets, v.path, v.name);
  return out;
}

/** Compile to every requested target in memory. Files are returned only when nothing failed. */
export function compile(file: string, input: string | Uint8Array, opts: CompileOptions): CompileResult {
  const analysis = analyze(file, input, opts);
  if (!analysis.model) return { ...analysis, files: [] };
  const model = analysis.model;
  const loc = createLocator(analysis.loaded, opts.env ?? null);
  const render = createRenderer(opts.templates, opts.compileTemplate);
  const diagnostics = [...analysis.diagnostics];
  const files: OutputFile[] = [];
  const owner = new Map<string, TargetName>();
  for (const target of opts.targets) {
    const findings = capabilityFindings(model, target);
    let emitted: ReturnType<Target['emit']>;
    try {
      emitted = target.emit(model, { render: (name, view) => render(`${target.name}/${name}`, view) });
    } catch (err) {
      diagnostics.push({ severity: 'error', code: `${target.name}/template`, message: `cannot render ${target.name} output: ${(err as Error).message}`, hint: 'Check the template override in .deployspec/templates/ for a misspelled variable.', file, line: 1, col: 1, target: target.name });
      continue;
    }
    findings.push(...emitted.findings.map((f) => ({ ...f, target: target.name })));
    diagnostics.push(...findings.map((f) => placeFinding(f, loc)));
    for (const f of emitted.files) {
      const path = joinPath(f.path);
      if (path.startsWith('..') || f.path.startsWith('/') || path === '.') {
        diagnostics.push({ severity: 'error', code: 'output/outside-project', message: `${target.name} output path ${show(f.path)} leaves the project folder`, hint: 'Use a path inside the project, without `..`.', ...loc.place(outputPathOrigin(model, target.name), 'value'), target: target.name });
        continue;
      }
      const prior = owner.get(path);
      if (prior) {
        diagnostics.push({ severity: 'error', code: 'output/conflict', message: `${target.name} and ${prior} both write ${path}`, hint: 'Change one of the output paths under `targets:`.', ...loc.place(outputPathOrigin(model, target.name), 'value'), target: target.name });
        continue;
      }
      owner.set(path, target.name);
      files.push({ path, contents: f.contents.endsWith('\n') ? f.contents : f.contents + '\n', target: target.name });
    }
  }
  const sorted = sortDiagnostics(dedupe(diagnostics));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ...analysis, diagnostics: sorted, files: hasErrors(sorted) ? [] : files };
}

function outputPathOrigin(model: DeployModel, target: TargetName): (string | number)[] {
  if (target === 'digitalocean') return [...model.targets.digitalocean.specPath, 'path'];
  if (target === 'django') return [...model.targets.django.specPath, 'path'];
  return [];
}
