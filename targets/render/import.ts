/**
 * `init` for Render: carries over an existing `render.yaml` Blueprint (the web service, workers, cron jobs, the
 * Postgres database, Key Value, environment variables and groups, custom domains); lists in `draft.skipped`
 * what it does not model.
 */
import { parse as parseYaml } from 'yaml';
import { setIn, slugify, slugName } from '../../src/init/draft.js';
import type { Draft, Json } from '../../src/init/draft.js';
import { addEnv, isObj, isProcessName, plainOrSecret } from '../../src/init/env.js';
import type { Obj } from '../../src/init/env.js';
import type { ProjectFiles } from '../../src/init/files.js';
import { checkCron } from '../../src/spec/cron.js';
import { ENUMS as CORE_ENUMS } from '../../src/spec/schema.gen.js';
import type { Importer } from '../../src/target.js';
import { unwrapShell } from './check.js';
import { ENUMS, PATTERNS } from './options.gen.js';
import { SIZE_OF_PLAN } from './plans.js';

/** Set by Render, or by the Blueprint deployspec generates. */
const PLATFORM_VARS = new Set(['RENDER', 'RENDER_EXTERNAL_HOSTNAME', 'RENDER_EXTERNAL_URL', 'RENDER_SERVICE_NAME', 'PYTHON_VERSION', 'NODE_VERSION', 'DJANGO_COLLECTSTATIC']);
const HANDLED = new Set(['type', 'name', 'runtime', 'plan', 'region', 'branch', 'numInstances', 'startCommand', 'preDeployCommand', 'healthCheckPath', 'domains', 'domain', 'envVars', 'schedule', 'buildCommand', 'rootDir', 'autoDeployTrigger', 'ipAllowList']);

function envVars(d: Draft, vars: unknown, where: string, groups: Map<string, unknown[]>, seenGroups: Set<string>): void {
  for (const v of Array.isArray(vars) ? vars : []) {
    if (!isObj(v)) continue;
    if (typeof v.fromGroup === 'string') {
      if (seenGroups.has(v.fromGroup)) continue;
      seenGroups.add(v.fromGroup);
      if (groups.has(v.fromGroup)) envVars(d, groups.get(v.fromGroup), `render.yaml envVarGroups.${v.fromGroup}`, groups, seenGroups);
      else d.skipped.push(`${where} fromGroup ${v.fromGroup} (a group outside render.yaml: declare its variables under env:)`);
      continue;
    }
    if (typeof v.key !== 'string') continue;
    const src = `${where} env ${v.key}`;
    if (v.fromDatabase !== undefined || v.fromService !== undefined) {
      const what = isObj(v.fromService) ? `fromService ${String(v.fromService.type)} ${String(v.fromService.name)}` : 'fromDatabase';
      if (v.key === 'DATABASE_URL' || v.key === 'REDIS_URL') d.skipped.push(`${src} (${what}: deployspec wires the database and cache URLs itself)`);
      else d.skipped.push(`${src} (${what}: wire it by hand, e.g. name the variable in database.env or cache.env)`);
      continue;
    }
    let value: Json;
    if (v.generateValue === true) value = { generate: 'secret' };
    else if (v.value !== undefined && v.value !== null && v.value !== '') value = plainOrSecret(d, v.key, String(v.value), undefined, src);
    else value = { secret: true };
    addEnv(d, v.key, value, src, PLATFORM_VARS);
  }
}

/** The spec's command for a service command: a `cd <django.root> &&` prefix and a `bash -c '…'` wrapper are implied. */
function command(raw: string, root: string): string {
  let c = raw.trim();
  c = unwrapShell(c) ?? c;
  if (root !== '.') c = c.replace(new RegExp(`^cd\\s+${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?\\s*&&\\s*`), '');
  return c.trim();
}

function setSize(d: Draft, proc: string[], plan: unknown, where: string): void {
  if (typeof plan !== 'string') return;
  const size = SIZE_OF_PLAN[plan];
  if (size) setIn(d, [...proc, 'size'], size, `${where}.plan ${plan}`);
  else if ((ENUMS['sizes.*'] as readonly string[]).includes(plan)) setIn(d, ['targets', 'render', 'sizes', proc[proc.length - 1]!], plan, `${where}.plan`);
  else d.skipped.push(`${where}.plan ${plan} (not a Render instance type deployspec knows)`);
}

