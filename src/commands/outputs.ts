/**
 * The part of `build` after compiling: compare the generated files with the output folder, then check, show or
 * write them. Nothing here decides file contents; it only protects the user's files and reports.
 */
import { mkdirSync, realpathSync, rmdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TARGETS } from '../../targets/index.js';
import { io as wrapIo } from '../io/errors.js';
import { lstatOrNull, statOrNull } from '../io/file.js';
import { matchesAny, refuseOutputPath } from '../io/output-policy.js';
import type { OwnedPaths } from '../io/output-policy.js';
import { MANIFEST_PATH } from '../io/manifest.js';
import { hasMarker } from '../io/plan.js';
import { displayPath } from '../io/read.js';
import type { BuildPlan, PlanItem } from '../io/plan.js';
import { escapeControls, escapeLine } from '../io/terminal.js';
import type { OutputFile } from '../target.js';
import type { Io } from './io.js';
import { UsageError } from './io.js';

/** Where a writing build records its transaction, so a crash can be rolled back or forward. */
export const JOURNAL_PATH = '.deployspec/journal.json';

/**
 * What a journal found in the output folder may do: it sits in the project and can be forged like the manifest,
 * side files included, so it may only put in place or remove a file some target may write at that path, and only
 * one deployspec could have generated (the prune rule: the target declares the path, or the file carries the
 * header). Every file a build writes passes that rule. The manifest is deployspec's own; losing it only makes
 * the next build more careful. `contents` null asks about the path alone (a folder on the way to it).
 */
export function journalPolicy(owned: OwnedPaths, reserved: readonly string[] = []): (path: string, contents: string | null, removing: boolean) => boolean {
  return (path, contents) => {
    if (path === MANIFEST_PATH) return true;
    return Object.keys(owned).some(
      (t) => refuseOutputPath(path, t, owned, reserved) === null && (contents === null || matchesAny(path, owned[t]) || hasMarker(contents)),
    );
  };
}

/** Each registered target's declared outputs: the dot paths it owns by design, the files it may prune. */
export function ownedPaths(): OwnedPaths {
  const out: Record<string, readonly string[]> = Object.create(null);
  for (const t of Object.values(TARGETS) as { name: string; outputs?: readonly string[] }[]) out[t.name] = t.outputs ?? [];
  return out;
}

/** The spec file's path under the output folder (as the file system resolves both), when it is there. */
export function specUnder(outDir: string, spec: string | undefined): string[] {
  if (spec === undefined) return [];
  let root: string;
  let file: string;
  try {
    root = realpathSync(outDir);
    file = join(realpathSync(dirname(spec)), basename(spec));
  } catch {
    return []; // a new output folder holds no spec
  }
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? [rel.split(sep).join('/')] : [];
}

export type Mode = 'write' | 'check' | 'diff' | 'dry-run';

export interface OutputOptions {
  mode: Mode;
  /** The spec file this build read: never an output, even under another name or through `--out`. */
  spec?: string;
  force?: boolean;
  prune?: boolean;
  /** Targets the build ran (manifest entries of other targets are kept). */
  targets: readonly string[];
  /** Print the human report (stderr) and diffs (stdout); otherwise print nothing and only return the outcome. */
  text: boolean;
  /** No per-file progress lines ("wrote Procfile"); failures are still printed. */
  quiet?: boolean;
  /** Compute each changed file's diff for the returned report. */
  diffs?: boolean;
  /** The spec's secret names: their values, in a file on disk, are shown masked in diffs. */
  secrets?: ReadonlySet<string>;
}

/**
 * A unified diff from what is on disk to what the build wants there. A file on disk may give a secret a value (edited
 * by hand, written by another tool): both sides are shown with every secret's value masked (`maskFileSecrets`), so a
 * CI log of `build --check` never prints it.
 */
export async function unifiedDiff(path: string, before: string | null, after: string | null, secrets?: ReadonlySet<string>): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  const { maskFileSecrets } = await import('../spec/secrets.js');
  const mask = (t: string | null) => (t === null ? '' : maskFileSecrets(path, t, secrets));
  const patch = createTwoFilesPatch(before === null ? '/dev/null' : `a/${path}`, after === null ? '/dev/null' : `b/${path}`, mask(before), mask(after), '', '');
  // The first line is a `===` banner; drop it so the output reads like `git diff`. File contents can hold terminal
  // escapes: they are printed inert.
  return escapeControls(patch.replace(/^=+\n/, ''));
}

function describe(i: PlanItem): string {
  const whose = i.reason === 'edited' ? 'edited since deployspec generated it' : 'not generated by deployspec';
  switch (i.action) {
    case 'create':
      return 'missing';
    case 'update':
      return i.reason === 'adopted' ? 'imported by `deployspec init` and unchanged since: replaced by the generated file' : 'out of date';
    case 'overwrite':
    case 'conflict':
      return `differs (${whose})`;
    case 'stale':
    case 'prune':
      return 'no longer generated';
    case 'gone':
      return 'no longer generated (already deleted)';
    case 'forget':
      return 'recorded in the manifest, but deployspec cannot confirm it generated this file: dropped from the manifest, left alone';
    default:
      return 'up to date';
  }
}

