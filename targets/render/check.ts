/**
 * Rules Render's documentation states for a Blueprint that its published JSON schema leaves out (or states only as
 * prose): an environment variable has exactly one source (`value`, `generateValue`, `sync: false`, `fromDatabase`,
 * `fromService`, `fromGroup`); references name a database, service or group the Blueprint defines, with a property
 * Render offers; names are unique within the Blueprint; `healthCheckPath` is a path; a cron schedule has five
 * fields; `preDeployCommand` is run without a shell. Sources: render.com/docs/blueprint-spec ("Environment
 * variables", "Referencing values from other services"), /docs/cronjobs, /docs/deploys ("Pre-deploy command").
 * The emitter's output and the tests' samples (../shared/conformance/samples/render-*.yaml) are checked with it.
 */
import { checkCron } from '../../src/spec/cron.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Properties `fromDatabase` offers (Blueprint spec: "Referencing values from other services"). */
export const DATABASE_PROPERTIES = ['connectionString', 'connectionPoolString', 'host', 'port', 'user', 'password', 'database'];
/** Properties `fromService` offers. */
export const SERVICE_PROPERTIES = ['host', 'port', 'hostport', 'connectionString'];
const SOURCES = ['value', 'generateValue', 'sync', 'fromDatabase', 'fromService', 'fromGroup'] as const;

/**
 * Splits a command line into words as a POSIX shell would (quotes and backslashes), or returns null when the line
 * uses anything a shell must interpret: operators (`&&`, `|`, `;`, redirections, `&`), expansions (`$`, backticks,
 * globs, a leading `~`), comments, an assignment prefix (`A=1 cmd`) or a shell builtin such as `cd`.
 */
export function plainWords(command: string): string[] | null {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return null;
      cur += command.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        const d = command[j]!;
        if (d === '$' || d === '`') return null;
        if (d === '\\' && j + 1 < command.length && '"\\$`\n'.includes(command[j + 1]!)) {
          cur += command[++j];
          continue;
        }
        cur += d;
      }
      if (j >= command.length) return null;
      i = j;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= command.length) return null;
      cur += command[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if ('&|;<>()$`*?[]{}!\n\r'.includes(c) || (c === '#' && !inWord) || (c === '~' && !inWord)) {
      return null;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  if (!words.length) return null;
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) return null;
  if (['cd', 'export', 'source', '.', 'exec', 'set', 'unset', 'alias', 'eval', 'ulimit', 'umask'].includes(words[0]!)) return null;
  return words;
}

/** True when `command` only works when a shell runs it (see plainWords). */
export function needsShell(command: string): boolean {
  return plainWords(command) === null;
}

