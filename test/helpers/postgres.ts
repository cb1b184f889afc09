/**
 * A throwaway PostgreSQL cluster for tests: own data folder (mktemp), own free port, loopback only, scram-sha-256
 * for every connection, run as the `postgres` user (it refuses root). stop() removes everything.
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from './processes.js';

export interface Postgres {
  port: number;
  password: string;
  /** URL of a database as the superuser. */
  url(db: string, password?: string): string;
  createDatabase(name: string): void;
  /** Runs SQL with psql and returns the unaligned output. */
  sql(db: string, query: string, password?: string): string;
  stop(): void;
}

/** The newest /usr/lib/postgresql/<n>/bin, or null when the server is not installed. */
export function postgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : null;
}

function pgUser(): { uid: number; gid: number } {
  const [uid, gid] = execFileSync('sh', ['-c', 'id -u postgres; id -g postgres'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  return { uid: uid!, gid: gid! };
}

export async function startPostgres(bin: string): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-pg-'));
  chmodSync(dir, 0o755);
  const { uid, gid } = pgUser();
  chownSync(dir, uid, gid);
  const password = randomBytes(18).toString('hex');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  chownSync(pwfile, uid, gid);
  const data = join(dir, 'data');
  const as = (args: string[]) => {
    const r = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  };
  as([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C', '--no-sync']);
  const port = await freePort();
  const stop = () => {
    spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate', '-w'], { timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', () => existsSync(dir) && stop());
  try {
    as([join(bin, 'pg_ctl'), 'start', '-w', '-D', data, '-l', join(dir, 'log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`]);
  } catch (err) {
    stop();
    throw err;
  }
  const url = (db: string, pw = password) => `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/${db}`;
  const sql = (db: string, query: string, pw = password) => {
    const r = spawnSync(join(bin, 'psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', query, url(db, pw)], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    port,
    password,
    url,
    sql,
    createDatabase: (name) => void sql('postgres', `CREATE DATABASE ${name}`),
    stop,
  };
}
