/** Shared helpers for tests: compile inline YAML, run the built CLI. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analyze.js';
import { compile } from '../../src/compile.js';
import type { CompileResult } from '../../src/compile.js';
import { BUILTIN_TEMPLATES } from '../../src/generated/templates.js';
import type { ProjectFacts } from '../../src/model/normalize.js';
import type { AnyTarget, EmitContext } from '../../src/target.js';
import { listTargets, TARGETS } from '../../targets/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The platforms' schemas and samples, vendored with their sources (test/conformance/SOURCES.md). */
export const CONFORMANCE = ROOT + 'test/conformance/';

/**
 * A conformance file that is not vendored because its license is unknown: found in ../shared/conformance/ beside
 * the repository, or null. A test that needs it must then report itself as skipped, loudly (see skipLoudly).
 */
export function unvendored(rel: string): string | null {
  const p = ROOT + '../shared/conformance/' + rel;
  return existsSync(p) ? p : null;
}

/** Prints a skip so nobody can miss it. */
export function skipLoudly(what: string, why: string): void {
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\n!! SKIPPED: ${what} — ${why}\n${bar}\n`);
}

/** Strip a common indentation so specs can be written inline. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export const MINIMAL = 'version: 1\nname: mysite\ndjango:\n  project: mysite\n';
/** MINIMAL with an image for the Kubernetes manifests: every target builds it without a warning, so `validate` is silent. */
export const NO_WARNINGS = MINIMAL + 'targets:\n  kubernetes:\n    image: registry.example.com/mysite:1.0.0\n';

export function analyzeText(text: string, env: string | null = null, facts?: ProjectFacts) {
  return analyze('deploy.yaml', text, { env, facts });
}

export function compileText(text: string, opts: { env?: string | null; targets?: AnyTarget[]; registry?: readonly AnyTarget[]; facts?: ProjectFacts } = {}): CompileResult {
  return compile('deploy.yaml', text, { env: opts.env ?? null, facts: opts.facts, targets: opts.targets ?? listTargets(), registry: opts.registry ?? TARGETS, templates: BUILTIN_TEMPLATES });
}

/** An emit context for calling a target's emit() directly: templates render as their view's JSON, no offers. */
export function stubContext(): EmitContext {
  return { render: (_name, view) => JSON.stringify(view), product: () => null, products: () => [], environments: [], modelFor: () => { throw new Error('no environments'); } };
}

/** Errors and warnings as `line:col severity code message`, for compact assertions. */
export function brief(result: { diagnostics: { line: number; col: number; severity: string; code: string; message: string }[] }): string[] {
  return result.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`);
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/) as a user would. */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [ROOT + 'bin/deployspec.js', ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
