/**
 * Dockerfile lint rules, after hadolint's DLxxxx rules (ids and default severities as hadolint documents them;
 * messages are our own). Parsing is dockerfile-ast's. Pure: text in, findings out.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { Copy, Instruction } from 'dockerfile-ast';

export type LintSeverity = 'error' | 'warning' | 'info' | 'style';

export interface LintFinding {
  code: string;
  severity: LintSeverity;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export const RULES: Readonly<Record<string, { severity: LintSeverity; message: string }>> = {
  DL3000: { severity: 'error', message: 'WORKDIR must be an absolute path' },
  DL3002: { severity: 'warning', message: 'the last USER of the final stage is root; switch to an unprivileged user' },
  DL3004: { severity: 'error', message: 'do not use sudo in RUN: the build already runs as root (use gosu or USER to change users)' },
  DL3006: { severity: 'warning', message: 'tag the base image with an explicit version' },
  DL3007: { severity: 'warning', message: 'the `latest` tag changes under you; pin a release tag' },
  DL3011: { severity: 'error', message: 'EXPOSE port out of range: valid ports are 0 to 65535' },
  DL3012: { severity: 'error', message: 'a stage may have only one HEALTHCHECK' },
  DL3020: { severity: 'error', message: 'use COPY, not ADD, for local files and folders' },
  DL3021: { severity: 'error', message: 'COPY with several sources needs a destination folder ending in /' },
  DL3022: { severity: 'warning', message: 'COPY --from names no earlier build stage' },
  DL3023: { severity: 'error', message: 'COPY --from cannot copy from the stage it is in' },
  DL3024: { severity: 'error', message: 'build stage names must be unique' },
  DL3025: { severity: 'warning', message: 'write CMD and ENTRYPOINT in JSON (exec) form so signals reach the process' },
  DL3042: { severity: 'warning', message: 'pip install keeps a download cache in the image; add --no-cache-dir' },
  DL3045: { severity: 'warning', message: 'COPY to a relative destination before any WORKDIR in this stage' },
  DL3059: { severity: 'info', message: 'consecutive RUN instructions; consider joining them into one layer' },
  DL3061: { severity: 'error', message: 'a Dockerfile must start with FROM, ARG or a comment' },
  DL4003: { severity: 'warning', message: 'more than one CMD in a stage: only the last one takes effect' },
  DL4004: { severity: 'error', message: 'more than one ENTRYPOINT in a stage: only the last one takes effect' },
  DL4006: { severity: 'warning', message: 'RUN with a pipe: set SHELL ["/bin/bash", "-o", "pipefail", "-c"] first so a failing command fails the build' },
};

interface Stage {
  index: number;
  alias: string | null;
  /** Alias of the stage this one builds on, when it does. */
  parent: string | null;
  hasWorkdir: boolean;
  pipefail: boolean;
  noCacheEnv: boolean;
  counts: Record<string, number>;
  lastUser: Instruction | null;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz|zst)$/i;
const URL_SOURCE = /^(https?:\/\/|git@|git:\/\/)/i;

function isAbsolute(path: string): boolean {
  const p = path.replace(/^["']/, '');
  return p.startsWith('/') || p.startsWith('$') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\');
}

/** Simple commands of a shell line: split on operators, outside quotes. */
export function simpleCommands(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') {
        cur += c + (script[i + 1] ?? '');
        i++;
        continue;
      }
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === ';' || c === '|' || c === '&' || c === '\n' || c === '(' || c === ')') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** True when the script pipes one command into another (a lone `|` outside quotes). */
export function hasPipe(script: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '|') {
      if (script[i + 1] === '|') i++;
      else return true;
    }
  }
  return false;
}

function runScript(inst: Instruction): string {
  return inst.getArgumentsContent() ?? '';
}

