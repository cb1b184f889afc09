/**
 * Writing side of the CLI: all-or-nothing. Every path is checked first (inside the output folder, no symlink
 * leading out), every file goes to a temporary sibling, and only then are they renamed into place. If anything
 * fails, files already replaced are restored and new ones removed.
 */
import * as nodeFs from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface FsOps {
  readFile(path: string): Buffer;
  writeFile(path: string, data: string | Buffer): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  mkdir(path: string): void;
  lstat(path: string): nodeFs.Stats | null;
  realpath(path: string): string;
}

export const realFs: FsOps = {
  readFile: (p) => nodeFs.readFileSync(p),
  writeFile: (p, d) => nodeFs.writeFileSync(p, d, { flag: 'wx' }),
  rename: (a, b) => nodeFs.renameSync(a, b),
  unlink: (p) => nodeFs.unlinkSync(p),
  mkdir: (p) => nodeFs.mkdirSync(p, { recursive: true }),
  lstat: (p) => {
    try {
      return nodeFs.lstatSync(p);
    } catch {
      return null;
    }
  },
  realpath: (p) => nodeFs.realpathSync(p),
};

export class UnsafePathError extends Error {}

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
}

export function writeFilesAtomically(root: string, files: readonly { path: string; contents: string }[], fs: FsOps = realFs): WriteResult {
  const plan = files.map((f) => {
    const abs = safeTarget(root, f.path, fs);
    const st = fs.lstat(abs);
    const before = st ? fs.readFile(abs) : null;
    return { ...f, abs, before };
  });
  const changed = plan.filter((p) => p.before === null || !p.before.equals(Buffer.from(p.contents, 'utf8')));
  const result: WriteResult = { written: changed.map((p) => p.path), unchanged: plan.filter((p) => !changed.includes(p)).map((p) => p.path) };
  const temps: string[] = [];
  const done: typeof changed = [];
  try {
    for (const p of changed) {
      fs.mkdir(dirname(p.abs));
      const tmp = `${p.abs}.deployspec-${process.pid}.tmp`;
      fs.writeFile(tmp, p.contents);
      temps.push(tmp);
    }
    for (let i = 0; i < changed.length; i++) {
      fs.rename(temps[i]!, changed[i]!.abs);
      done.push(changed[i]!);
    }
  } catch (err) {
    for (const p of done) {
      try {
        if (p.before === null) fs.unlink(p.abs);
        else {
          const tmp = `${p.abs}.deployspec-restore.tmp`;
          fs.writeFile(tmp, p.before);
          fs.rename(tmp, p.abs);
        }
      } catch {
        /* keep restoring the others */
      }
    }
    for (const t of temps.slice(done.length)) {
      try {
        fs.unlink(t);
      } catch {
        /* already gone */
      }
    }
    throw err;
  }
  return result;
}