function importBlueprint(files: ProjectFiles, d: Draft, root: string, nameGiven: boolean): void {
  const path = ['render.yaml', 'render.yml'].find((p) => files.read(p) !== null);
  if (!path) return;
  let bp: Obj;
  try {
    bp = parseYaml(files.read(path)!) as Obj;
    if (!isObj(bp)) throw new Error('not a mapping');
  } catch (err) {
    d.skipped.push(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]}); nothing imported from it`);
    return;
  }
  d.found.push(path);
  d.readFrom.push(path);
  if (path === 'render.yaml') d.imported.push({ path, target: 'render' });
  // A Blueprint with projects: the first environment stands for the app; the others are listed as skipped.
  let res: Obj = bp;
  let where = path;
  const projects = (Array.isArray(bp.projects) ? bp.projects : []).filter(isObj);
  if (!Array.isArray(bp.services) && projects.length) {
    const envs = (Array.isArray(projects[0]!.environments) ? projects[0]!.environments : []).filter(isObj);
    if (envs[0]) {
      res = envs[0];
      where = `${path} projects.${String(projects[0]!.name)}.${String(envs[0].name)}`;
      for (const e of envs.slice(1)) d.skipped.push(`${path} environment ${String(e.name)} (add its differences under environments:)`);
    }
    for (const p of projects.slice(1)) d.skipped.push(`${path} project ${String(p.name)}`);
  } else if (projects.length) d.skipped.push(`${path} projects`);

  const groups = new Map<string, unknown[]>();
  for (const g of (Array.isArray(res.envVarGroups) ? res.envVarGroups : Array.isArray(bp.envVarGroups) ? bp.envVarGroups : []).filter(isObj)) {
    if (typeof g.name === 'string') groups.set(g.name, Array.isArray(g.envVars) ? g.envVars : []);
  }
  const seenGroups = new Set<string>();
  const services = (Array.isArray(res.services) ? res.services : []).filter(isObj);
  const web = services.find((s) => s.type === 'web' && s.runtime !== 'static');
  const webName = web && typeof web.name === 'string' ? slugName(web.name) : null;
  if (webName && !nameGiven && d.sources.get('name') === 'the folder name') setIn(d, ['name'], webName, `${where} services.${web!.name}`);
  // deployspec names services `<app>-<process>`: the app's prefix is not part of the process name.
  const prefix = web && typeof web.name === 'string' ? `${web.name}-` : null;
  const own = (raw: unknown, fallback: string) => slugify(String(raw ?? fallback).startsWith(prefix ?? '\u0000') ? String(raw).slice(prefix!.length) : String(raw ?? fallback));
  for (const s of services) {
    const at = `${where} services.${String(s.name)}`;
    const leftOver = () => {
      for (const k of Object.keys(s)) if (!HANDLED.has(k)) d.skipped.push(`${at}.${k}`);
      if (typeof s.buildCommand === 'string') d.skipped.push(`${at}.buildCommand (deployspec writes the build: dependencies, client, collectstatic)`);
      if (typeof s.rootDir === 'string') d.skipped.push(`${at}.rootDir ${s.rootDir} (set django.root to the Django folder)`);
    };
    if (typeof s.region === 'string' && (ENUMS.region as readonly string[]).includes(s.region)) setIn(d, ['targets', 'render', 'region'], s.region, `${at}.region`);
    if (typeof s.branch === 'string' && PATTERNS.branch.test(s.branch)) setIn(d, ['targets', 'render', 'branch'], s.branch, `${at}.branch`);
    if (s.type === 'keyvalue' || s.type === 'redis') {
      const v: Obj = {};
      if (typeof s.plan === 'string' && !['free', 'starter'].includes(s.plan)) v.plan = 'production';
      setIn(d, ['cache'], v as Json, at);
      if (typeof s.plan === 'string' && (ENUMS.keyvalue_plan as readonly string[]).includes(s.plan)) setIn(d, ['targets', 'render', 'keyvalue_plan'], s.plan, `${at}.plan`);
      continue;
    }
    if (s.type === 'web' && s.runtime === 'static') {
      d.skipped.push(`${at} (a static site: deployspec serves static files from the web service)`);
      continue;
    }
    if (s.type === 'pserv') {
      d.skipped.push(`${at} (a private service)`);
      continue;
    }
    if (s.runtime !== undefined && s.runtime !== 'python') d.skipped.push(`${at}.runtime ${String(s.runtime)} (deployspec builds with the python runtime)`);
    if (s === web) {
      if (typeof s.startCommand === 'string') setIn(d, ['processes', 'web', 'command'], command(s.startCommand, root), `${at}.startCommand`);
      if (typeof s.numInstances === 'number' && Number.isInteger(s.numInstances) && s.numInstances >= 1) setIn(d, ['processes', 'web', 'instances'], s.numInstances, `${at}.numInstances`);
      if (typeof s.healthCheckPath === 'string' && s.healthCheckPath.startsWith('/')) setIn(d, ['processes', 'web', 'health_check'], s.healthCheckPath, `${at}.healthCheckPath`);
      if (typeof s.preDeployCommand === 'string') setIn(d, ['release', 'command'], command(s.preDeployCommand, root), `${at}.preDeployCommand`);
      const domains = [...(typeof s.domain === 'string' ? [s.domain] : []), ...(Array.isArray(s.domains) ? s.domains : [])].filter((x): x is string => typeof x === 'string');
      if (domains.length) setIn(d, ['hosts'], domains, `${at}.domains`);
      setSize(d, ['processes', 'web'], s.plan, at);
    } else if (s.type === 'worker' || s.type === 'web') {
      const name = own(s.name, 'worker');
      if (s.type === 'web' || !isProcessName(name) || name === 'web' || typeof s.startCommand !== 'string') {
        d.skipped.push(`${at} (${s.type === 'web' ? 'a second web service' : 'a worker without a usable name or startCommand'})`);
        continue;
      }
      setIn(d, ['processes', name, 'command'], command(s.startCommand, root), `${at}.startCommand`);
      if (typeof s.numInstances === 'number' && Number.isInteger(s.numInstances) && s.numInstances >= 1) setIn(d, ['processes', name, 'instances'], s.numInstances, `${at}.numInstances`);
      setSize(d, ['processes', name], s.plan, at);
    } else if (s.type === 'cron') {
      const name = own(s.name, 'job');
      if (typeof s.schedule !== 'string' || checkCron(s.schedule) !== null || typeof s.startCommand !== 'string' || !isProcessName(name)) {
        d.skipped.push(`${at} (a cron job without a usable name, schedule or startCommand)`);
        continue;
      }
      setIn(d, ['jobs', name], { schedule: s.schedule, command: command(s.startCommand, root) }, `${at} (schedule in UTC)`);
      setSize(d, ['jobs', name], s.plan, at);
    } else {
      d.skipped.push(`${at} (type ${String(s.type)})`);
      continue;
    }
    envVars(d, s.envVars, at, groups, seenGroups);
    leftOver();
  }
  const dbs = (Array.isArray(res.databases) ? res.databases : []).filter(isObj);
  dbs.forEach((db, i) => {
    const at = `${where} databases.${String(db.name)}`;
    if (i > 0) return void d.skipped.push(`${at} (a second database)`);
    const v: Obj = {};
    if (typeof db.postgresMajorVersion === 'string' || typeof db.postgresMajorVersion === 'number') {
      const version = String(db.postgresMajorVersion);
      if ((CORE_ENUMS['database.version'] as readonly string[]).includes(version)) v.version = version;
      else d.skipped.push(`${at}.postgresMajorVersion ${version} (deployspec supports ${CORE_ENUMS['database.version'].join(', ')})`);
    }
    if (typeof db.plan === 'string' && /^(pro|accelerated)/.test(db.plan)) v.plan = 'production';
    setIn(d, ['database'], v as Json, at);
    if (typeof db.plan === 'string' && (ENUMS.postgres_plan as readonly string[]).includes(db.plan)) setIn(d, ['targets', 'render', 'postgres_plan'], db.plan, `${at}.plan`);
    for (const k of Object.keys(db)) if (!['name', 'plan', 'postgresMajorVersion', 'region'].includes(k)) d.skipped.push(`${at}.${k}`);
  });
  for (const [name, vars] of groups) if (!seenGroups.has(name)) envVars(d, vars, `${path} envVarGroups.${name}`, groups, seenGroups);
  const previews = isObj(bp.previews) ? bp.previews.generation : undefined;
  if (typeof previews === 'string' && (ENUMS.previews as readonly string[]).includes(previews)) setIn(d, ['targets', 'render', 'previews'], previews, `${path} previews.generation`);
  for (const k of ['previewsEnabled', 'previewsExpireAfterDays', 'ungrouped']) if (bp[k] !== undefined) d.skipped.push(`${path} ${k}`);
}

export const importers: readonly Importer[] = [
  {
    run: (files, d, { root, nameGiven }) => importBlueprint(files, d, root, nameGiven),
    files: [{ matches: (p) => /(^|\/)render([.-][^/]*)?\.ya?ml$/.test(p), why: 'init imports only the Blueprint at the project root (render.yaml, else render.yml)' }],
  },
];