function jsonArray(text: string): string[] | null {
  try {
    const v: unknown = JSON.parse(text.trim());
    return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

/** Rule ids to skip, per 0-based line of the instruction they precede; `global` ones apply everywhere. */
function pragmas(text: string): { global: Set<string>; byLine: Map<number, Set<string>> } {
  const lines = text.split(/\r?\n/);
  const global = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  let pending: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const m = /^#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9, ]+)/.exec(line);
    if (m) {
      const ids = m[2]!.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      if (m[1]) ids.forEach((id) => global.add(id));
      else pending.push(...ids);
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    if (pending.length) byLine.set(i, new Set(pending));
    pending = [];
  });
  return { global, byLine };
}

export function lintDockerfile(text: string): LintFinding[] {
  const dockerfile = DockerfileParser.parse(text);
  const found: LintFinding[] = [];
  const report = (code: string, inst: Instruction) => {
    const start = inst.getRange().start;
    found.push({ code, severity: RULES[code]!.severity, message: RULES[code]!.message, line: start.line + 1, column: start.character + 1 });
  };
  const stages: Stage[] = [];
  let stage: Stage | null = null;
  let previous: Instruction | null = null;
  const instructions = dockerfile.getInstructions();
  const first = instructions[0];
  if (first && first.getKeyword() !== 'FROM' && first.getKeyword() !== 'ARG') report('DL3061', first);

  for (const inst of instructions) {
    const kw = inst.getKeyword();
    if (kw === 'FROM') {
      const from = inst as import('dockerfile-ast').From;
      const alias = from.getBuildStage();
      const image = from.getImage() ?? '';
      const known = stages.find((s) => s.alias !== null && s.alias.toLowerCase() === image.toLowerCase());
      if (alias && stages.some((s) => s.alias?.toLowerCase() === alias.toLowerCase())) report('DL3024', inst);
      if (!known && image && !image.includes('$') && image.toLowerCase() !== 'scratch') {
        const tag = from.getImageTag();
        const digest = from.getImageDigest();
        if (!tag && !digest) report('DL3006', inst);
        else if (tag === 'latest' && !digest) report('DL3007', inst);
      }
      stage = { index: stages.length, alias, parent: known?.alias ?? null, hasWorkdir: known?.hasWorkdir ?? false, pipefail: known?.pipefail ?? false, noCacheEnv: known?.noCacheEnv ?? false, counts: {}, lastUser: null };
      stages.push(stage);
      previous = inst;
      continue;
    }
    if (!stage) {
      previous = inst;
      continue;
    }
    stage.counts[kw] = (stage.counts[kw] ?? 0) + 1;
    switch (kw) {
      case 'WORKDIR': {
        const arg = inst.getArgumentsContent() ?? '';
        if (!isAbsolute(arg.trim())) report('DL3000', inst);
        stage.hasWorkdir = true;
        break;
      }
      case 'USER':
        stage.lastUser = inst;
        break;
      case 'SHELL': {
        const args = jsonArray(inst.getArgumentsContent() ?? '') ?? [];
        stage.pipefail = args.some((a, i) => (a === '-o' && args[i + 1] === 'pipefail') || /^-[a-z]*o$/.test(a) && args[i + 1] === 'pipefail');
        break;
      }
      case 'ENV':
        if (/\bPIP_NO_CACHE_DIR\b/.test(inst.getArgumentsContent() ?? '')) stage.noCacheEnv = true;
        break;
      case 'EXPOSE':
        for (const arg of inst.getArguments()) {
          const value = arg.getValue().replace(/\/(tcp|udp|sctp)$/i, '');
          if (value.includes('$')) continue;
          const ports = value.split('-');
          if (ports.some((p) => !/^\d+$/.test(p) || Number(p) > 65535)) {
            report('DL3011', inst);
            break;
          }
        }
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        if (jsonArray(inst.getArgumentsContent() ?? '') === null) report('DL3025', inst);
        if (stage.counts[kw]! > 1) report(kw === 'CMD' ? 'DL4003' : 'DL4004', inst);
        break;
      case 'HEALTHCHECK':
        if (stage.counts[kw]! > 1) report('DL3012', inst);
        break;
      case 'ADD': {
        const args = inst.getArguments().map((a) => a.getValue()).filter((a) => !a.startsWith('--'));
        const sources = args.slice(0, -1);
        if (sources.some((s) => !URL_SOURCE.test(s) && !ARCHIVE.test(s))) report('DL3020', inst);
        break;
      }
      case 'COPY':
        checkCopy(inst as Copy, stage, stages, report);
        break;
      case 'RUN':
        checkRun(inst, stage, previous, report);
        break;
    }
    previous = inst;
  }
  const last = stages[stages.length - 1];
  const user = last?.lastUser?.getArgumentsContent()?.trim() ?? '';
  if (last?.lastUser && /^(root|0)(:.*)?$/.test(user)) report('DL3002', last.lastUser);

  const { global, byLine } = pragmas(text);
  return found
    .filter((f) => !global.has(f.code) && !byLine.get(f.line - 1)?.has(f.code))
    .sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1));
}

function checkCopy(inst: Copy, stage: Stage, stages: Stage[], report: (code: string, inst: Instruction) => void): void {
  const from = inst.getFromFlag()?.getValue();
  if (from) {
    const lower = from.toLowerCase();
    if (stage.alias && stage.alias.toLowerCase() === lower) report('DL3023', inst);
    else {
      const earlier = stages.slice(0, stage.index);
      const known = /^\d+$/.test(from) ? Number(from) < stage.index : earlier.some((s) => s.alias?.toLowerCase() === lower);
      // Another image (`--from=nginx:1.27`) is allowed; a bare unknown name is most likely a typo of a stage.
      if (!known && !/[:/@$]/.test(from)) report('DL3022', inst);
    }
  }
  const args = inst.getArguments().map((a) => a.getValue());
  const json = jsonArray(inst.getArgumentsContent()?.replace(/^(--\S+\s+)+/, '') ?? '');
  const list = json ?? args;
  if (list.length < 2) return;
  const dest = list[list.length - 1]!;
  if (list.length > 2 && !dest.endsWith('/')) report('DL3021', inst);
  if (!isAbsolute(dest) && !stage.hasWorkdir) report('DL3045', inst);
}

function checkRun(inst: Instruction, stage: Stage, previous: Instruction | null, report: (code: string, inst: Instruction) => void): void {
  const script = runScript(inst);
  const flags = (i: Instruction) => (i as unknown as { getFlags?: () => { toString(): string }[] }).getFlags?.().map(String).join(' ') ?? '';
  if (previous?.getKeyword() === 'RUN' && flags(previous) === flags(inst)) report('DL3059', inst);
  const commands = simpleCommands(script);
  const words = (c: string) => c.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  if (commands.some((c) => words(c)[0] === 'sudo')) report('DL3004', inst);
  const cacheMount = /--mount=\S*type=cache/.test(flags(inst));
  if (!stage.noCacheEnv && !cacheMount) {
    const pip = commands.filter((c) => /(^|\s)(pip3?|python3?\s+-m\s+pip)\s+install(\s|$)/.test(words(c).join(' ')));
    if (pip.some((c) => !/(^|\s)--no-cache-dir(\s|$|=)/.test(c))) report('DL3042', inst);
  }
  if (!stage.pipefail && hasPipe(script) && !/set\s+-[a-z]*o\s+pipefail|set\s+-o\s+pipefail/.test(script)) report('DL4006', inst);
}
