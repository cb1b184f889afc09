/**
 * The build lock, `.deployspec/lock` in the output folder: one writing build at a time, so two builds cannot
 * interleave their plans and lose each other's manifest entries. The lock file is created with O_EXCL and holds
 * the owner's pid and host. A later build waits for it (up to `DEPLOYSPEC_LOCK_WAIT_MS`, 10 s by default); a lock
 * whose owner is a dead process on this host is stale and taken over. Planning, recovery of an interrupted build
 * and writing all happen while holding it.
 */
import * as nodeFs from 'node:fs';
import { hostname } from 'node:os';
import { IoError, ioError } from './errors.js';
import { readRegularFile } from './file.js';
import { Anchor, realFs } from './write.js';

export const LOCK_PATH = '.deployspec/lock';

export interface Lock {
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
  started: string;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readRegularFile(path, { max: 4096, noFollow: true }).toString('utf8')) as Owner;
    return Number.isInteger(o?.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of output folder `root`, waiting for a running build to finish. The `.deployspec` folder is
 * created when missing and removed again on release if the build left it empty.
 */
export function acquireLock(root: string, opts: { waitMs?: number } = {}): Lock {
  const waitMs = opts.waitMs ?? Number(process.env.DEPLOYSPEC_LOCK_WAIT_MS ?? 10_000);
  const anchor = new Anchor(root);
  const made: string[] = [];
  let path: string;
  try {
    path = anchor.file(LOCK_PATH, made)!;
  } catch (err) {
    anchor.close();
    throw ioError('create', LOCK_PATH, err);
  }
  const me: Owner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      const fd = nodeFs.openSync(path, nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL | (nodeFs.constants.O_NOFOLLOW ?? 0), 0o644);
      try {
        nodeFs.writeSync(fd, JSON.stringify(me) + '\n');
      } finally {
        nodeFs.closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        anchor.close();
        throw ioError('create', LOCK_PATH, err);
      }
    }
    const owner = readOwner(path);
    if (owner && owner.host === me.host && !alive(owner.pid)) {
      // Stale: its build died. Move it aside under a unique name (only one waiting build wins the rename), and
      // put it back if it turns out to be a fresh lock taken in the meantime.
      const aside = `${path}.stale-${process.pid}`;
      try {
        nodeFs.renameSync(path, aside);
        const moved = readOwner(aside);
        if (moved && moved.pid === owner.pid) nodeFs.unlinkSync(aside);
        else {
          try {
            nodeFs.linkSync(aside, path);
          } catch {
            /* another lock is in place: ours was the stale one after all */
          }
          nodeFs.unlinkSync(aside);
        }
      } catch {
        /* someone else moved it first */
      }
      continue;
    }
    if (Date.now() >= deadline) {
      anchor.close();
      const who = owner ? `pid ${owner.pid}${owner.host !== me.host ? ` on ${owner.host}` : ''}, since ${owner.started}` : 'an unknown process';
      throw new IoError(`cannot lock ${LOCK_PATH}: another deployspec build is writing to this folder (${who}); wait for it, or delete ${LOCK_PATH} if no build is running`);
    }
    sleep(delay);
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        if (readOwner(path)?.pid === me.pid) realFs.unlink(path);
      } catch {
        /* already gone */
      }
      // .deployspec/ made only for the lock goes again when nothing else was put there.
      for (const d of [...made].reverse()) {
        anchor.forget(d);
        try {
          const p = anchor.file(d);
          if (p) nodeFs.rmdirSync(p);
        } catch {
          /* not empty: the build wrote its manifest there */
        }
      }
      anchor.close();
    },
  };
}
