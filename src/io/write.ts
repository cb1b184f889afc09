/**
 * Writing side of the CLI: all-or-nothing. Every path is checked first (inside the output folder, no symlink
 * leading out), every file goes to a temporary sibling, and only then are they renamed into place. If anything
 * fails, files already replaced are restored, new ones and new folders removed, deleted ones put back: the output
 * folder is left exactly as it was.
 */
import * as nodeFs from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface FsOps {
  readFile(path: string): Buffer;
  writeFile(path: string, data: string | Buffer): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Creates one folder (its parent exists). */
  mkdir(path: string): void;
  rmdir(path: string): void;
  lstat(path: string): nodeFs.Stats | null;
  realpath(path: string): string;
}

export const realFs: FsOps = {
  readFile: (p) => nodeFs.readFileSync(p),
  writeFile: (p, d) => nodeFs.writeFileSync(p, d, { flag: 'wx' }),
  rename: (a, b) => nodeFs.renameSync(a, b),
  unlink: (p) => nodeFs.unlinkSync(p),
  mkdir: (p) => nodeFs.mkdirSync(p),
  rmdir: (p) => nodeFs.rmdirSync(p),
  lstat: (p) => {
    try {
      return nodeFs.lstatSync(p);
    } catch {
      return null;
    }
  },
  realpath: (p) => nodeFs.realpathSync(p),
};

export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/** Resolves `rel` under `root`, refusing absolute paths, `..`, and symlinks anywhere on the way. */
export function safeTarget(root: string, rel: string, fs: FsOps = realFs): string {
  if (isAbsolute(rel) || rel.split('/').includes('..') || rel.includes('\\') || rel.includes('\0')) {
    throw new UnsafePathError(`refusing to write ${JSON.stringify(rel)}: not a relative path inside the output folder`);
  }
  const realRoot = fs.realpath(root);
  const abs = resolve(realRoot, rel);
  const back = relative(realRoot, abs);
  if (back.startsWith('..') || isAbsolute(back)) throw new UnsafePathError(`refusing to write ${rel}: it leaves the output folder`);
  let cur = realRoot;
  for (const part of back.split(sep)) {
    cur = join(cur, part);
    const st = fs.lstat(cur);
    if (st?.isSymbolicLink()) throw new UnsafePathError(`refusing to write ${rel}: ${relative(realRoot, cur)} is a symbolic link`);
    if (st && cur !== abs && !st.isDirectory()) throw new UnsafePathError(`refusing to write ${rel}: ${relative(realRoot, cur)} is not a folder`);
  }
  return abs;
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  deleted: string[];
}

export interface Changes {
  /** Files to write (paths relative to the root); identical files are skipped. */
  writes: readonly { path: string; contents: string }[];
  /** Files to remove. */
  deletes?: readonly string[];
}

const tag = () => `deployspec-${process.pid}`;

/** Applies every change or none. Throws (after undoing what it did) on the first failure. */
export function applyChanges(root: string, changes: Changes, fs: FsOps = realFs): WriteResult {
  const plan = changes.writes.map((f) => {
    const abs = safeTarget(root, f.path, fs);
    const st = fs.lstat(abs);
    if (st && !st.isFile()) throw new UnsafePathError(`refusing to write ${f.path}: it exists and is not a regular file`);
    return { ...f, abs, before: st ? fs.readFile(abs) : null };
  });
  const removals = (changes.deletes ?? []).map((path) => ({ path, abs: safeTarget(root, path, fs) })).filter((d) => fs.lstat(d.abs)?.isFile());
  const changed = plan.filter((p) => p.before === null || !p.before.equals(Buffer.from(p.contents, 'utf8')));
  const result: WriteResult = {
    written: changed.map((p) => p.path),
    unchanged: plan.filter((p) => !changed.includes(p)).map((p) => p.path),
    deleted: removals.map((d) => d.path),
  };
  const realRoot = fs.realpath(root);
  const madeDirs: string[] = [];
  const temps: string[] = [];
  const done: typeof changed = [];
  const moved: { abs: string; aside: string }[] = [];
  try {
    for (const p of changed) {
      ensureDir(realRoot, dirname(p.abs), fs, madeDirs);
      const tmp = `${p.abs}.${tag()}.tmp`;
      temps.push(tmp); // before writing: a half-written temporary must be removed too
      fs.writeFile(tmp, p.contents);
    }
    for (let i = 0; i < changed.length; i++) {
      fs.rename(temps[i]!, changed[i]!.abs);
      done.push(changed[i]!);
    }
    // Deleted files are first moved aside, so they can be put back if a later step fails.
    for (const d of removals) {
      const aside = `${d.abs}.${tag()}.del`;
      fs.rename(d.abs, aside);
      moved.push({ abs: d.abs, aside });
    }
  } catch (err) {
    rollback(fs, done, temps.slice(done.length), moved, madeDirs);
    throw err;
  }
  for (const m of moved) attempt(() => fs.unlink(m.aside));
  return result;
}

/** Creates the missing folders between `root` and `dir` one by one, remembering them for rollback. */
function ensureDir(root: string, dir: string, fs: FsOps, made: string[]): void {
  const rel = relative(root, dir);
  if (!rel) return;
  let cur = root;
  for (const part of rel.split(sep)) {
    cur = join(cur, part);
    if (fs.lstat(cur)) continue;
    fs.mkdir(cur);
    made.push(cur);
  }
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch {
    /* best effort: keep undoing the rest */
  }
}

function rollback(
  fs: FsOps,
  done: readonly { abs: string; before: Buffer | null }[],
  leftoverTemps: readonly string[],
  moved: readonly { abs: string; aside: string }[],
  madeDirs: readonly string[],
): void {
  for (const m of [...moved].reverse()) attempt(() => fs.rename(m.aside, m.abs));
  for (const p of done) {
    attempt(() => {
      if (p.before === null) fs.unlink(p.abs);
      else {
        const tmp = `${p.abs}.${tag()}.restore`;
        fs.writeFile(tmp, p.before);
        fs.rename(tmp, p.abs);
      }
    });
  }
  for (const t of leftoverTemps) attempt(() => fs.unlink(t));
  for (const d of [...madeDirs].reverse()) attempt(() => fs.rmdir(d));
}

/** All-or-nothing write of a set of files (no deletions). */
export function writeFilesAtomically(root: string, files: readonly { path: string; contents: string }[], fs: FsOps = realFs): WriteResult {
  return applyChanges(root, { writes: files }, fs);
}
