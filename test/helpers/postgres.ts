/**
 * A throwaway PostgreSQL cluster for tests: own data folder (mktemp), own free port, loopback only, scram-sha-256
 * for every connection, run as the `postgres` user (it refuses root). stop() removes everything.
 * With `{ tls: true }` the server has ssl=on with a self-signed certificate made for the run (openssl), and
 * refuses every TCP connection that is not encrypted (pg_hba `hostnossl … reject`), as managed databases do.
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from './processes.js';

export interface Postgres {
  port: number;
  password: string;
  /** Whether the server speaks TLS and refuses unencrypted connections. */
  tls: boolean;
  /** URL of a database as the superuser. */
  url(db: string, password?: string): string;
  createDatabase(name: string): void;
  /** Runs SQL with psql and returns the unaligned output. */
  sql(db: string, query: string, password?: string): string;
  stop(): void;
}

export interface PostgresOptions {
  /** ssl=on with a self-signed certificate; unencrypted TCP connections are refused. */
  tls?: boolean;
}

/** One row of pg_stat_activity joined with pg_stat_ssl: a client connection and whether it is encrypted. */
export interface Connection {
  pid: number;
  db: string;
  app: string;
  ssl: boolean;
  version: string;
}

/** Client connections to `db` other than the one asking, with their TLS state (pg_stat_ssl). */
export function connections(pg: Postgres, db: string, app?: string): Connection[] {
  const where = app === undefined ? '' : ` AND a.application_name = '${app.replace(/'/g, "''")}'`;
  const out = pg.sql(
    'postgres',
    `SELECT a.pid, a.datname, a.application_name, s.ssl, coalesce(s.version, '') FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) ` +
      `WHERE a.datname = '${db.replace(/'/g, "''")}' AND a.pid <> pg_backend_pid()${where}`,
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, datname, appName, ssl, version] = line.split('|');
      return { pid: Number(pid), db: datname!, app: appName!, ssl: ssl === 't', version: version! };
    });
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

/** A self-signed certificate and key for 127.0.0.1/localhost, owned by uid/gid, key mode 0600. */
function selfSigned(dir: string, uid: number, gid: number): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a certificate (${r.error?.message ?? r.status}):\n${r.stderr}`);
  chmodSync(key, 0o600);
  for (const f of [cert, key]) chownSync(f, uid, gid);
  return { cert, key };
}

export async function startPostgres(bin: string, opts: PostgresOptions = {}): Promise<Postgres> {
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
  const stop = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate', '-w'], { timeout: 30_000 });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', () => existsSync(dir) && stop());
  const tls = opts.tls === true;
  let port = 0;
  try {
    as([join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C', '--no-sync']);
    port = await freePort();
    const settings = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-k ${dir}`, '-c fsync=off'];
    if (tls) {
      const { cert, key } = selfSigned(dir, uid, gid);
      settings.push('-c ssl=on', `-c ssl_cert_file=${cert}`, `-c ssl_key_file=${key}`);
      // First match wins: unencrypted TCP connections are refused before initdb's `host … scram-sha-256` lines.
      const hba = join(data, 'pg_hba.conf');
      writeFileSync(hba, 'hostnossl all all 0.0.0.0/0 reject\nhostnossl all all ::/0 reject\n' + readFileSync(hba, 'utf8'));
    }
    as([join(bin, 'pg_ctl'), 'start', '-w', '-D', data, '-l', join(dir, 'log'), '-o', settings.join(' ')]);
  } catch (err) {
    stop();
    throw err;
  }
  const url = (db: string, pw = password) => `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/${db}`;
  const sql = (db: string, query: string, pw = password) => {
    // psql connects with TLS whenever the server has it, whatever PGSSLMODE the caller's environment holds.
    const target = url(db, pw) + (tls ? '?sslmode=require' : '');
    const r = spawnSync(join(bin, 'psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', query, target], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    port,
    password,
    tls,
    url,
    sql,
    createDatabase: (name) => void sql('postgres', `CREATE DATABASE ${name}`),
    stop,
  };
}
