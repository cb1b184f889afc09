/**
 * Decides what a build may do to the output folder, before anything is written. deployspec owns a file only
 * while the manifest records it and its bytes still hash to what deployspec wrote; everything else belongs to
 * the user and is left alone unless `--force`.
 */
import type { OutputFile } from '../target.js';
import { MANIFEST_PATH, parseManifest, serializeManifest, sha256 } from './manifest.js';
import type { ManifestEntry } from './manifest.js';
import { realFs, safeTarget, UnsafePathError } from './write.js';
import type { FsOps } from './write.js';

export type Action =
  | 'create' // not on disk
  | 'update' // ours and untouched since: safe to replace
  | 'unchanged'
  | 'overwrite' // someone else's (or edited) file, replaced because of --force
  | 'conflict' // someone else's (or edited) file: left alone
  | 'stale' // we generated it, the spec no longer produces it: kept (use --prune)
  | 'prune' // stale and removed
  | 'gone'; // recorded, no longer produced, already deleted by the user

export interface PlanItem {
  path: string;
  target: string;
  action: Action;
  /** For conflicts and overwrites: whether the file was never ours or was edited after we wrote it. */
  reason?: 'hand-written' | 'edited';
  /** Bytes on disk, or null when absent. */
  before: string | null;
  /** Bytes the build wants there, or null when the file should not exist. */
  after: string | null;
}

export interface BuildPlan {
  items: PlanItem[];
  /** The manifest after this build; null when the one on disk is already right. */
  manifest: { before: string | null; after: string };
  /** True when some user file was left alone: the build must write nothing. */
  blocked: boolean;
  writes: { path: string; contents: string }[];
  deletes: string[];
}

export interface PlanOptions {
  /** Targets this build ran; manifest entries of other targets are kept as they are. */
  targets: readonly string[];
  force?: boolean;
  prune?: boolean;
  fs?: FsOps;
}

function readText(root: string, path: string, fs: FsOps): string | null {
  if (!fs.lstat(root)) return null; // a new output folder: everything is missing
  const abs = safeTarget(root, path, fs);
  const st = fs.lstat(abs);
  if (!st) return null;
  if (!st.isFile()) throw new UnsafePathError(`refusing to write ${path}: it exists and is not a regular file`);
  return fs.readFile(abs).toString('utf8');
}

export function planBuild(root: string, files: readonly OutputFile[], opts: PlanOptions): BuildPlan {
  const fs = opts.fs ?? realFs;
  const manifestBefore = readText(root, MANIFEST_PATH, fs);
  const recorded = new Map(parseManifest(manifestBefore).files.map((f) => [f.path, f]));
  const items: PlanItem[] = [];
  const next: ManifestEntry[] = [];
  const produced = new Set(files.map((f) => f.path));

  for (const f of files) {
    if (f.path === MANIFEST_PATH) throw new UnsafePathError(`refusing to write ${f.path}: deployspec keeps its manifest there`);
    const before = readText(root, f.path, fs);
    const rec = recorded.get(f.path);
    let action: Action;
    let reason: PlanItem['reason'];
    if (before === null) action = 'create';
    else if (before === f.contents) action = 'unchanged';
    else if (rec && sha256(before) === rec.sha256) action = 'update';
    else {
      reason = rec ? 'edited' : 'hand-written';
      action = opts.force ? 'overwrite' : 'conflict';
    }
    items.push({ path: f.path, target: f.target, action, ...(reason ? { reason } : {}), before, after: f.contents });
    next.push({ path: f.path, sha256: sha256(f.contents), target: f.target });
  }

  for (const rec of recorded.values()) {
    if (produced.has(rec.path)) continue;
    if (!opts.targets.includes(rec.target)) {
      next.push(rec);
      continue;
    }
    const before = readText(root, rec.path, fs);
    const base = { path: rec.path, target: rec.target, before, after: null };
    if (before === null) {
      items.push({ ...base, action: 'gone' });
      continue;
    }
    const edited = sha256(before) !== rec.sha256;
    if (opts.prune && (!edited || opts.force)) items.push({ ...base, action: 'prune', ...(edited ? { reason: 'edited' as const } : {}) });
    else if (opts.prune) items.push({ ...base, action: 'conflict', reason: 'edited' });
    else {
      items.push({ ...base, action: 'stale', ...(edited ? { reason: 'edited' as const } : {}) });
      next.push(rec); // still ours: a later --prune must know it
    }
  }

  items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const after = serializeManifest({ version: 1, files: next });
  const blocked = items.some((i) => i.action === 'conflict');
  const writes = items.filter((i) => i.after !== null && i.action !== 'unchanged' && i.action !== 'conflict').map((i) => ({ path: i.path, contents: i.after! }));
  if (after !== manifestBefore) writes.push({ path: MANIFEST_PATH, contents: after });
  return { items, manifest: { before: manifestBefore, after }, blocked, writes, deletes: items.filter((i) => i.action === 'prune').map((i) => i.path) };
}

/** Whether the folder already holds exactly what a build would leave there (for `build --check`). */
export function upToDate(plan: BuildPlan): boolean {
  return plan.items.every((i) => i.action === 'unchanged') && plan.manifest.before === plan.manifest.after;
}
