/**
 * Writing side of the CLI: all-or-nothing, confined to the output folder, and safe against folders swapped for
 * symbolic links while it runs.
 *
 * Confinement. Every folder on the way to a file is opened one part at a time with O_NOFOLLOW | O_DIRECTORY, and
 * the file is then created, read, renamed and removed through the open folder (`/proc/self/fd/<fd>/<name>`, which
 * the kernel resolves to the folder that was opened, not to whatever the path names now). Replacing a folder with
 * a symbolic link after the check therefore cannot send a write elsewhere: the write still lands in the folder
 * that was checked, and a link met on the way is refused. Where /proc is missing (macOS), each folder is resolved
 * with realpath and verified after the temporary file is written and again before the rename.
 *
 * All-or-nothing. Every file goes to a temporary sibling first (written, flushed with fsync), existing files are
 * kept as hard-linked backups, and only then are the files renamed into place. If anything fails, the backups are
 * renamed back, new files and folders removed and deleted files put back: the folder is left as it was. With a
 * journal (`build` uses `.deployspec/journal.json`), the same holds across a crash or `kill -9`: the next build
 * reads the journal and rolls the interrupted one back (before its commit point) or forward (after it); see
 * `recoverInterrupted`.
 */
import * as nodeFs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { io, ioError, IoError } from './errors.js';
import { formatBytes, readRegularFile } from './file.js';
import { sha256 } from './manifest.js';
import { UnsafePathError } from './unsafe.js';

export { UnsafePathError };

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
  /** A second name for a file (for backups); when missing or failing, the backup is a copy. */
  link?(existing: string, name: string): void;
}

/** The largest existing file deployspec will read to compare or back up before replacing it. */
export const MAX_EXISTING_BYTES = 64 * 1024 * 1024;

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW = 0 } = nodeFs.constants;

export const realFs: FsOps = {
  readFile: (p) => readRegularFile(p, { max: MAX_EXISTING_BYTES, noFollow: true, tooLargeHint: 'deployspec does not replace files that large' }),
  writeFile: (p, d) => {
    // O_EXCL: never through an existing name (or a symbolic link planted there); fsync before the rename.
    const fd = nodeFs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666);
    try {
      const buf = typeof d === 'string' ? Buffer.from(d, 'utf8') : d;
      let off = 0;
      while (off < buf.length) off += nodeFs.writeSync(fd, buf, off, buf.length - off);
      nodeFs.fsyncSync(fd);
    } finally {
      nodeFs.closeSync(fd);
    }
  },
  rename: (a, b) => nodeFs.renameSync(a, b),
  unlink: (p) => nodeFs.unlinkSync(p),
  mkdir: (p) => nodeFs.mkdirSync(p),
  rmdir: (p) => nodeFs.rmdirSync(p),
  lstat: (p) => {
    try {
      return nodeFs.lstatSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  },
  realpath: (p) => nodeFs.realpathSync(p),
  link: (a, b) => nodeFs.linkSync(a, b),
};

/** Whether one part of a relative path is acceptable at all. */
function badPart(part: string): boolean {
  return part === '..' || part === '' || part === '.';
}

function splitRel(rel: string): string[] {
  if (typeof rel !== 'string' || isAbsolute(rel) || rel.includes('\\') || rel.includes('\0') || /[\u0000-\u001f]/.test(rel)) {
    throw new UnsafePathError(`refusing to write ${JSON.stringify(rel)}: not a relative path inside the output folder`);
  }
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (!parts.length || parts.some(badPart)) throw new UnsafePathError(`refusing to write ${JSON.stringify(rel)}: not a relative path inside the output folder`);
  return parts;
}