/** A form of `command` that runs the same without a shell: itself when it is plain words, else `bash -c '…'`. */
export function withoutShell(command: string): string {
  return needsShell(command) ? `bash -c '${command.replace(/'/g, `'\\''`)}'` : command;
}

/** The shell line inside `bash -c '…'`/`sh -c '…'`, or null when `command` is not that form. */
export function unwrapShell(command: string): string | null {
  const w = plainWords(command);
  return w && w.length === 3 && (w[0] === 'bash' || w[0] === 'sh' || w[0] === '/bin/bash' || w[0] === '/bin/sh') && w[1] === '-c' ? w[2]! : null;
}

interface Scope {
  at: string;
  block: Json;
}

/** Every resource block: the root, `ungrouped`, and each project environment. */
function scopes(bp: Json): Scope[] {
  const out: Scope[] = [{ at: '', block: bp }];
  if (isObj(bp.ungrouped)) out.push({ at: 'ungrouped.', block: bp.ungrouped });
  list(bp.projects).forEach((p, i) => {
    if (!isObj(p)) return;
    list(p.environments).forEach((e, j) => {
      if (isObj(e)) out.push({ at: `projects[${i}].environments[${j}].`, block: e });
    });
  });
  return out;
}

/** Problems Render's documented rules find in a Blueprint; empty when it keeps to them. */
export function checkBlueprint(bp: unknown): string[] {
  const out: string[] = [];
  if (!isObj(bp)) return ['a Blueprint is a mapping'];
  const all = scopes(bp);
  const names = new Map<string, string>();
  const groupNames = new Map<string, string>();
  const unique = (seen: Map<string, string>, name: unknown, where: string, what: string) => {
    if (typeof name !== 'string' || !name) return void out.push(`${where}: a ${what} needs a name`);
    const prior = seen.get(name);
    if (prior) out.push(`${where}: name "${name}" is already used by ${prior} (names are unique within the Blueprint)`);
    else seen.set(name, where);
  };
  for (const s of all) {
    list(s.block.services).forEach((svc, i) => isObj(svc) && unique(names, svc.name, `${s.at}services[${i}]`, 'service'));
    list(s.block.databases).forEach((db, i) => isObj(db) && unique(names, db.name, `${s.at}databases[${i}]`, 'database'));
    list(s.block.envVarGroups).forEach((g, i) => isObj(g) && unique(groupNames, g.name, `${s.at}envVarGroups[${i}]`, 'environment group'));
  }
  const root = all[0]!.block;
  for (const s of all) {
    // References resolve within the same block, or to the root's resources.
    const visible = (key: string) => [...list(s.block[key]), ...(s.block === root ? [] : list(root[key]))].filter(isObj);
    const dbNames = new Set(visible('databases').map((d) => d.name));
    const services = visible('services');
    const groups = new Set(visible('envVarGroups').map((g) => g.name));
    const checkVars = (vars: unknown, where: string, inGroup: boolean) => {
      list(vars).forEach((v, i) => {
        const at = `${where}.envVars[${i}]`;
        if (!isObj(v)) return void out.push(`${at}: an environment variable is a mapping`);
        const sources = SOURCES.filter((k) => v[k] !== undefined);
        if (sources.length > 1) out.push(`${at}: ${sources.join(', ')} are exclusive: an environment variable has one source`);
        if (v.fromGroup !== undefined) {
          if (v.key !== undefined) out.push(`${at}: fromGroup takes no key`);
          if (inGroup) out.push(`${at}: an environment group cannot include another group`);
          else if (!groups.has(v.fromGroup)) out.push(`${at}: fromGroup names "${String(v.fromGroup)}", which no envVarGroups entry defines`);
          return;
        }
        if (typeof v.key !== 'string' || !v.key) out.push(`${at}: key is required`);
        if (v.generateValue !== undefined && v.generateValue !== true) out.push(`${at}: generateValue can only be true`);
        if (v.sync !== undefined && v.sync !== false) out.push(`${at}: sync can only be false (a value Render asks for in the Dashboard)`);
        if (inGroup && (v.fromDatabase !== undefined || v.fromService !== undefined)) out.push(`${at}: environment groups hold values only, not fromDatabase or fromService`);
        if (v.fromDatabase !== undefined) {
          const f = v.fromDatabase;
          if (!isObj(f) || typeof f.name !== 'string' || typeof f.property !== 'string') out.push(`${at}: fromDatabase needs name and property`);
          else {
            if (!DATABASE_PROPERTIES.includes(f.property)) out.push(`${at}: fromDatabase.property "${f.property}" is not one of ${DATABASE_PROPERTIES.join(', ')}`);
            if (!dbNames.has(f.name)) out.push(`${at}: fromDatabase names "${f.name}", which no databases entry defines`);
          }
        }
        if (v.fromService !== undefined) {
          const f = v.fromService;
          if (!isObj(f) || typeof f.name !== 'string' || typeof f.type !== 'string') out.push(`${at}: fromService needs type and name`);
          else {
            const hasProp = f.property !== undefined;
            if (hasProp === (f.envVarKey !== undefined)) out.push(`${at}: fromService takes exactly one of property and envVarKey`);
            if (hasProp && !SERVICE_PROPERTIES.includes(f.property as string)) out.push(`${at}: fromService.property "${String(f.property)}" is not one of ${SERVICE_PROPERTIES.join(', ')}`);
            const kv = (t: unknown) => (t === 'redis' ? 'keyvalue' : t);
            if (!services.some((x) => x.name === f.name && kv(x.runtime === 'static' ? 'static' : x.type) === kv(f.type))) out.push(`${at}: fromService names ${String(f.type)} "${f.name}", which the Blueprint does not define`);
          }
        }
      });
    };
    list(s.block.envVarGroups).forEach((g, i) => isObj(g) && checkVars(g.envVars, `${s.at}envVarGroups[${i}]`, true));
    list(s.block.services).forEach((svc, i) => {
      if (!isObj(svc)) return;
      const at = `${s.at}services[${i}]`;
      checkVars(svc.envVars, at, false);
      if (svc.healthCheckPath !== undefined && (typeof svc.healthCheckPath !== 'string' || !svc.healthCheckPath.startsWith('/'))) out.push(`${at}: healthCheckPath must be a path starting with /`);
      if (svc.type === 'cron') {
        if (typeof svc.schedule !== 'string') out.push(`${at}: a cron job needs a schedule`);
        else {
          const problem = checkCron(svc.schedule);
          if (problem) out.push(`${at}: schedule: ${problem}`);
        }
      }
      if (typeof svc.preDeployCommand === 'string' && needsShell(svc.preDeployCommand)) {
        out.push(`${at}: preDeployCommand is run without a shell, so shell syntax in it does not work: wrap it as bash -c '…'`);
      }
      for (const k of ['buildCommand', 'startCommand', 'preDeployCommand']) {
        if (svc[k] !== undefined && (typeof svc[k] !== 'string' || /[\r\n]/.test(svc[k] as string) || !(svc[k] as string).trim())) out.push(`${at}: ${k} must be one non-empty line`);
      }
      if ((svc.type === 'keyvalue' || svc.type === 'redis') && !Array.isArray(svc.ipAllowList)) out.push(`${at}: a Key Value instance needs ipAllowList ([] allows internal connections only)`);
    });
  }
  return out;
}
