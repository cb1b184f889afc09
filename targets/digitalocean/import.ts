/** `init` for App Platform: carries over `.do/app.yaml`; lists in `draft.skipped` what it does not model. */
import { parse as parseYaml } from 'yaml';
import { setIn, slugify, slugName } from '../../src/init/draft.js';
import type { Draft, Json } from '../../src/init/draft.js';
import { importCommand, setImportedCommand } from '../../src/init/commands.js';
import { addEnv, isObj, plainOrSecret } from '../../src/init/env.js';
import { ENUMS as CORE_ENUMS } from '../../src/spec/schema.gen.js';
import type { Obj } from '../../src/init/env.js';
import type { ProjectFiles } from '../../src/init/files.js';
import type { Importer } from '../../src/target.js';
import { ENUMS, PATTERNS } from './options.gen.js';

/** Set by App Platform or by the app spec deployspec generates. */
const PLATFORM_VARS = new Set(['DEPLOYSPEC_APP_DOMAIN', 'DISABLE_COLLECTSTATIC']);

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

/** Where projects usually keep an app spec: the first of these that holds one is imported, else the nearest other. */
const SPEC_PATHS = ['.do/app.yaml', '.do/app.yml', '.do/deploy.template.yaml', 'config/app.yaml', 'app.yaml', 'app.spec.yaml'];
/** Names an app spec goes by: any YAML file in a .do/ folder, and app.yaml or app.spec.yaml wherever it is kept. */
const SPEC_NAME = /(^|\/)\.do\/[^/]+\.ya?ml$|(^|\/)app(\.spec)?\.ya?ml$/;
const looksLikeAppSpec = (text: string) => /^(services|workers|jobs|static_sites):/m.test(text);
const depth = (p: string) => p.split('/').length;

