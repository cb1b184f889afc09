/**
 * The Django matrix built by scripts/deps/20-django-matrix.sh (Debian trixie and sid root filesystems with Django
 * 4.2, 5.2 and 6.x, gunicorn, WhiteNoise, dj-database-url, psycopg2 and psycopg 3), and a way to run a command
 * line inside one of those roots the way a platform runs it: from the app's folder (/app on Heroku, /workspace on
 * App Platform), with the root read-only, its own /proc, /tmp and /dev/shm, in private mount and PID namespaces
 * (nothing is mounted on the machine, and when the command's first process ends, everything it started ends too),
 * and the machine's network, so servers are reachable on 127.0.0.1 and PostgreSQL on 127.0.0.1 is reachable.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (not taken from ./spec.js: that one loads the compiler, which these tests do not need). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MATRIX_SCRIPT = join(ROOT, 'scripts/deps/20-django-matrix.sh');
/** Where psycopg 3 is unpacked in every root; on PYTHONPATH only for the psycopg 3 runs. */
export const PSYCOPG3_PATH = '/opt/deployspec/psycopg3/usr/lib/python3/dist-packages';

export interface DjangoEnvironment {
  /** "4.2", "5.2", "6": the series the matrix promises. */
  series: string;
  /** The exact Django version found in the root, e.g. 5.2.18. */
  version: string;
  /** Name of the root filesystem (trixie, sid) and its absolute path. */
  rootName: string;
  root: string;
  /** PYTHONPATH inside the root that selects this Django ("" when it is the root's apt-installed one). */
  pythonPath: string;
  python: string;
}

export type Matrix = { dir: string; environments: DjangoEnvironment[] } | { missing: string };

/** The folder the matrix of the current script content lives in (the key is its sha256, as the script computes it). */
export function matrixDir(): string {
  const key = createHash('sha256').update(readFileSync(MATRIX_SCRIPT)).digest('hex').slice(0, 16);
  return join(process.env.DEPLOYSPEC_TEST_CACHE ?? '/opt/deployspec-test', `django-${key}`);
}

export function loadMatrix(): Matrix {
  const dir = matrixDir();
  if (!existsSync(join(dir, 'ok'))) return { missing: `no Django matrix in ${dir} (built by scripts/deps/20-django-matrix.sh)` };
  const environments = readFileSync(join(dir, 'matrix.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [series, version, rootName, pythonPath, python] = line.split('\t');
      return { series: series!, version: version!, rootName: rootName!, root: join(dir, rootName!), pythonPath: pythonPath ?? '', python: python! };
    });
  return { dir, environments };
}

/**
 * enter ROOT SOURCE MOUNTPOINT COMMAND: runs COMMAND with bash -c inside ROOT, from MOUNTPOINT, where SOURCE (a
 * folder of the machine) is mounted read-write. The environment passes through unchanged.
 */
const ENTER = [
  '#!/bin/sh',
  'set -eu',
  'if [ "${1:-}" != --inside ]; then',
  '  [ $# -eq 4 ] || { echo "usage: $0 ROOT SOURCE MOUNTPOINT COMMAND" >&2; exit 2; }',
  '  exec /usr/bin/unshare --mount --propagation private --pid --fork --kill-child -- /bin/sh "$0" --inside "$@"',
  'fi',
  'root=$2 src=$3 at=$4 cmd=$5',
  '/bin/mount --bind "$root" "$root"',
  '/bin/mount -o remount,bind,ro "$root"',
  '/bin/mount -t proc -o nosuid,nodev,noexec proc "$root/proc"',
  '/bin/mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"',
  '/bin/mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"',
  '/bin/mount --bind "$src" "$root$at"',
  'cd /',
  'exec /usr/sbin/chroot "$root" /bin/bash -c \'cd "$1" && exec /bin/bash -c "$2"\' bash "$at" "$cmd"',
  '',
].join('\n');

/** Writes the enter script into `dir` and returns a function that builds command lines for run()/startServer(). */
export function rootRunner(dir: string): (env: DjangoEnvironment, source: string, mountAt: string, command: string) => string {
  const script = join(dir, 'enter.sh');
  writeFileSync(script, ENTER);
  chmodSync(script, 0o755);
  return (env, source, mountAt, command) => 'exec ' + [script, env.root, source, mountAt, command].map(shellQuote).join(' ');
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
