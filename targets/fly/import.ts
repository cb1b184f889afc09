/**
 * `init` for Fly.io: carries over an existing `fly.toml` (app, primary_region, [processes], [env],
 * [deploy] release_command, the web service's health check path); lists in `draft.skipped` what it does not model.
 */
import { parse } from 'smol-toml';
import { setIn, slugName } from '../../src/init/draft.js';
import type { Draft } from '../../src/init/draft.js';
import { addEnv, isObj, isProcessName, plainOrSecret } from '../../src/init/env.js';
import type { Obj } from '../../src/init/env.js';
import type { ProjectFiles } from '../../src/init/files.js';
import type { Importer } from '../../src/target.js';
import { ENUMS } from './options.gen.js';
import { shlexSplit } from './shlex.js';

const FILE = 'fly.toml';
/** Set by Fly.io (PRIMARY_REGION from primary_region) or by the image deployspec builds (PORT). */
const PLATFORM_VARS = new Set(['PRIMARY_REGION', 'PORT']);
/** Top-level keys this importer reads; every other key is listed as skipped. */
const READ = new Set(['app', 'primary_region', 'processes', 'env', 'deploy', 'http_service']);

/** A command as deploy.yaml writes it: flyctl's `sh -c '<command>'` form unwrapped to the command it runs. */
export function commandFromFly(text: string): string {
  const { words, error } = shlexSplit(text);
  if (!error && words.length === 3 && /^(\/bin\/)?(ba)?sh$/.test(words[0]!) && words[1] === '-c') return words[2]!.trim();
  return text.trim();
}

function importFlyToml(files: ProjectFiles, d: Draft, nameGiven: boolean): void {
  const text = files.read(FILE);
  if (text === null) return;
  let cfg: Obj;
  try {
    cfg = parse(text) as Obj;
  } catch (err) {
    d.skipped.push(`${FILE}: not valid TOML (${(err as Error).message.split('\n')[0]}); nothing imported from it`);
    return;
  }
  d.found.push(FILE);
  d.imported.push({ path: FILE, target: 'fly' });
  // The app name replaces the folder's, not a name another platform file already gave.
  const nameSource = d.sources.get('name');
  const name = typeof cfg.app === 'string' ? slugName(cfg.app) : null;
  if (name && !nameGiven && (!nameSource || nameSource === 'the folder name')) setIn(d, ['name'], name, `${FILE} app`);
  if (typeof cfg.primary_region === 'string') {
    if ((ENUMS.region as readonly string[]).includes(cfg.primary_region)) setIn(d, ['targets', 'fly', 'region'], cfg.primary_region, `${FILE} primary_region`);
    else d.skipped.push(`${FILE} primary_region ${cfg.primary_region} (not one of Fly's current regions)`);
  }

  const http = isObj(cfg.http_service) ? cfg.http_service : null;
  const procs = isObj(cfg.processes) ? cfg.processes : {};
  // The web process is the group the HTTP service routes to (Fly's default group is `app`).
  const routed = http && Array.isArray(http.processes) && typeof http.processes[0] === 'string' ? http.processes[0] : 'app';
  for (const [group, raw] of Object.entries(procs)) {
    const where = `${FILE} processes.${group}`;
    if (typeof raw !== 'string' || !raw.trim()) {
      d.skipped.push(`${where} (not a command)`);
      continue;
    }
    const name = http && group === routed ? 'web' : group;
    if (!isProcessName(name)) {
      d.skipped.push(`${where} (process names are 2-32 lower-case letters, digits and hyphens)`);
      continue;
    }
    setIn(d, ['processes', name, 'command'], commandFromFly(raw), where);
  }

  for (const [name, value] of Object.entries(isObj(cfg.env) ? cfg.env : {})) {
    const src = `${FILE} env.${name}`;
    addEnv(d, name, plainOrSecret(d, name, String(value), undefined, src), src, PLATFORM_VARS);
  }

  const deploy = isObj(cfg.deploy) ? cfg.deploy : {};
  if (typeof deploy.release_command === 'string' && deploy.release_command.trim()) setIn(d, ['release', 'command'], commandFromFly(deploy.release_command), `${FILE} deploy.release_command`);
  for (const k of Object.keys(deploy)) if (k !== 'release_command') d.skipped.push(`${FILE} deploy.${k}`);

  if (http) {
    const checks = Array.isArray(http.checks) ? http.checks.filter(isObj) : [];
    const path = checks.map((c) => c.path).find((p): p is string => typeof p === 'string' && /^\/\S*$/.test(p));
    if (path) setIn(d, ['processes', 'web', 'health_check'], path, `${FILE} http_service.checks`);
    for (const k of Object.keys(http)) if (!['checks', 'processes', 'internal_port', 'force_https'].includes(k)) d.skipped.push(`${FILE} http_service.${k}`);
  }
  for (const k of Object.keys(cfg)) {
    if (READ.has(k)) continue;
    const hint = k === 'vm' ? ' (set processes.<name>.size or targets.fly.sizes)' : k === 'build' ? ' (the docker target writes the Dockerfile fly.toml builds)' : '';
    d.skipped.push(`${FILE} ${k}${hint}`);
  }
}

export const importers: readonly Importer[] = [
  {
    run: (files, d, { nameGiven }) => importFlyToml(files, d, nameGiven),
    files: [{ matches: (p) => /(^|\/)fly(\.[^/]+)?\.toml$/.test(p), why: `init imports only the ${FILE} at the project root; an environment's app (fly.<env>.toml) comes from environments: in deploy.yaml` }],
  },
];