/** What happened (or would happen) to one file, as the JSON output reports it. */
export interface FileReport {
  /** As shown to the user: relative to the working folder. */
  path: string;
  target: string;
  /** The environment the file belongs to; absent for production's files. */
  environment?: string;
  /** The plan's action: create, update, unchanged, overwrite, conflict, stale, prune, gone or forget. */
  action: PlanItem['action'];
  reason?: PlanItem['reason'];
  /** In words, as the text output says it. */
  description: string;
  /** The unified diff from the disk to the build, when the file differs (not in a write's report). */
  diff?: string;
}

export interface OutputOutcome {
  code: number;
  files: FileReport[];
  /** What happens to .deployspec/manifest.json: unchanged, create or update. */
  manifest: 'unchanged' | 'create' | 'update';
}

async function reports(
  plan: BuildPlan,
  files: readonly OutputFile[],
  shown: (p: string) => string,
  withDiff: (i: PlanItem) => boolean,
  secrets?: ReadonlySet<string>,
): Promise<FileReport[]> {
  const envOf = new Map(files.map((f) => [f.path, f.environment]));
  const out: FileReport[] = [];
  for (const i of plan.items) {
    const environment = envOf.get(i.path);
    const r: FileReport = {
      path: shown(i.path),
      target: i.target,
      ...(environment ? { environment } : {}),
      action: i.action,
      ...(i.reason ? { reason: i.reason } : {}),
      description: describe(i),
    };
    if (withDiff(i) && i.action !== 'unchanged' && i.action !== 'gone' && i.action !== 'forget')
      r.diff = await unifiedDiff(shown(i.path), i.before, i.after, secrets);
    out.push(r);
  }
  return out;
}

function manifestAction(plan: BuildPlan): OutputOutcome['manifest'] {
  return plan.manifest.before === plan.manifest.after ? 'unchanged' : plan.manifest.before === null ? 'create' : 'update';
}

