/**
 * The build lock, `.deployspec/lock` in the output folder: one writing build at a time, so two builds cannot
 * interleave their plans and lose each other's manifest entries. The lock file is created with O_EXCL and holds
 * the owner's pid and host, and where the system tells it (Linux), the boot and the moment the owner process
 * started. A later build waits for it (up to `DEPLOYSPEC_LOCK_WAIT_MS`, 10 s by default); a lock whose owner is a
 * dead process on this host is stale and taken over, and so is one whose pid now belongs to another process (a
 * reboot, or a container restarted with the same pids). Planning, recovery of an interrupted build and writing all
 * happen while holding it.
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
  /** `<boot id>:<start time in clock ticks>` of the owner process; absent where /proc does not tell it. */
  proc?: string;
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

/** The boot and start time of process `pid` (Linux /proc), which no other process shares; null elsewhere. */
function processStart(pid: number): string | null {
  try {
    const boot = nodeFs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = nodeFs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces or `)`.
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return boot && ticks && /^\d+$/.test(ticks) ? `${boot}:${ticks}` : null;
  } catch {
    return null;
  }
}

/** True when the process that wrote the lock is gone: its pid is dead, or now names a process started later. */
function ownerGone(owner: Owner): boolean {
  if (!alive(owner.pid)) return true;
  if (typeof owner.proc !== 'string') return false;
  const now = processStart(owner.pid);
  return now !== null && now !== owner.proc;
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
  const proc = processStart(process.pid);
  const me: Owner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), ...(proc ? { proc } : {}) };
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
    if (owner && owner.host === me.host && ownerGone(owner)) {
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
