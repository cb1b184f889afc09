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

/** Findings per script text: shellcheck's verdict depends on the text alone, so a script seen before is not re-run. */
const shellcheckCache = new Map<string, string[]>();

/** While a batch is open, scripts not seen before wait here, with the case that produced them, for one shellcheck run. */
let batch: { owner: string; name: string; script: string }[] | null = null;
let batchOwner = '';

/**
 * Opens a batch: until `endShellcheckBatch`, `shellcheck` answers from its cache and queues the scripts it has not
 * seen under the owner set with `shellcheckOwner`, so thousands of generated cases cost a few shellcheck runs instead
 * of one each. The property tests use it; everything else checks at once.
 */
export function beginShellcheckBatch(): void {
  batch = [];
}

/** Names the case whose scripts are queued from now on (the property tests pass the spec text). */
export function shellcheckOwner(owner: string): void {
  batchOwner = owner;
}

/** Checks every queued script in one run; returns the findings by the owner that produced them. */
export function flushShellcheckBatch(): Map<string, string[]> {
  const queued = batch ?? [];
  if (batch) batch = [];
  checkFresh(queued.map((q) => q.script));
  const out = new Map<string, string[]>();
  for (const q of queued) {
    const found = shellcheckCache.get(q.script)!.map((f) => `${q.name}: ${f}`);
    if (found.length) out.set(q.owner, [...(out.get(q.owner) ?? []), ...found]);
  }
  return out;
}

/** Flushes and closes the batch. */
export function endShellcheckBatch(): Map<string, string[]> {
  const out = flushShellcheckBatch();
  batch = null;
  return out;
}

/** shellcheck's findings for each script (as bash, the shell both CIs run steps with), labelled by `name`. */
export function shellcheck(scripts: { name: string; script: string }[]): string[] {
  if (!scripts.length) return [];
  if (!shellcheckVersion) return ['shellcheck is not installed'];
  if (batch) {
    for (const s of scripts) if (!shellcheckCache.has(s.script)) batch.push({ owner: batchOwner, ...s });
  } else {
    checkFresh(scripts.map((s) => s.script));
  }
  return scripts.flatMap((s) => (shellcheckCache.get(s.script) ?? []).map((finding) => `${s.name}: ${finding}`));
}

/** Runs shellcheck once over the scripts not yet in the cache and caches each one's findings. */
function checkFresh(scripts: string[]): void {
  const fresh = [...new Set(scripts.filter((s) => !shellcheckCache.has(s)))];
  if (!fresh.length) return;
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-sc-'));
  try {
    const files = fresh.map((script, i) => {
      const f = join(dir, `s${i}.sh`);
      writeFileSync(f, script);
      return f;
    });
    const r = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '--severity=style', ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
    // 0: no findings, 1: findings; anything else is shellcheck itself failing.
    if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck exited with ${r.status}: ${r.stderr || r.error}`);
    const found: string[][] = fresh.map(() => []);
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const i = files.findIndex((f) => line.startsWith(f + ':'));
      if (i < 0) throw new Error(`shellcheck printed a line for no file: ${line}`);
      found[i]!.push(line.slice(files[i]!.length + 1));
    }
    if (shellcheckCache.size > 100_000) shellcheckCache.clear();
    fresh.forEach((script, i) => shellcheckCache.set(script, found[i]!));
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
