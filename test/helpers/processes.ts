/**
 * Child processes for real-software tests: every one runs in its own process group (`detached`), so stopping it
 * stops what its shell started too (`sh -c` does not exec). Whatever is still running at exit is killed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { constants } from 'node:os';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});
// Ctrl-C or a CI timeout: exit through the 'exit' handlers (they stop servers, databases and remove temporary
// folders) instead of dying with them still running.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => process.exit(128 + (constants.signals[signal] ?? 0)));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command line with `sh -c` to completion; on timeout the whole group is killed. */
export function run(command: string, opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs ?? 60_000} ms]`;
      killGroup(child, 'SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Server {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running command line; stop() ends its process group (TERM, then KILL after 5 s). */
export function startServer(command: string, opts: RunOptions): Server {
  const child = spawn('sh', ['-c', command], { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      // gunicorn workers may outlive the shell for a moment: make sure the group is empty.
      killGroup(child, 'SIGKILL');
      running.delete(child);
    },
  };
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request to 127.0.0.1 with exactly the headers given (Host included); the body is not decoded. */
export function http(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    // WSGI reads no body without Content-Length (node would send it chunked).
    const all = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, path, method, headers: all, setHost: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Polls until `path` answers (any status) or the server exits or the time runs out. */
export async function waitForHttp(port: number, path: string, headers: Record<string, string>, server: Server, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    try {
      await http(port, path, headers);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`no answer on 127.0.0.1:${port}${path} after ${ms} ms:\n${server.output()}`);
}

/** Local addresses (hex ip:port as in /proc/net/tcp*) listening on `port`. */
export function listeners(port: number, tables: string[]): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return tables.flatMap((t) =>
    t
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(':' + hexPort) && f[3] === '0A')
      .map((f) => f[1]!),
  );
}
