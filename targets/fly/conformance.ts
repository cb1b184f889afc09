/**
 * Test-only proof of the Fly.io output: every fly*.toml parses with a TOML parser (smol-toml) and validates against
 * SchemaStore's fly.toml schema (test/conformance/schemas/fly-toml.schema.json, draft-07), plus what that schema
 * leaves loose and flyctl or Fly's docs require: process names referenced by [http_service] and [[vm]] exist, every
 * command is one line flyctl can split into words, [env] holds strings under names not beginning with FLY_, the
 * Machine sizes are ones Fly accepts, and the build's values come back exactly (plain values, commands) while no
 * secret appears.
 */
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { parse } from 'smol-toml';
import type { CompileResult } from '../../src/compile.js';
import { webCommand } from '../../src/model/commands.js';
import { ENUMS } from './options.gen.js';
import { shlexSplit } from './shlex.js';
import { memoryMb, sizeProblem } from './sizes.js';

export const unavailable: string | null = null;

const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true });
// SOURCES.md: the schema carries taplo's editor keywords.
ajv.addKeyword('x-taplo');
ajv.addKeyword('x-taplo-info');
const schema = JSON.parse(readFileSync(new URL('../../test/conformance/schemas/fly-toml.schema.json', import.meta.url), 'utf8'));
const validate = ajv.compile(schema);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Problems in one parsed fly.toml that the schema does not catch. */
export function flyRules(cfg: Obj): string[] {
  const out: string[] = [];
  if (typeof cfg.app !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(cfg.app)) out.push(`app ${JSON.stringify(cfg.app)} is not a Fly app name`);
  if (cfg.primary_region !== undefined && !(ENUMS.region as readonly unknown[]).includes(cfg.primary_region)) out.push(`primary_region ${String(cfg.primary_region)} is not a Fly region`);
  const command = (text: unknown, where: string) => {
    if (typeof text !== 'string') return out.push(`${where} is not a string`);
    if (/[\r\n]/.test(text)) out.push(`${where} is not one line`);
    const { words, error } = shlexSplit(text);
    if (error) out.push(`${where}: flyctl cannot split it (${error})`);
    else if (!words.length) out.push(`${where} is empty`);
  };
  const processes = isObj(cfg.processes) ? cfg.processes : {};
  for (const [name, cmd] of Object.entries(processes)) command(cmd, `processes.${name}`);
  const groups = new Set(Object.keys(processes));
  const refs = (list: unknown, where: string) => {
    for (const p of Array.isArray(list) ? list : []) if (!groups.has(p as string)) out.push(`${where} names process ${String(p)}, which [processes] does not define`);
  };
  const deploy = isObj(cfg.deploy) ? cfg.deploy : {};
  if (deploy.release_command !== undefined) command(deploy.release_command, 'deploy.release_command');
  const http = isObj(cfg.http_service) ? cfg.http_service : null;
  if (http) {
    refs(http.processes, 'http_service.processes');
    if (groups.size && !Array.isArray(http.processes)) out.push('http_service has no processes although [processes] defines groups');
    for (const c of Array.isArray(http.checks) ? http.checks : []) if (!isObj(c) || typeof c.path !== 'string' || !c.path.startsWith('/')) out.push('http_service.checks path must start with /');
    if ((http.auto_stop_machines ?? 'off') === 'off' && http.auto_start_machines === true) out.push('auto_start_machines without auto_stop_machines (Fly recommends both or neither)');
  }
  const perGroup = new Map<string, number>();
  for (const [i, v] of (Array.isArray(cfg.vm) ? cfg.vm : []).entries()) {
    if (!isObj(v)) continue;
    refs(v.processes, `vm[${i}].processes`);
    for (const p of Array.isArray(v.processes) ? v.processes : []) perGroup.set(p as string, (perGroup.get(p as string) ?? 0) + 1);
    const mb = memoryMb(v.memory);
    if (mb === null) out.push(`vm[${i}].memory ${String(v.memory)} is not a size`);
    else if (v.cpu_kind && v.cpus) {
      const problem = sizeProblem({ cpuKind: v.cpu_kind as 'shared', cpus: v.cpus as 1, memoryMb: mb });
      if (problem) out.push(`vm[${i}]: ${problem}`);
    }
  }
  for (const [g, n] of perGroup) if (n > 1) out.push(`process ${g} has ${n} [[vm]] sections`);
  for (const [k, v] of Object.entries(isObj(cfg.env) ? cfg.env : {})) {
    if (/^FLY_/i.test(k)) out.push(`env.${k}: names beginning with FLY_ are reserved`);
    if (typeof v !== 'string') out.push(`env.${k} is not a string`);
    else if (v.includes('\u0000')) out.push(`env.${k} contains NUL`);
  }
  return out;
}

