/**
 * Importers for the platform files a project may already deploy with: Procfile, app.json, .do/app.yaml. Each
 * carries over the keys deployspec models and lists everything else in `draft.skipped`, so nothing is dropped silently.
 */
import { parse as parseYaml } from 'yaml';
import { SECRET_NAME } from '../spec/rules.js';
import { deleteIn, getIn, HEROKU_SIZES, setIn, slugify } from './draft.js';
import type { Draft, Json } from './draft.js';
import type { ProjectFiles } from './scan.js';

const PROCESS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
/** Set by a resource or derived from the spec: declaring them again would be an error. */
const DERIVED = new Set(['DJANGO_SETTINGS_MODULE', 'DATABASE_URL', 'REDIS_URL', 'REDIS_TLS_URL']);
/** Set by the platform or by deployspec's own output (PORT and APP_DOMAIN on App Platform, the build switches). */
const PLATFORM = new Set(['PORT', 'APP_DOMAIN', 'DISABLE_COLLECTSTATIC']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function addEnv(d: Draft, name: string, value: Json, source: string): void {
  if (!ENV_NAME.test(name)) {
    d.skipped.push(`${source}: variable ${name} (not an upper-case name; rename it by hand)`);
    return;
  }
  if (DERIVED.has(name)) {
    d.skipped.push(`${source}: ${name} (deployspec sets it from django.settings / the database / the cache)`);
    return;
  }
  if (PLATFORM.has(name)) {
    d.skipped.push(`${source}: ${name} (set by the platform or by deployspec's generated files)`);
    return;
  }
  if (name === 'SECRET_KEY') {
    d.skipped.push(`${source}: SECRET_KEY (deployspec always declares it, generated where the platform can)`);
    return;
  }
  setIn(d, ['env', name], value, source);
}

/** A plain value, unless the name says it is secret: then only the name is carried over. */
function plainOrSecret(d: Draft, name: string, value: string, description: string | undefined, source: string): Json {
  if (SECRET_NAME.test(name) || /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(value)) {
    d.skipped.push(`${source}: the value of ${name} (it looks secret: set it on the platform)`);
    return description ? { secret: true, description } : { secret: true };
  }
  return description ? { value, description } : value;
}

export function importProcfile(files: ProjectFiles, d: Draft, root: string): void {
  const text = files.read('Procfile');
  if (text === null) return;
  d.found.push('Procfile');
  const cdPrefix = root === '.' ? null : new RegExp(`^cd\\s+${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?\\s*&&\\s*`);
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const m = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    const where = `Procfile, line ${i + 1}`;
    if (!m || !m[2]!.trim()) {
      d.skipped.push(`${where}: ${line.trim()} (not a process line)`);
      return;
    }
    const name = m[1]!;
    // deployspec commands run from the Django folder, so a leading `cd <root> &&` is implied.
    const command = cdPrefix ? m[2]!.trim().replace(cdPrefix, '') : m[2]!.trim();
    if (name === 'release') setIn(d, ['release', 'command'], command, where);
    else if (PROCESS_NAME.test(name)) setIn(d, ['processes', name, 'command'], command, where);
    else d.skipped.push(`${where}: process ${name} (names are lower-case letters, digits and hyphens)`);
  });
}

function addonName(a: unknown): [string, string | null] | null {
  const raw = typeof a === 'string' ? a : isObj(a) && typeof a.plan === 'string' ? a.plan : null;
  if (!raw) return null;
  const [service, plan] = raw.split(':') as [string, string | undefined];
  return [service, plan ?? null];
}