export async function handleOutputs(io: Io, outDir: string, files: readonly OutputFile[], opts: OutputOptions): Promise<OutputOutcome> {
  const [{ planBuild, upToDate }, { applyChanges, recoverInterrupted, sweepLeftovers }, { acquireLock }] = await Promise.all([
    import('../io/plan.js'),
    import('../io/write.js'),
    import('../io/lock.js'),
  ]);
  const shown = (p: string) => escapeLine(displayPath(io.cwd, resolve(outDir, p)));
  const c = io.colors;
  const owned = ownedPaths();
  const outShown = escapeLine(displayPath(io.cwd, outDir) || '.');
  const outSt = lstatOrNull(outDir, outShown);
  if (outSt && !outSt.isDirectory() && !(outSt.isSymbolicLink() && statOrNull(outDir, outShown)?.isDirectory())) {
    throw new UsageError(`cannot write to ${outShown}: it is a file, not a folder; --out names the folder the files go in`);
  }
  const reserved = specUnder(outDir, opts.spec);
  const planFor = () => planBuild(outDir, files, { targets: opts.targets, force: opts.force, prune: opts.prune, owned, reserved });

  if (opts.mode !== 'write') {
    const plan: BuildPlan = planFor();
    if (opts.text && outSt && lstatOrNull(resolve(outDir, JOURNAL_PATH)))
      io.err(`${c.yellow('note')}: an interrupted build left ${shown(JOURNAL_PATH)}; run \`deployspec build\` to finish or undo it\n`);
    const code = await report(io, plan, files, opts, shown, upToDate);
    return { code, files: await reports(plan, files, shown, () => !!opts.diffs, opts.secrets), manifest: manifestAction(plan) };
  }

  const created = !outSt;
  if (created) wrapIo('create the output folder', outShown, () => mkdirSync(outDir, { recursive: true }));
  const lock = acquireLock(outDir);
  let ok = false;
  try {
    const recovered = recoverInterrupted(outDir, JOURNAL_PATH, undefined, { allow: journalPolicy(owned, reserved) });
    if (recovered.action !== 'none' && opts.text) {
      io.err(
        `${c.yellow('recovered')} an interrupted build: ${recovered.action} (${recovered.restored.length} file${recovered.restored.length === 1 ? '' : 's'} completed or restored, ${recovered.removed.length} temporary file${recovered.removed.length === 1 ? '' : 's'} removed)\n`,
      );
    }
    const plan = planFor();
    sweepLeftovers(outDir, [...plan.items.map((i) => i.path), '.deployspec/manifest.json', JOURNAL_PATH]);
    if (plan.blocked) {
      if (opts.text) {
        for (const i of plan.items.filter((x) => x.action === 'conflict')) {
          io.err(
            `${c.red('left alone')} ${shown(i.path)}: ${describe(i)}; re-run with --force to overwrite it${i.after === null ? ' (or delete it by hand)' : ''}\n`,
          );
          io.out(await unifiedDiff(shown(i.path), i.before, i.after, opts.secrets));
        }
        io.err(`nothing written: deployspec never replaces a file it did not generate (or that was edited) without --force\n`);
      }
      return { code: 1, files: await reports(plan, files, shown, (i) => i.action === 'conflict', opts.secrets), manifest: 'unchanged' };
    }
    const result = applyChanges(outDir, { writes: plan.writes, deletes: plan.deletes }, undefined, { journal: JOURNAL_PATH });
    ok = true;
    if (opts.text && !opts.quiet) {
      for (const i of plan.items) {
        if (i.action === 'overwrite') io.err(`${c.yellow('overwrote')} ${shown(i.path)} (${describe(i)}; --force)\n`);
        else if (i.action === 'update' && i.reason === 'adopted') {
          io.err(`${c.bold('adopted')} ${shown(i.path)} (${describe(i)}):\n`);
          io.out(await unifiedDiff(shown(i.path), i.before, i.after, opts.secrets));
        } else if (i.action === 'create' || i.action === 'update') io.err(`${c.bold('wrote')} ${shown(i.path)}\n`);
        else if (i.action === 'unchanged') io.err(`${c.dim('unchanged')} ${shown(i.path)}\n`);
        else if (i.action === 'prune') io.err(`${c.bold('removed')} ${shown(i.path)}\n`);
        else if (i.action === 'stale') io.err(`${c.yellow('stale')} ${shown(i.path)}: no longer generated; run with --prune to remove it\n`);
        else if (i.action === 'forget') io.err(`${c.yellow('forgot')} ${shown(i.path)}: ${describe(i)}\n`);
      }
      if (result.written.length + result.deleted.length === 0) io.err(c.dim('nothing to write: every file is up to date') + '\n');
    } else if (opts.text) {
      for (const i of plan.items)
        if (i.action === 'stale') io.err(`${c.yellow('stale')} ${shown(i.path)}: no longer generated; run with --prune to remove it\n`);
    }
    return { code: 0, files: await reports(plan, files, shown, () => false, opts.secrets), manifest: manifestAction(plan) };
  } finally {
    lock.release();
    if (created && !ok) {
      try {
        rmdirSync(outDir); // only when still empty
      } catch {
        /* it holds something: leave it */
      }
    }
  }
}

async function report(
  io: Io,
  plan: BuildPlan,
  files: readonly OutputFile[],
  opts: OutputOptions,
  shown: (p: string) => string,
  upToDate: (p: BuildPlan) => boolean,
): Promise<number> {
  const c = io.colors;
  const changed = plan.items.filter((i) => i.action !== 'unchanged');
  if (opts.mode === 'check' || opts.mode === 'diff') {
    for (const i of changed) {
      if (opts.text && i.action !== 'gone' && i.action !== 'forget') io.out(await unifiedDiff(shown(i.path), i.before, i.after, opts.secrets));
      if (opts.text) io.err(`${c.yellow('stale')} ${shown(i.path)}: ${describe(i)}\n`);
    }
    if (plan.manifest.before !== plan.manifest.after && opts.text)
      io.err(`${c.yellow('stale')} ${shown('.deployspec/manifest.json')}: ${plan.manifest.before === null ? 'missing' : 'out of date'}\n`);
    const ok = upToDate(plan);
    if (opts.text) {
      if (ok) {
        if (!opts.quiet) io.err(`up to date: ${files.length} generated file${files.length === 1 ? '' : 's'} match deploy.yaml\n`);
      } else io.err(`${c.red('out of date')}: run \`deployspec build\`${changed.some((i) => i.action === 'stale') ? ' --prune' : ''} and commit the result\n`);
    }
    return ok || opts.mode === 'diff' ? 0 : 1;
  }
  const verb: Record<PlanItem['action'], string> = {
    create: 'would create',
    update: 'would update',
    unchanged: 'unchanged',
    overwrite: 'would overwrite',
    conflict: 'would leave alone',
    stale: 'would keep',
    prune: 'would remove',
    gone: 'would forget',
    forget: 'would forget',
  };
  if (!opts.text) return plan.blocked ? 1 : 0;
  for (const i of plan.items)
    io.out(`${verb[i.action]} ${shown(i.path)}${i.action === 'unchanged' ? '' : ` (${describe(i)})`}${i.after !== null ? ` [${i.target}]` : ''}\n`);
  if (plan.blocked) io.out(`nothing would be written: use --force to overwrite the files left alone\n`);
  return plan.blocked ? 1 : 0;
}
