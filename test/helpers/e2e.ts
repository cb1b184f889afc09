/**
 * What the end-to-end tests on real software share: the loud skip (a failure in CI), the list of what the machine
 * lacks to run them, and how each platform's files become the environment of a command, read the way the platform
 * reads them: a Procfile's `name: command` lines, app.json's config vars, an app spec's envs with their bindings.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';
import type { Matrix } from './django-matrix.js';

/** Skips loudly; in CI (CI=true), which installs everything (scripts/system-deps.sh), the test fails instead. */
export function skipOrFail(suite: Test, name: string, message: string): void {
  if (process.env.CI === 'true') suite(name, () => assert.unreachable(`${message} — CI must run the end-to-end test`));
  else {
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n!! SKIPPED: ${name} — ${message}\n${bar}\n`);
    suite.skip(name, () => {});
  }
}

export function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** What the machine lacks for the Django end-to-end tests (PostgreSQL, openssl, namespaces, root, the matrix). */
export function missingForDjango(pgBin: string | null, matrix: Matrix): string[] {
  return [
    pgBin ? '' : 'PostgreSQL (Debian package postgresql)',
    has('openssl') ? '' : 'openssl',
    has('unshare') && has('chroot') ? '' : 'unshare/chroot (util-linux, coreutils)',
    process.getuid?.() === 0 ? '' : 'root (the tests enter Debian root filesystems with chroot in private namespaces)',
    'missing' in matrix ? matrix.missing : '',
  ].filter(Boolean);
}

/** `name: command` lines of a Procfile, as node-foreman reads them. */
export function procfile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The environment every command in a Debian root starts from; PYTHONPATH selects the matrix's Django. */
export function pythonBase(pythonPath: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/tmp',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    ...(pythonPath ? { PYTHONPATH: pythonPath } : {}),
    // libpq's default is "prefer": without this, a client would use TLS on its own and hide a missing sslmode.
    PGSSLMODE: 'disable',
  };
}

type AppJson = { env?: Record<string, string | { value?: string; generator?: string }> };

/**
 * The config vars Heroku sets from an app.json: plain values as written, a fresh random value for each
 * `generator: secret` (as Heroku generates it on app creation).
 */
export function herokuConfigVars(app: AppJson): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(app.env ?? {}).flatMap(([k, v]) => {
      if (typeof v === 'string') return [[k, v]];
      if (v.generator === 'secret') return [[k, randomBytes(40).toString('base64url')]];
      return v.value === undefined ? [] : [[k, v.value]];
    }),
  );
}

export type DoEnv = { key: string; value?: string; type?: string };

/**
 * The variables App Platform sets from an app spec's envs: bindable `${...}` references resolved from `binds`, a
 * SECRET with the value the operator stored in `secrets` (one not there was left unset); PORT is left out (the
 * tests bind 127.0.0.1 through GUNICORN_CMD_ARGS).
 */
export function appPlatformVars(list: DoEnv[] | undefined, binds: Record<string, string>, secrets: Record<string, string> = {}): NodeJS.ProcessEnv {
  return Object.fromEntries(
    (list ?? []).flatMap((e) => {
      if (e.key === 'PORT') return [];
      if (e.type === 'SECRET') return secrets[e.key] === undefined ? [] : [[e.key, secrets[e.key]]];
      return e.value === undefined ? [] : [[e.key, binds[e.value] ?? e.value]];
    }),
  );
}