/** True when `text`, as flyctl runs it, runs `command` the way a shell would. */
function runsAs(text: unknown, command: string): boolean {
  if (typeof text !== 'string') return false;
  const { words, error } = shlexSplit(text);
  if (error) return false;
  if (words.length === 3 && words[0] === 'sh' && words[1] === '-c') return words[2] === command;
  const plain = command.trim().split(/[ \t]+/);
  return plain.every((w) => PLAIN.test(w)) && JSON.stringify(words) === JSON.stringify(plain);
}

export function conformance(result: CompileResult): string[] {
  const out: string[] = [];
  const files = result.files.filter((f) => /^fly(\.[a-z0-9-]+)?\.toml$/.test(f.path));
  if (!files.some((f) => f.path === 'fly.toml')) out.push('fly.toml is missing');
  for (const env of result.environments) if (!files.some((f) => f.path === `fly.${env}.toml`)) out.push(`fly.${env}.toml is missing`);
  const m = result.model;
  for (const f of files) {
    let cfg: Obj;
    try {
      cfg = parse(f.contents) as Obj;
    } catch (err) {
      out.push(`${f.path}: not valid TOML: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!validate(cfg)) out.push(...(validate.errors ?? []).map((e) => `${f.path}: ${e.instancePath || '/'} ${e.message}`));
    out.push(...flyRules(cfg).map((p) => `${f.path}: ${p}`));
    if (!m) continue;
    const env = isObj(cfg.env) ? cfg.env : {};
    for (const v of m.env) {
      const secret = v.kind === 'secret' || v.kind === 'generated' || v.kind === 'reference';
      if (secret && v.name in env) out.push(`${f.path}: secret ${v.name} is in [env]`);
    }
    const env0 = f.path.match(/^fly\.([a-z0-9-]+)\.toml$/)?.[1] ?? null;
    if (env0 !== null && env0 !== m.environment) {
      if (typeof cfg.app !== 'string' || !cfg.app.endsWith(`-${env0}`)) out.push(`${f.path}: app ${String(cfg.app)} is not the ${env0} app`);
      continue;
    }
    // This file is the build's own model: every value must come back exactly.
    for (const v of m.env) if (v.kind === 'plain' && v.scope !== 'build' && v.name in env && env[v.name] !== v.value) out.push(`${f.path}: env.${v.name} changed`);
    const procs = isObj(cfg.processes) ? cfg.processes : {};
    for (const p of m.processes) {
      const expected = p.kind === 'web' ? webCommand(m, p, '.') : p.command;
      if (!runsAs(procs[p.name], expected)) out.push(`${f.path}: processes.${p.name} does not run ${JSON.stringify(expected)}`);
    }
    const deploy = isObj(cfg.deploy) ? cfg.deploy : {};
    if (m.release && !runsAs(deploy.release_command, m.release.command)) out.push(`${f.path}: release_command does not run ${JSON.stringify(m.release.command)}`);
    if (!m.release && deploy.release_command !== undefined) out.push(`${f.path}: release_command without a release step`);
  }
  return out;
}
