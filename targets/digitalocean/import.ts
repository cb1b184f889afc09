/** `init` for App Platform: carries over `.do/app.yaml`; lists in `draft.skipped` what it does not model. */
import { parse as parseYaml } from 'yaml';
import { setIn, slugify } from '../../src/init/draft.js';
import type { Draft, Json } from '../../src/init/draft.js';
import { addEnv, isObj, plainOrSecret } from '../../src/init/env.js';
import { ENUMS as CORE_ENUMS } from '../../src/spec/schema.gen.js';
import type { Obj } from '../../src/init/env.js';
import type { ProjectFiles } from '../../src/init/files.js';
import type { Importer } from '../../src/target.js';
import { ENUMS, PATTERNS } from './options.gen.js';

/** Set by App Platform or by the app spec deployspec generates. */
const PLATFORM_VARS = new Set(['APP_DOMAIN', 'DISABLE_COLLECTSTATIC']);

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
    addEnv(d, e.key, v, src, PLATFORM_VARS);
  }
}

function importDoAppSpec(files: ProjectFiles, d: Draft, nameGiven: boolean): void {
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
  if (typeof app.region === 'string' && (ENUMS.region as readonly string[]).includes(app.region)) setIn(d, ['targets', 'digitalocean', 'region'], app.region, `${path} region`);
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
      if (typeof db.version === 'string' && (CORE_ENUMS['database.version'] as readonly string[]).includes(db.version)) v.version = db.version;
      if (db.production === true) v.plan = 'production';
      setIn(d, ['database'], v as Json, where);
      if (typeof db.cluster_name === 'string' && PATTERNS.database_cluster.test(db.cluster_name)) setIn(d, ['targets', 'digitalocean', 'database_cluster'], db.cluster_name, `${where}.cluster_name`);
    } else if (db.engine === 'REDIS' || db.engine === 'VALKEY') setIn(d, ['cache'], { engine: db.engine === 'REDIS' ? 'redis' : 'valkey' }, where);
    else d.skipped.push(`${where} (engine ${String(db.engine)})`);
  }
  const domains = (Array.isArray(app.domains) ? app.domains : []).filter(isObj).filter((x) => typeof x.domain === 'string');
  const hosts = [...domains.filter((x) => x.type === 'PRIMARY'), ...domains.filter((x) => x.type !== 'PRIMARY')].map((x) => (x.wildcard === true ? '*.' : '') + String(x.domain));
  if (hosts.length) setIn(d, ['hosts'], hosts, `${path} domains`);
  for (const k of ['static_sites', 'functions', 'ingress', 'alerts', 'features', 'egress', 'maintenance']) if (app[k] !== undefined) d.skipped.push(`${path} ${k}`);
}


export const importers: readonly Importer[] = [{ run: (files, d, { nameGiven }) => importDoAppSpec(files, d, nameGiven) }];