export function importAppJson(files: ProjectFiles, d: Draft, nameGiven: boolean): void {
  const text = files.read('app.json');
  if (text === null) return;
  let app: Obj;
  try {
    app = JSON.parse(text) as Obj;
  } catch (err) {
    d.skipped.push(`app.json: not valid JSON (${(err as Error).message}); nothing imported from it`);
    return;
  }
  d.found.push('app.json');
  if (typeof app.name === 'string' && !nameGiven) setIn(d, ['name'], slugify(app.name), 'app.json name');
  if (typeof app.description === 'string' && app.description) setIn(d, ['description'], app.description.slice(0, 500), 'app.json');
  for (const [name, raw] of Object.entries(isObj(app.env) ? app.env : {})) {
    const src = `app.json env.${name}`;
    if (typeof raw === 'string') {
      addEnv(d, name, plainOrSecret(d, name, raw, undefined, src), src);
      continue;
    }
    if (!isObj(raw)) continue;
    const description = typeof raw.description === 'string' && raw.description ? raw.description.slice(0, 1000) : undefined;
    if (raw.generator === 'secret') {
      if (name === 'SECRET_KEY') d.skipped.push(`${src}: SECRET_KEY (deployspec always generates it)`);
      else addEnv(d, name, description ? { generate: 'secret', description } : { generate: 'secret' }, src);
    } else if (raw.value !== undefined && raw.value !== '') {
      addEnv(d, name, plainOrSecret(d, name, String(raw.value), description, src), src);
    } else {
      const v: Obj = { secret: true };
      if (description) v.description = description;
      if (raw.required === false) v.required = false;
      addEnv(d, name, v as Json, src);
    }
  }
  for (const a of Array.isArray(app.addons) ? app.addons : []) {
    const addon = addonName(a);
    if (!addon) continue;
    const [service, plan] = addon;
    if (service === 'heroku-postgresql') {
      setIn(d, ['database'], {}, `app.json addon ${service}`);
      if (plan && /^[a-z0-9-]+$/.test(plan)) setIn(d, ['targets', 'heroku', 'postgres_plan'], plan, 'app.json addon plan');
    } else if (service === 'heroku-redis') {
      setIn(d, ['cache'], {}, `app.json addon ${service}`);
      if (plan && /^[a-z0-9-]+$/.test(plan)) setIn(d, ['targets', 'heroku', 'redis_plan'], plan, 'app.json addon plan');
    } else if (service === 'scheduler') d.skipped.push('app.json addon scheduler: add the scheduled commands under `jobs:` (Heroku Scheduler jobs are not in app.json)');
    else d.skipped.push(`app.json addon ${service}${plan ? `:${plan}` : ''}`);
  }
  for (const [name, f] of Object.entries(isObj(app.formation) ? app.formation : {})) {
    if (!isObj(f) || !PROCESS_NAME.test(name)) continue;
    if (typeof f.quantity === 'number' && Number.isInteger(f.quantity) && f.quantity >= 0) setIn(d, ['processes', name, 'instances'], f.quantity, `app.json formation.${name}.quantity`);
    const size = typeof f.size === 'string' ? f.size.toLowerCase() : null;
    if (size && HEROKU_SIZES[size]) setIn(d, ['processes', name, 'size'], HEROKU_SIZES[size]!, `app.json formation.${name}.size ${f.size}`);
    else if (size) d.skipped.push(`app.json formation.${name}.size ${f.size} (set targets.heroku.sizes.${name} if it is a valid dyno size)`);
  }
  const packs = (Array.isArray(app.buildpacks) ? app.buildpacks : []).map((b) => (isObj(b) && typeof b.url === 'string' ? b.url : null)).filter((b): b is string => !!b && /^\S+$/.test(b));
  if (packs.length) setIn(d, ['targets', 'heroku', 'buildpacks'], packs, 'app.json buildpacks');
  if (app.stack === 'heroku-22' || app.stack === 'heroku-24') setIn(d, ['targets', 'heroku', 'stack'], app.stack, 'app.json stack');
  else if (app.stack !== undefined) d.skipped.push(`app.json stack ${String(app.stack)}`);
  const scripts = isObj(app.scripts) ? app.scripts : {};
  const post = typeof scripts.postdeploy === 'string' ? scripts.postdeploy : isObj(scripts.postdeploy) && typeof scripts.postdeploy.command === 'string' ? scripts.postdeploy.command : null;
  if (post) setIn(d, ['targets', 'heroku', 'postdeploy'], post, 'app.json scripts.postdeploy');
  for (const k of Object.keys(scripts)) if (k !== 'postdeploy') d.skipped.push(`app.json scripts.${k}`);
  for (const k of ['environments', 'keywords', 'website', 'repository', 'logo', 'success_url', 'image']) if (app[k] !== undefined) d.skipped.push(`app.json ${k}`);
}

