/**
 * A minimal Language Server Protocol client over stdio, for driving the real yaml-language-server from tests:
 * Content-Length framing, JSON-RPC requests with ids and per-request timeouts, notifications, and answers to the
 * server's own requests (workspace/configuration and friends). Always call `stop()`; it kills the process.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ROOT } from './spec.js';

export const SERVER = ROOT + 'node_modules/yaml-language-server/bin/yaml-language-server';

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  severity?: number;
  source?: string;
}

export interface CompletionItem {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: string | { kind: string; value: string };
  insertText?: string;
  insertTextFormat?: number;
  textEdit?: { newText: string };
}

type Pending = { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout };

export class LspClient {
  private proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private diagnostics = new Map<string, LspDiagnostic[]>();
  private diagnosticWaiters: { uri: string; resolve(d: LspDiagnostic[]): void }[] = [];
  private versions = new Map<string, number>();
  stderr = '';

  constructor(
    private settings: Record<string, unknown> = {},
    private timeoutMs = 10_000,
  ) {
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // Never outlive the test process, even when a test run is aborted.
    const kill = () => this.proc.kill('SIGKILL');
    process.once('exit', kill);
    this.proc.on('exit', () => {
      process.off('exit', kill);
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`language server exited\n${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
      if (!Number.isFinite(length)) throw new Error(`bad LSP header: ${header}`);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.onMessage(JSON.parse(body) as Record<string, unknown>);
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id as number);
      if (!p) return;
      this.pending.delete(msg.id as number);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new Error(JSON.stringify(msg.error)));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      // A request from the server: answer so it never waits on us.
      this.send({ jsonrpc: '2.0', id: msg.id, result: this.answer(msg.method as string, msg.params) });
      return;
    }
    if (msg.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = msg.params as { uri: string; diagnostics: LspDiagnostic[] };
      this.diagnostics.set(uri, diagnostics);
      const ready = this.diagnosticWaiters.filter((w) => w.uri === uri);
      this.diagnosticWaiters = this.diagnosticWaiters.filter((w) => w.uri !== uri);
      for (const w of ready) w.resolve(diagnostics);
    }
  }

  private answer(method: string, params: unknown): unknown {
    if (method === 'workspace/configuration') {
      const items = (params as { items: { section?: string }[] }).items;
      return items.map((i) => (i.section ? this.section(i.section) : null));
    }
    return null;
  }

  private section(name: string): unknown {
    const all: Record<string, unknown> = { yaml: this.settings, http: { proxy: '', proxyStrictSSL: false }, '[yaml]': {}, editor: { tabSize: 2 }, files: {} };
    return all[name] ?? null;
  }

  private send(msg: unknown): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  async start(rootDir = ROOT): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(rootDir).href,
      workspaceFolders: [{ uri: pathToFileURL(rootDir).href, name: 'root' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          // Declaring markdown makes the server send markdownDescription instead of description.
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: false },
        },
      },
    });
    this.notify('initialized', {});
    this.notify('workspace/didChangeConfiguration', { settings: { yaml: this.settings } });
  }

  /** Opens a document and waits for its first diagnostics: until then the server has not applied the schema. */
  open(uri: string, text: string): Promise<LspDiagnostic[]> {
    this.versions.set(uri, 1);
    const waiting = this.waitForDiagnostics(uri);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return waiting;
  }

  close(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  waitForDiagnostics(uri: string): Promise<LspDiagnostic[]> {
    return new Promise((resolve, reject) => {
      const waiter = { uri, resolve: (d: LspDiagnostic[]) => {
        clearTimeout(timer);
        resolve(d);
      } };
      const timer = setTimeout(() => {
        this.diagnosticWaiters = this.diagnosticWaiters.filter((w) => w !== waiter);
        reject(new Error(`no diagnostics for ${uri} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.diagnosticWaiters.push(waiter);
    });
  }

  async completion(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const r = await this.request<{ items: CompletionItem[] } | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  async hover(uri: string, line: number, character: number): Promise<string> {
    const r = await this.request<{ contents: string | { value: string } | (string | { value: string })[] } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    if (!r) return '';
    const parts = Array.isArray(r.contents) ? r.contents : [r.contents];
    return parts.map((p) => (typeof p === 'string' ? p : p.value)).join('\n');
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 1000))]);
      this.notify('exit', null);
    } catch {
      // The process is killed below either way.
    }
    this.proc.kill('SIGKILL');
  }
}