function importDoAppSpec(files: ProjectFiles, d: Draft, nameGiven: boolean, root: string): void {
  const elsewhere = files.list.filter((p) => SPEC_NAME.test(p) && !SPEC_PATHS.includes(p)).sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  const path = [...SPEC_PATHS, ...elsewhere].find((p) => looksLikeAppSpec(files.read(p) ?? ''));
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
  d.readFrom.push(path);
  if (path === '.do/app.yaml') d.imported.push({ path, target: 'digitalocean' });
  const name = typeof app.name === 'string' ? slugName(app.name) : null;
  if (name && !nameGiven && !d.sources.get('name')?.startsWith('app.json')) setIn(d, ['name'], name, `${path} name`);
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
    const sourceDir = typeof s.source_dir === 'string' ? s.source_dir.replace(/^\.?\/+|\/+$/g, '') || '.' : '.';
    if (s.name !== 'web') d.skipped.push(`${where}: the component name ${String(s.name)} (deployspec names the web service "web")`);
    if (sourceDir !== '.' && sourceDir !== root) d.skipped.push(`${where}.source_dir ${sourceDir} (deployspec builds from the folder of manage.py, ${root})`);
    if (typeof s.run_command === 'string') setImportedCommand(d, ['processes', 'web', 'command'], s.run_command, root, `${where}.run_command`, sourceDir);
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
    const sourceDir = typeof w.source_dir === 'string' ? w.source_dir.replace(/^\.?\/+|\/+$/g, '') || '.' : '.';
    if (typeof w.run_command === 'string') setImportedCommand(d, ['processes', name, 'command'], w.run_command, root, `${path} workers.${String(w.name)}`, sourceDir);
    if (typeof w.instance_count === 'number') setIn(d, ['processes', name, 'instances'], w.instance_count, `${path} workers.${String(w.name)}.instance_count`);
    doEnvs(d, w.envs, `${path} workers.${String(w.name)}`);
  }
  for (const j of (Array.isArray(app.jobs) ? app.jobs : []).filter(isObj)) {
    const sourceDir = typeof j.source_dir === 'string' ? j.source_dir.replace(/^\.?\/+|\/+$/g, '') || '.' : '.';
    const cron = isObj(j.schedule) && typeof j.schedule.cron === 'string' ? j.schedule.cron : null;
    if (j.kind === 'PRE_DEPLOY' && typeof j.run_command === 'string') setIn(d, ['release', 'command'], importCommand(j.run_command, root, sourceDir, false).command, `${path} jobs.${String(j.name)} (PRE_DEPLOY)`);
    else if (j.kind === 'SCHEDULED' && cron && typeof j.run_command === 'string') {
      const name = slugify(String(j.name ?? 'job'));
      setIn(d, ['jobs', name, 'schedule'], cron, `${path} jobs.${String(j.name)} (SCHEDULED)`);
      setImportedCommand(d, ['jobs', name, 'command'], j.run_command, root, `${path} jobs.${String(j.name)}`, sourceDir);
      const tz = isObj(j.schedule) ? j.schedule.time_zone : undefined;
      if (tz !== undefined && tz !== 'UTC' && tz !== 'Etc/UTC') d.skipped.push(`${path} jobs.${String(j.name)}.schedule.time_zone ${String(tz)} (deploy.yaml schedules are UTC: convert the hours)`);
    } else d.skipped.push(`${path} jobs.${String(j.name)} (kind ${String(j.kind ?? 'unset')})`);
  }
  for (const db of (Array.isArray(app.databases) ? app.databases : []).filter(isObj)) {
    const where = `${path} databases.${String(db.name)}`;
    if (db.engine === 'PG') {
      const v: Obj = {};
      if (db.version !== undefined && (CORE_ENUMS['database.version'] as readonly string[]).includes(String(db.version))) v.version = String(db.version);
      else if (db.version !== undefined) d.skipped.push(`${where}.version ${String(db.version)} (deploy.yaml supports PostgreSQL ${CORE_ENUMS['database.version'].join(', ')}: set database.version once you have upgraded)`);
      if (db.production === true) v.plan = 'production';
      setIn(d, ['database'], v as Json, where);
      if (typeof db.cluster_name === 'string' && PATTERNS.database_cluster.test(db.cluster_name)) setIn(d, ['targets', 'digitalocean', 'database_cluster'], db.cluster_name, `${where}.cluster_name`);
    } else if (db.engine === 'REDIS' || db.engine === 'VALKEY') setIn(d, ['cache'], { engine: db.engine === 'REDIS' ? 'redis' : 'valkey' }, where);
    else d.skipped.push(`${where} (engine ${String(db.engine)})`);
  }
  const domains = (Array.isArray(app.domains) ? app.domains : []).filter(isObj).filter((x) => typeof x.domain === 'string');
  const hosts = [...domains.filter((x) => x.type === 'PRIMARY'), ...domains.filter((x) => x.type !== 'PRIMARY')].map((x) => (x.wildcard === true ? '*.' : '') + String(x.domain));
  if (hosts.length) setIn(d, ['hosts'], hosts, `${path} domains`);
  const sites = (Array.isArray(app.static_sites) ? app.static_sites : []).filter(isObj);
  if (sites.length === 1) {
    setIn(d, ['static', 'serve'], 'static-site', `${path} static_sites.${String(sites[0]!.name)}`);
    delete app.static_sites;
  }
  for (const k of ['static_sites', 'functions', 'ingress', 'alerts', 'features', 'egress', 'maintenance']) if (app[k] !== undefined) d.skipped.push(`${path} ${k}`);
}


export const importers: readonly Importer[] = [
  {
    run: (files, d, { nameGiven, root }) => importDoAppSpec(files, d, nameGiven, root),
    files: [
      {
        // app.yaml is also Google App Engine's name: outside .do/ only a file with App Platform components counts.
        matches: (p) => SPEC_NAME.test(p),
        contains: (text) => /^\s*(services|workers|jobs|static_sites):/m.test(text),
        why: `init imports one app spec per project, with its components at the top level: the first of ${SPEC_PATHS.join(', ')}, else the one nearest the root`,
      },
    ],
  },
];