const DO_REGIONS = new Set(['atl', 'nyc', 'sfo', 'tor', 'ams', 'fra', 'lon', 'blr', 'sgp', 'syd']);
const DO_SCOPE: Record<string, string> = { BUILD_TIME: 'build', RUN_AND_BUILD_TIME: 'both' };

function doEnvs(d: Draft, envs: unknown, where: string): void {
  for (const e of Array.isArray(envs) ? envs : []) {
    if (!isObj(e) || typeof e.key !== 'string') continue;
    const src = `${where} env ${e.key}`;
    const value = e.value === undefined ? undefined : String(e.value);
    const scope = typeof e.scope === 'string' ? DO_SCOPE[e.scope] : undefined;
    if (value !== undefined && /\$\{[^}]+\}/.test(value)) {
      d.skipped.push(`${src} = ${value} (a bindable reference; deployspec wires resource URLs itself)`);
      continue;
    }
    let v: Json;
    if (e.type === 'SECRET' || value === undefined) v = { secret: true };
    else v = plainOrSecret(d, e.key, value, undefined, src);
    if (scope && isObj(v)) v = { ...(v as Obj), scope } as Json;
    else if (scope) v = { value: v, scope };
    addEnv(d, e.key, v, src);
  }
}

export function importDoAppSpec(files: ProjectFiles, d: Draft, nameGiven: boolean): void {
  const path = ['.do/app.yaml', '.do/app.yml'].find((p) => files.read(p) !== null);
  if (!path) return;
  let app: Obj;
  try {
    app = parseYaml(files.read(path)!) as Obj;
    if (!isObj(app)) throw new Error('not a mapping');
  } catch (err) {
    d.skipped.push(`${path}: not valid YAML (${(err as Error).message.split('\n')[0]}); nothing imported from it`);
    return;
  }
  d.found.push(path);
  if (typeof app.name === 'string' && !nameGiven && !d.sources.get('name')?.startsWith('app.json')) setIn(d, ['name'], slugify(app.name), `${path} name`);
  if (typeof app.region === 'string' && DO_REGIONS.has(app.region)) setIn(d, ['targets', 'digitalocean', 'region'], app.region, `${path} region`);
  doEnvs(d, app.envs, path);
  const services = (Array.isArray(app.services) ? app.services : []).filter(isObj);
  const web = services.find((s) => s.http_port !== undefined || s.routes !== undefined) ?? services[0];
  for (const s of services) {
    const where = `${path} services.${String(s.name)}`;
    if (s !== web) {
      d.skipped.push(`${where} (a second service; deployspec models one web process)`);
      continue;
    }
    if (typeof s.run_command === 'string') setIn(d, ['processes', 'web', 'command'], s.run_command.trim(), `${where}.run_command`);
    if (typeof s.instance_count === 'number') setIn(d, ['processes', 'web', 'instances'], s.instance_count, `${where}.instance_count`);
    const hc = isObj(s.health_check) ? s.health_check.http_path : undefined;
    if (typeof hc === 'string' && hc.startsWith('/')) setIn(d, ['processes', 'web', 'health_check'], hc, `${where}.health_check`);
    const gh = isObj(s.github) ? s.github : null;
    if (gh && typeof gh.repo === 'string') {
      const g: Obj = { repo: gh.repo };
      if (typeof gh.branch === 'string') g.branch = gh.branch;
      if (typeof gh.deploy_on_push === 'boolean') g.deploy_on_push = gh.deploy_on_push;
      setIn(d, ['targets', 'digitalocean', 'github'], g as Json, `${where}.github`);
    }
    if (s.instance_size_slug !== undefined) d.skipped.push(`${where}.instance_size_slug ${String(s.instance_size_slug)} (set processes.web.size or targets.digitalocean.sizes.web)`);
    doEnvs(d, s.envs, where);
  }
  for (const w of (Array.isArray(app.workers) ? app.workers : []).filter(isObj)) {
    const name = slugify(String(w.name ?? 'worker'));
    if (typeof w.run_command === 'string') setIn(d, ['processes', name, 'command'], w.run_command.trim(), `${path} workers.${String(w.name)}`);
    if (typeof w.instance_count === 'number') setIn(d, ['processes', name, 'instances'], w.instance_count, `${path} workers.${String(w.name)}.instance_count`);
    doEnvs(d, w.envs, `${path} workers.${String(w.name)}`);
  }
  for (const j of (Array.isArray(app.jobs) ? app.jobs : []).filter(isObj)) {
    if (j.kind === 'PRE_DEPLOY' && typeof j.run_command === 'string') setIn(d, ['release', 'command'], j.run_command.trim(), `${path} jobs.${String(j.name)} (PRE_DEPLOY)`);
    else d.skipped.push(`${path} jobs.${String(j.name)} (kind ${String(j.kind ?? 'unset')})`);
  }
  for (const db of (Array.isArray(app.databases) ? app.databases : []).filter(isObj)) {
    const where = `${path} databases.${String(db.name)}`;
    if (db.engine === 'PG') {
      const v: Obj = {};
      if (typeof db.version === 'string' && ['13', '14', '15', '16', '17'].includes(db.version)) v.version = db.version;
      if (db.production === true) v.plan = 'production';
      setIn(d, ['database'], v as Json, where);
      if (typeof db.cluster_name === 'string' && /^[a-z][a-z0-9-]{1,62}$/.test(db.cluster_name)) setIn(d, ['targets', 'digitalocean', 'database_cluster'], db.cluster_name, `${where}.cluster_name`);
    } else if (db.engine === 'REDIS' || db.engine === 'VALKEY') setIn(d, ['cache'], { engine: db.engine === 'REDIS' ? 'redis' : 'valkey' }, where);
    else d.skipped.push(`${where} (engine ${String(db.engine)})`);
  }
  const domains = (Array.isArray(app.domains) ? app.domains : []).filter(isObj).filter((x) => typeof x.domain === 'string');
  const hosts = [...domains.filter((x) => x.type === 'PRIMARY'), ...domains.filter((x) => x.type !== 'PRIMARY')].map((x) => (x.wildcard === true ? '*.' : '') + String(x.domain));
  if (hosts.length) setIn(d, ['hosts'], hosts, `${path} domains`);
  for (const k of ['static_sites', 'functions', 'ingress', 'alerts', 'features', 'egress', 'maintenance']) if (app[k] !== undefined) d.skipped.push(`${path} ${k}`);
}