/** Resolves `rel` under `root`, refusing absolute paths, `..`, and symlinks anywhere on the way. */
export function safeTarget(root: string, rel: string, fs: FsOps = realFs): string {
  const parts = splitRel(rel);
  const realRoot = fs.realpath(root);
  const abs = resolve(realRoot, ...parts);
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

const PROCFS =
  process.platform === 'linux' &&
  (() => {
    try {
      return nodeFs.statSync('/proc/self/fd').isDirectory();
    } catch {
      return false;
    }
  })();

const DIR_FLAGS = nodeFs.constants.O_RDONLY | (nodeFs.constants.O_DIRECTORY ?? 0) | O_NOFOLLOW;

/**
 * Folders under one root, opened without following symbolic links. `dir(rel)` gives a prefix that names the
 * folder for the lifetime of the anchor, whatever happens to its path.
 */
export class Anchor {
  readonly realRoot: string;
  private fds = new Map<string, number>();
  private readonly procfs: boolean;

  constructor(
    root: string,
    private readonly fs: FsOps = realFs,
    opts: { procfs?: boolean } = {},
  ) {
    try {
      this.realRoot = fs.realpath(root);
    } catch (err) {
      throw ioError('open the output folder', root, err);
    }
    // Injected file systems (tests) see real paths; the real one goes through the opened folders.
    this.procfs = (opts.procfs ?? PROCFS) && fs === realFs;
    if (this.procfs) {
      try {
        this.fds.set('', nodeFs.openSync(this.realRoot, DIR_FLAGS));
      } catch (err) {
        throw ioError('open the output folder', root, err);
      }
    }
  }

  /** The real path of a folder, for messages and for the fallback. */
  real(relDir: string): string {
    return relDir ? join(this.realRoot, ...relDir.split('/')) : this.realRoot;
  }

  /**
   * A prefix naming folder `relDir` (`a/b`), checked part by part: a symbolic link or a non-folder on the way is
   * refused. Missing folders are created when `made` is given (and recorded there, deepest last), else null.
   */
  dir(relDir: string, made?: string[], shown = relDir): string | null {
    // Any failure on the way (ENAMETOOLONG, EACCES, ELOOP, ...) names the output path, in one line.
    try {
      return this.walk(relDir, made, shown);
    } catch (err) {
      throw ioError('open', shown || '.', err);
    }
  }

  private walk(relDir: string, made: string[] | undefined, shown: string): string | null {
    if (this.procfs) {
      const fd = this.openDir(relDir, made, shown);
      return fd === null ? null : `/proc/self/fd/${fd}`;
    }
    let cur = this.realRoot;
    let rel = '';
    for (const part of relDir ? relDir.split('/') : []) {
      cur = join(cur, part);
      rel = rel ? `${rel}/${part}` : part;
      const st = this.fs.lstat(cur);
      if (!st) {
        if (!made) return null;
        this.fs.mkdir(cur);
        made.push(rel);
        continue;
      }
      if (st.isSymbolicLink()) throw new UnsafePathError(`refusing to write ${shown}: ${rel} is a symbolic link`);
      if (!st.isDirectory()) throw new UnsafePathError(`refusing to write ${shown}: ${rel} is not a folder`);
    }
    return cur;
  }

  private openDir(relDir: string, made: string[] | undefined, shown: string): number | null {
    const have = this.fds.get(relDir);
    if (have !== undefined) return have;
    const cut = relDir.lastIndexOf('/');
    const parentRel = cut < 0 ? '' : relDir.slice(0, cut);
    const name = relDir.slice(cut + 1);
    const parent = this.openDir(parentRel, made, shown);
    if (parent === null) return null;
    const p = `/proc/self/fd/${parent}/${name}`;
    let st = this.fs.lstat(p);
    if (!st) {
      if (!made) return null;
      this.fs.mkdir(p);
      made.push(relDir);
      st = this.fs.lstat(p);
    }
    if (st?.isSymbolicLink()) throw new UnsafePathError(`refusing to write ${shown}: ${relDir} is a symbolic link`);
    if (st && !st.isDirectory()) throw new UnsafePathError(`refusing to write ${shown}: ${relDir} is not a folder`);
    let fd: number;
    try {
      fd = nodeFs.openSync(p, DIR_FLAGS);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new UnsafePathError(`refusing to write ${shown}: ${relDir} is a symbolic link`);
      if (code === 'ENOTDIR') throw new UnsafePathError(`refusing to write ${shown}: ${relDir} is not a folder`);
      if (code === 'ENOENT' && !made) return null;
      throw err;
    }
    this.fds.set(relDir, fd);
    return fd;
  }

  /** The path of file `rel` through its opened folder, or null when a folder on the way is missing. */
  file(rel: string, made?: string[]): string | null {
    const parts = splitRel(rel);
    const prefix = this.dir(parts.slice(0, -1).join('/'), made, rel);
    return prefix === null ? null : `${prefix}/${parts[parts.length - 1]}`;
  }

  /** Fallback only: the folder still resolves to where it was checked (no link swapped in since). */
  verify(rel: string): void {
    if (this.procfs) return;
    const parts = splitRel(rel).slice(0, -1);
    const expected = this.real(parts.join('/'));
    let actual: string;
    try {
      actual = this.fs.realpath(expected);
    } catch (err) {
      throw ioError('write', rel, err);
    }
    if (actual !== expected) throw new UnsafePathError(`refusing to write ${rel}: its folder changed while writing (symbolic link swapped in)`);
    this.dir(parts.join('/'), undefined, rel);
  }

  /** Forgets an opened folder (after it was removed). */
  forget(relDir: string): void {
    const fd = this.fds.get(relDir);
    if (fd !== undefined && relDir !== '') {
      nodeFs.closeSync(fd);
      this.fds.delete(relDir);
    }
  }

  close(): void {
    for (const fd of this.fds.values()) {
      try {
        nodeFs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    this.fds.clear();
  }
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

export interface ApplyOptions {
  /** Record the transaction here (relative to the root) so a crash can be recovered by `recoverInterrupted`. */
  journal?: string;
  /** Force the /proc-free fallback (tests). */
  procfs?: boolean;
}

/** Names of the side files of one transaction: `<name>.deployspec-<id>.<kind>` beside the file. */
export const SIDE_KINDS = ['tmp', 'bak', 'del', 'restore'] as const;
export type SideKind = (typeof SIDE_KINDS)[number];
export const ID_RE = /^[0-9a-z]{1,12}-[0-9a-f]{8,16}$/;
export function sidePath(rel: string, id: string, kind: SideKind): string {
  return `${rel}.deployspec-${id}.${kind}`;
}

export interface JournalFile {
  version: 1;
  id: string;
  /** prepare: temporaries being written (roll back); commit: renames under way (roll forward); rollback: undoing. */
  state: 'prepare' | 'commit' | 'rollback';
  writes: { path: string; sha256: string; backup: boolean }[];
  /** Files to remove, with the hash they had when the build decided to remove them. */
  deletes: { path: string; sha256: string }[];
  /** Folders the transaction creates, shallowest first. */
  dirs: string[];
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch {
    /* best effort: keep undoing the rest */
  }
}

function describe(verb: string, rel: string, err: unknown): Error {
  return ioError(verb, rel, err);
}

/** Applies every change or none. Throws (after undoing what it did) on the first failure. */
export function applyChanges(root: string, changes: Changes, fs: FsOps = realFs, opts: ApplyOptions = {}): WriteResult {
  const anchor = new Anchor(root, fs, { procfs: opts.procfs });
  try {
    return apply(anchor, changes, fs, opts);
  } finally {
    anchor.close();
  }
}

function apply(anchor: Anchor, changes: Changes, fs: FsOps, opts: ApplyOptions): WriteResult {
  // 1. Check every path and read what is there, before touching anything.
  const plan = changes.writes.map((f) => {
    const path = splitRel(f.path).join('/');
    const at = anchor.file(path);
    const st = at === null ? null : io('inspect', path, () => fs.lstat(at));
    if (st && !st.isFile()) throw new UnsafePathError(`refusing to write ${f.path}: it exists and is not a regular file`);
    let before: Buffer | null = null;
    if (st && at) {
      try {
        before = fs.readFile(at);
      } catch (err) {
        throw describe('read', f.path, err);
      }
    }
    return { path, contents: f.contents, before };
  });
  const removing = (changes.deletes ?? [])
    .map((d) => splitRel(d).join('/'))
    .map((path) => {
      const at = anchor.file(path);
      return at !== null && fs.lstat(at)?.isFile() ? { path, sha256: sha256(fs.readFile(at)) } : null;
    })
    .filter((d): d is { path: string; sha256: string } => d !== null);
  const removals = removing.map((d) => d.path);
  const changed = plan.filter((p) => p.before === null || !p.before.equals(Buffer.from(p.contents, 'utf8')));
  const result: WriteResult = {
    written: changed.map((p) => p.path),
    unchanged: plan.filter((p) => !changed.includes(p)).map((p) => p.path),
    deleted: [...removals],
  };
  if (!changed.length && !removals.length) return result;

  const id = `${process.pid.toString(36)}-${randomBytes(6).toString('hex')}`;
  const side = (rel: string, kind: SideKind) => anchor.file(sidePath(rel, id, kind))!;
  const made: string[] = [];
  const temps: string[] = []; // relative paths of temporaries that may exist
  const backups: string[] = [];
  const renamed: typeof changed = [];
  const moved: string[] = [];
  const journalMade: string[] = [];
  const journal: JournalFile | null = opts.journal
    ? {
        version: 1,
        id,
        state: 'prepare',
        writes: changed.map((p) => ({ path: p.path, sha256: sha256(p.contents), backup: p.before !== null })),
        deletes: removing,
        dirs: missingDirs(
          anchor,
          changed.map((p) => p.path),
        ),
      }
    : null;
  const saveJournal = (state: JournalFile['state']) => {
    if (!journal || !opts.journal) return;
    journal.state = state;
    writeJournal(anchor, fs, opts.journal, journal, id, journalMade);
  };

  try {
    // The journal goes first, so every temporary below is accounted for even if the process dies.
    if (journal && opts.journal) writeJournal(anchor, fs, opts.journal, journal, id, journalMade);
    // 2. Temporaries (and backups of the files they replace). Nothing visible has changed yet.
    for (const p of changed) {
      anchor.file(p.path, made);
      temps.push(p.path); // before writing: a half-written temporary must be removed too
      try {
        fs.writeFile(side(p.path, 'tmp'), p.contents);
      } catch (err) {
        throw describe('write', p.path, err);
      }
      if (p.before !== null) {
        backups.push(p.path);
        backup(fs, anchor.file(p.path)!, side(p.path, 'bak'), p.before, p.path);
      }
    }
    // 3. The commit point: from here on, a crash is rolled forward.
    saveJournal('commit');
    for (const p of changed) {
      anchor.verify(p.path);
      try {
        fs.rename(side(p.path, 'tmp'), anchor.file(p.path)!);
      } catch (err) {
        throw describe('write', p.path, err);
      }
      renamed.push(p);
      anchor.verify(p.path);
    }
    // Deleted files are first moved aside, so they can be put back if a later step fails.
    for (const d of removals) {
      try {
        fs.rename(anchor.file(d)!, side(d, 'del'));
      } catch (err) {
        throw describe('remove', d, err);
      }
      moved.push(d);
    }
  } catch (err) {
    attempt(() => saveJournal('rollback'));
    // Undo in reverse: put deleted files back, restore replaced ones from their backups, remove new ones.
    for (const d of [...moved].reverse()) attempt(() => fs.rename(side(d, 'del'), anchor.file(d)!));
    for (const p of renamed) {
      attempt(() => {
        if (p.before === null) fs.unlink(anchor.file(p.path)!);
        else if (fs.lstat(side(p.path, 'bak'))) fs.rename(side(p.path, 'bak'), anchor.file(p.path)!);
        else {
          fs.writeFile(side(p.path, 'restore'), p.before);
          fs.rename(side(p.path, 'restore'), anchor.file(p.path)!);
        }
      });
    }
    for (const t of temps) attempt(() => fs.lstat(side(t, 'tmp')) && fs.unlink(side(t, 'tmp')));
    for (const b of backups) attempt(() => fs.lstat(side(b, 'bak')) && fs.unlink(side(b, 'bak')));
    removeDirs(anchor, fs, made);
    if (opts.journal) removeJournal(anchor, fs, opts.journal, journalMade);
    throw err;
  }
  // 4. Done: the journal goes, then the backups and the files moved aside.
  if (opts.journal) removeJournal(anchor, fs, opts.journal, journalMade);
  for (const b of backups) attempt(() => fs.unlink(side(b, 'bak')));
  for (const d of moved) attempt(() => fs.unlink(side(d, 'del')));
  return result;
}

/** A second name for the file about to be replaced; a copy where hard links are not possible. */
function backup(fs: FsOps, file: string, bak: string, before: Buffer, rel: string): void {
  if (fs.link) {
    try {
      fs.link(file, bak);
      return;
    } catch {
      /* fall back to a copy */
    }
  }
  try {
    fs.writeFile(bak, before);
  } catch (err) {
    throw describe('back up', rel, err);
  }
}

/** Folders between the root and these files that do not exist yet, shallowest first. */
function missingDirs(anchor: Anchor, paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const parts = p.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (out.includes(d)) continue;
      if (anchor.dir(d) === null) out.push(d);
    }
  }
  return out;
}

function removeDirs(anchor: Anchor, fs: FsOps, dirs: readonly string[]): void {
  for (const d of [...dirs].reverse()) {
    anchor.forget(d);
    attempt(() => {
      const at = anchor.file(d);
      if (at) fs.rmdir(at);
    });
  }
}

function writeJournal(anchor: Anchor, fs: FsOps, rel: string, j: JournalFile, id: string, made: string[]): void {
  const text = JSON.stringify(j, null, 2) + '\n';
  const at = anchor.file(rel, made)!;
  const tmp = anchor.file(sidePath(rel, id, 'tmp'))!;
  try {
    if (fs.lstat(tmp)) fs.unlink(tmp);
    fs.writeFile(tmp, text);
    fs.rename(tmp, at);
  } catch (err) {
    attempt(() => fs.lstat(tmp) && fs.unlink(tmp));
    throw describe('write', rel, err);
  }
}

function removeJournal(anchor: Anchor, fs: FsOps, rel: string, made: readonly string[]): void {
  attempt(() => {
    const at = anchor.file(rel);
    if (at && fs.lstat(at)) fs.unlink(at);
  });
  removeDirs(anchor, fs, made);
}

export interface Recovery {
  /** What happened: nothing to do, or the interrupted build was rolled back or forward. */
  action: 'none' | 'rolled back' | 'rolled forward';
  /** Side files removed (temporaries, backups, files moved aside), relative to the root. */
  removed: string[];
  /** Files restored or completed. */
  restored: string[];
}

function readJournal(anchor: Anchor, rel: string): JournalFile | 'corrupt' | null {
  const at = anchor.file(rel);
  if (at === null) return null;
  let text: string;
  try {
    text = readRegularFile(at, { max: 8 * 1024 * 1024, noFollow: true, display: rel }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err instanceof IoError && err.code === 'ENOENT')) return null;
    return 'corrupt';
  }
  try {
    const j = JSON.parse(text) as JournalFile;
    const okPath = (p: unknown) =>
      typeof p === 'string' &&
      (() => {
        try {
          splitRel(p);
          return true;
        } catch {
          return false;
        }
      })();
    if (j?.version !== 1 || typeof j.id !== 'string' || !ID_RE.test(j.id) || !['prepare', 'commit', 'rollback'].includes(j.state)) return 'corrupt';
    if (!Array.isArray(j.writes) || !Array.isArray(j.deletes) || !Array.isArray(j.dirs)) return 'corrupt';
    if (!j.writes.every((w) => okPath(w?.path) && typeof w.sha256 === 'string' && /^[0-9a-f]{64}$/.test(w.sha256) && typeof w.backup === 'boolean'))
      return 'corrupt';
    if (!j.deletes.every((d) => okPath(d?.path) && typeof d.sha256 === 'string') || !j.dirs.every(okPath)) return 'corrupt';
    return j;
  } catch {
    return 'corrupt';
  }
}

/**
 * Finishes a build that was interrupted (crash, `kill -9`, power loss) according to its journal: before the commit
 * point the old files are all still in place, so the temporaries are removed (rolled back); after it, every new
 * file is complete on disk, so the remaining renames are done (rolled forward). Side files are only ever named
 * `<file>.deployspec-<id>.<kind>` after the journal's own id, and a temporary is only moved into place when its
 * hash is the one the journal recorded, so a forged journal can do no more than a forged file could. Call it
 * holding the build lock.
 */
export interface RecoverOptions {
  procfs?: boolean;
  /**
   * Whether deployspec could have written `contents` at `path` (`contents` null: whether it may write `path` at
   * all). The journal sits in the project and can be forged like the manifest, side files included, so every
   * action it asks for passes here first: a temporary moved into place, a backup put back (checked against the
   * file it replaces), a new file removed, a file moved aside put back, a folder removed (checked as the folder of
   * a file). The CLI passes its output-path policy and the prune rule. Without it nothing is removed and every
   * path is accepted.
   */
  allow?: (path: string, contents: string | null, removing: boolean) => boolean;
}

export function recoverInterrupted(root: string, journalRel: string, fs: FsOps = realFs, opts: RecoverOptions = {}): Recovery {
  const anchor = new Anchor(root, fs, opts);
  try {
    const j = readJournal(anchor, journalRel);
    const out: Recovery = { action: 'none', removed: [], restored: [] };
    if (j === null) return out;
    if (j === 'corrupt') {
      // A journal deployspec cannot read names no side file it could trust: drop it.
      removeJournal(anchor, fs, journalRel, []);
      return out;
    }
    const at = (rel: string) => {
      try {
        return anchor.file(rel);
      } catch {
        return null; // a link or non-folder on the way: leave it alone
      }
    };
    const isFile = (p: string | null) => p !== null && !!fs.lstat(p)?.isFile();
    const drop = (rel: string) => {
      const p = at(rel);
      if (p && isFile(p)) {
        fs.unlink(p);
        out.removed.push(rel);
      }
    };
    if (j.state === 'commit') {
      out.action = 'rolled forward';
      for (const w of j.writes) {
        const tmp = at(sidePath(w.path, j.id, 'tmp'));
        const file = at(w.path);
        if (tmp && file && isFile(tmp)) {
          const text = fs.readFile(tmp);
          if (sha256(text) === w.sha256 && (opts.allow?.(w.path, text.toString('utf8'), false) ?? true)) {
            fs.rename(tmp, file);
            out.restored.push(w.path);
          } else drop(sidePath(w.path, j.id, 'tmp'));
        }
        drop(sidePath(w.path, j.id, 'bak'));
      }
      for (const d of j.deletes) {
        drop(sidePath(d.path, j.id, 'del'));
        // Not moved aside yet: remove it only if it is still exactly the file the build decided to remove.
        const file = at(d.path);
        if (file && isFile(file) && opts.allow) {
          const text = fs.readFile(file);
          if (sha256(text) === d.sha256 && opts.allow(d.path, text.toString('utf8'), true)) {
            fs.unlink(file);
            out.removed.push(d.path);
          }
        }
      }
    } else {
      out.action = 'rolled back';
      for (const w of j.writes) {
        const bak = at(sidePath(w.path, j.id, 'bak'));
        const file = at(w.path);
        // Only the file this build put in place (its hash, and a file deployspec could have written there) is
        // replaced by its backup or removed: a forged journal cannot put back or remove anything else.
        const written = j.state === 'rollback' && file && isFile(file) ? fs.readFile(file) : null;
        const ours = written !== null && sha256(written) === w.sha256 && (opts.allow?.(w.path, written.toString('utf8'), true) ?? true);
        if (ours && file) {
          if (w.backup && bak && isFile(bak)) {
            fs.rename(bak, file);
            out.restored.push(w.path);
          } else if (!w.backup && opts.allow) {
            fs.unlink(file); // a new file this build had already created
            out.removed.push(w.path);
          }
        }
        drop(sidePath(w.path, j.id, 'tmp'));
        drop(sidePath(w.path, j.id, 'restore'));
        drop(sidePath(w.path, j.id, 'bak'));
      }
      for (const { path: d } of j.deletes) {
        const aside = at(sidePath(d, j.id, 'del'));
        const file = at(d);
        if (aside && file && isFile(aside) && !fs.lstat(file) && (opts.allow?.(d, fs.readFile(aside).toString('utf8'), true) ?? true)) {
          fs.rename(aside, file);
          out.restored.push(d);
        }
      }
    }
    drop(sidePath(journalRel, j.id, 'tmp'));
    removeJournal(anchor, fs, journalRel, []);
    // Folders the rolled-back build created go too, when empty (the journal's own folder last).
    if (out.action === 'rolled back') {
      // Only folders on the way to a file the journal may write: never `.git/refs` or the like.
      const ways = j.writes.filter((w) => opts.allow?.(w.path, null, false) ?? true).map((w) => splitRel(w.path).join('/'));
      for (const d of [...j.dirs].reverse()) {
        const dir = splitRel(d).join('/');
        if (!ways.some((w) => w.startsWith(`${dir}/`))) continue;
        anchor.forget(d);
        const p = at(d);
        if (p && fs.lstat(p)?.isDirectory()) attempt(() => fs.rmdir(p));
      }
    }
    return out;
  } finally {
    anchor.close();
  }
}

/**
 * Removes temporaries left beside these files by builds that had no journal (older versions, or a crash before the
 * journal was written): `<name>.deployspec-<id>.tmp|restore|del`. Only regular files with exactly that shape of
 * name, in the folders of the given files, are touched. Call it holding the build lock.
 */
export function sweepLeftovers(root: string, files: readonly string[], fs: FsOps = realFs): string[] {
  const anchor = new Anchor(root, fs);
  const removed: string[] = [];
  try {
    const byDir = new Map<string, Set<string>>();
    for (const f of files) {
      let parts: string[];
      try {
        parts = splitRel(f);
      } catch {
        continue;
      }
      const dir = parts.slice(0, -1).join('/');
      if (!byDir.has(dir)) byDir.set(dir, new Set());
      byDir.get(dir)!.add(parts[parts.length - 1]!);
    }
    for (const [dir, names] of byDir) {
      let prefix: string | null;
      try {
        prefix = anchor.dir(dir);
      } catch {
        continue;
      }
      if (prefix === null) continue;
      let entries: string[];
      try {
        entries = nodeFs.readdirSync(prefix);
      } catch {
        continue;
      }
      for (const e of entries) {
        const m = /^(.*)\.deployspec-([0-9a-z-]+)\.(tmp|restore|del)$/.exec(e);
        if (!m || !names.has(m[1]!)) continue;
        const p = `${prefix}/${e}`;
        if (!fs.lstat(p)?.isFile()) continue;
        attempt(() => {
          fs.unlink(p);
          removed.push(dir ? `${dir}/${e}` : e);
        });
      }
    }
  } finally {
    anchor.close();
  }
  return removed;
}

/** All-or-nothing write of a set of files (no deletions). */
export function writeFilesAtomically(root: string, files: readonly { path: string; contents: string }[], fs: FsOps = realFs): WriteResult {
  return applyChanges(root, { writes: files }, fs);
}

/** Writes one file given on the command line (`schema --out`) through a temporary and a rename. */
export function writeOutputFile(cwd: string, given: string, contents: string): void {
  const abs = resolve(cwd, given);
  const dir = resolve(abs, '..');
  let st: nodeFs.Stats | null;
  try {
    st = nodeFs.statSync(dir);
  } catch (err) {
    throw ioError('write', given, err);
  }
  if (!st.isDirectory()) throw new IoError(`cannot write ${given}: ${relative(cwd, dir) || dir} is not a folder`);
  const target = realFs.lstat(abs);
  if (target && !target.isFile()) throw new IoError(`cannot write ${given}: it exists and is not a regular file`);
  const tmp = `${abs}.deployspec-${process.pid.toString(36)}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    realFs.writeFile(tmp, contents);
    nodeFs.renameSync(tmp, abs);
  } catch (err) {
    attempt(() => nodeFs.unlinkSync(tmp));
    throw ioError('write', given, err);
  }
}

export { formatBytes };
