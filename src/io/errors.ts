/**
 * Every file-system failure the CLI can meet is reported as one line naming the file and the cause, never a stack
 * trace. `IoError` is that line. It extends `UnsafePathError`, so the CLI's top level prints it as
 * `deployspec: <message>` and exits 1; `DEPLOYSPEC_DEBUG=1` appends the underlying stack for bug reports.
 */
import { UnsafePathError } from './unsafe.js';

export { UnsafePathError };

/** Plain words for the errno codes people actually meet. */
const CAUSES: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system or the file size limit (ulimit -f)',
  EROFS: 'read-only file system',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'a part of the path is a symbolic link',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENAMETOOLONG: 'the name is too long',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EAGAIN: 'the file is not ready to be read (a FIFO or device?)',
  EXDEV: 'the temporary file and the target are on different file systems',
  ENOTEMPTY: 'the folder is not empty',
  EINVAL: 'invalid argument',
};

/** The cause of a Node file-system error, in words, with its code: `permission denied (EACCES)`. */
export function causeOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code && CAUSES[code]) return `${CAUSES[code]} (${code})`;
  if (code) return code;
  return (err as Error | null)?.message?.split('\n')[0] ?? String(err);
}

export class IoError extends UnsafePathError {
  /** The errno code of the underlying failure, when there was one. */
  readonly code?: string;
  constructor(message: string, cause?: unknown) {
    const debug = process.env.DEPLOYSPEC_DEBUG && cause instanceof Error && cause.stack ? `\n${cause.stack}` : '';
    super(message + debug);
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    if (code) this.code = code;
  }
}

/** Wraps a failed operation on `file`: `cannot write Procfile: no space left on the device (ENOSPC)`. */
export function ioError(verb: string, file: string, err: unknown): Error {
  if (err instanceof UnsafePathError) return err;
  return new IoError(`cannot ${verb} ${file}: ${causeOf(err)}`, err);
}

/** Runs `fn`; a file-system error becomes an IoError naming `file`. */
export function io<T>(verb: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw ioError(verb, file, err);
  }
}
