/**
 * Bounded reads of regular files. Every file deployspec reads from a project (the spec, template overrides,
 * Dockerfiles to lint, the manifest, files `init` scans, files it is about to replace) goes through here: the file
 * is opened without blocking, checked with fstat on the open descriptor (so it cannot be swapped after the check),
 * and refused unless it is a regular file no larger than the limit. A FIFO, a device such as /dev/zero, a folder or
 * an oversized file ends in one clear error instead of a hang or unbounded memory.
 */
import * as fs from 'node:fs';
import { IoError, ioError } from './errors.js';

const { O_RDONLY, O_NONBLOCK = 0, O_NOCTTY = 0, O_NOFOLLOW = 0 } = fs.constants;

/** What a path is, in words, for refusals: `a FIFO`, `a folder`, ... */
export function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFile()) return 'a regular file';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

export interface ReadOptions {
  /** Largest size accepted, in bytes. */
  max: number;
  /** How the file is named in errors (defaults to the path). */
  display?: string;
  /** Refuse a symbolic link as the last part of the path (callers that resolved the folders safely). */
  noFollow?: boolean;
  /** Extra words after "larger than N" (what to do about it). */
  tooLargeHint?: string;
}

export class TooLargeError extends IoError {
  constructor(
    message: string,
    readonly size: number,
  ) {
    super(message);
  }
}

/** Reads a regular file of at most `max` bytes. Throws IoError (one line, naming the file) otherwise. */
export function readRegularFile(path: string, opts: ReadOptions): Buffer {
  const shown = opts.display ?? path;
  let fd: number;
  try {
    fd = fs.openSync(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | (opts.noFollow ? O_NOFOLLOW : 0));
  } catch (err) {
    throw ioError('read', shown, err);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new IoError(`cannot read ${shown}: it is ${kindOf(st)}, not a regular file`);
    if (st.size > opts.max) {
      throw new TooLargeError(`cannot read ${shown}: it is ${formatBytes(st.size)}, larger than the ${formatBytes(opts.max)} deployspec reads${opts.tooLargeHint ? `; ${opts.tooLargeHint}` : ''}`, st.size);
    }
    // The size can change while reading: read at most max + 1 bytes and refuse if the extra byte arrives.
    const buf = Buffer.allocUnsafe(Math.min(opts.max + 1, Math.max(st.size + 1, 64 * 1024)));
    let len = 0;
    let chunk = buf;
    for (;;) {
      if (len === chunk.length) {
        if (len > opts.max) break;
        const bigger = Buffer.allocUnsafe(Math.min(opts.max + 1, chunk.length * 2));
        chunk.copy(bigger, 0, 0, len);
        chunk = bigger;
      }
      const n = fs.readSync(fd, chunk, len, chunk.length - len, null);
      if (n === 0) break;
      len += n;
    }
    if (len > opts.max) throw new TooLargeError(`cannot read ${shown}: it grew past the ${formatBytes(opts.max)} deployspec reads`, len);
    return chunk.subarray(0, len);
  } catch (err) {
    throw ioError('read', shown, err);
  } finally {
    fs.closeSync(fd);
  }
}

/** lstat without throwing for a missing path; other errors (EACCES, ELOOP...) name the file. */
export function lstatOrNull(path: string, display = path): fs.Stats | null {
  try {
    return fs.lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw ioError('inspect', display, err);
  }
}

export function statOrNull(path: string, display = path): fs.Stats | null {
  try {
    return fs.statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw ioError('inspect', display, err);
  }
}
