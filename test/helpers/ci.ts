/**
 * Test helpers for CI pipeline files: shellcheck over many scripts in one run, and GitHub's own workflow parser
 * (`@actions/workflow-parser`). On Node 20 the parser's ESM build imports its JSON schema without an import
 * attribute and fails to load, so it is bundled to CommonJS with esbuild once and loaded from memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const shellcheckVersion: string | null = (() => {
  const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (/version: (\S+)/.exec(r.stdout)?.[1] ?? 'unknown') : null;
})();

/** shellcheck's findings for each script (as bash, the shell both CIs run steps with), labelled by `name`. */
export function shellcheck(scripts: { name: string; script: string }[]): string[] {
  if (!scripts.length) return [];
  if (!shellcheckVersion) return ['shellcheck is not installed'];
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-sc-'));
  try {
    const files = scripts.map((s, i) => {
      const f = join(dir, `s${i}.sh`);
      writeFileSync(f, s.script);
      return f;
    });
    const r = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '--severity=style', ...files], { encoding: 'utf8' });
    if (r.status === 0) return [];
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const i = files.findIndex((f) => line.startsWith(f + ':'));
        return i < 0 ? line : `${scripts[i]!.name}: ${line.slice(files[i]!.length + 1)}`;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface WorkflowParser {
  parseWorkflow(entry: { name: string; content: string }, trace: { info(m: string): void; verbose(m: string): void; error(m: string): void }): { context: { errors: { getErrors(): { message: string }[] } }; value: unknown };
}

let parser: WorkflowParser | null = null;

/** GitHub's workflow parser, bundled to CommonJS on first use. */
export function workflowParser(): WorkflowParser {
  if (parser) return parser;
  // Resolved through esbuild (which honours the package's `import` export condition), not require.resolve.
  const out = buildSync({ stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: ROOT, loader: 'js' }, bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent' });
  const mod = { exports: {} as WorkflowParser };
  new Function('module', 'exports', 'require', out.outputFiles[0]!.text)(mod, mod.exports, require);
  parser = mod.exports;
  return parser;
}

/** The errors GitHub's parser reports for a workflow file (none when GitHub accepts it). */
export function workflowParserErrors(name: string, content: string): string[] {
  const quiet = { info() {}, verbose() {}, error() {} };
  const r = workflowParser().parseWorkflow({ name, content }, quiet);
  return r.context.errors.getErrors().map((e) => e.message);
}