/** Drops what would not validate or duplicates an implied variable, noting why. */
export function finishDraft(d: Draft): void {
  for (const [name, p] of Object.entries(isObj(d.spec.processes) ? d.spec.processes : {})) {
    if (name !== 'web' && isObj(p) && p.command === undefined) {
      deleteIn(d, ['processes', name]);
      d.skipped.push(`process ${name} has instances but no command anywhere (add it under processes:)`);
    }
  }
  const env = isObj(d.spec.env) ? d.spec.env : {};
  const implied: [string, boolean][] = [
    ['CLOUDINARY_URL', getIn(d, ['media', 'storage']) === 'cloudinary'],
    ['SENTRY_DSN', getIn(d, ['monitoring', 'sentry']) !== undefined],
    ['AWS_ACCESS_KEY_ID', getIn(d, ['media', 'storage']) === 's3'],
    ['AWS_SECRET_ACCESS_KEY', getIn(d, ['media', 'storage']) === 's3'],
  ];
  for (const [name, on] of implied) {
    if (on && env[name] !== undefined) {
      deleteIn(d, ['env', name]);
      d.found.push(`${name}: implied by the spec, not repeated under env`);
    }
  }
  if (isObj(d.spec.env) && !Object.keys(d.spec.env).length) delete d.spec.env;
}
