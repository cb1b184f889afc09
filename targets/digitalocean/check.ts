/**
 * Structural check of an app spec after `targets.digitalocean.overrides` are merged in. It mirrors the parts of the
 * App Platform spec (digitalocean/openapi `app_spec.yml`, plus keys godo knows) that a merge can break; the tests
 * compare its verdicts with Ajv running the bundled schema.
 */
type Json = Record<string, unknown>;

const APP_KEYS = ['name', 'services', 'static_sites', 'workers', 'jobs', 'functions', 'databases', 'domains', 'region', 'envs', 'alerts', 'ingress', 'egress', 'features', 'maintenance', 'vpc', 'disable_edge_cache', 'disable_email_obfuscation', 'enhanced_threat_control_enabled'];
export const REGIONS = ['atl', 'nyc', 'sfo', 'tor', 'ams', 'fra', 'lon', 'blr', 'sgp', 'syd'];
export const INSTANCE_SIZES = ['apps-s-1vcpu-0.5gb', 'apps-s-1vcpu-1gb-fixed', 'apps-s-1vcpu-1gb', 'apps-s-1vcpu-2gb', 'apps-s-2vcpu-4gb', 'apps-d-1vcpu-0.5gb', 'apps-d-1vcpu-1gb', 'apps-d-1vcpu-2gb', 'apps-d-1vcpu-4gb', 'apps-d-2vcpu-4gb', 'apps-d-2vcpu-8gb', 'apps-d-4vcpu-8gb', 'apps-d-4vcpu-16gb', 'apps-d-8vcpu-32gb', 'basic-xxs', 'basic-xs', 'basic-s', 'basic-m', 'professional-xs', 'professional-s', 'professional-m', 'professional-1l', 'professional-l', 'professional-xl'];
export const COMPONENT_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ENGINES = ['UNSET', 'MYSQL', 'PG', 'REDIS', 'MONGODB', 'KAFKA', 'OPENSEARCH', 'VALKEY'];
const JOB_KINDS = ['UNSPECIFIED', 'PRE_DEPLOY', 'POST_DEPLOY', 'FAILED_DEPLOY', 'SCHEDULED'];
const SCOPES = ['UNSET', 'RUN_TIME', 'BUILD_TIME', 'RUN_AND_BUILD_TIME'];

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEnvs(envs: unknown, at: string, out: string[]): void {
  if (!Array.isArray(envs)) return void out.push(`${at} must be a list`);
  envs.forEach((e, i) => {
    if (!isObj(e) || typeof e.key !== 'string' || !/^[_A-Za-z][_A-Za-z0-9]*$/.test(e.key)) return void out.push(`${at}[${i}] needs a "key" that is a variable name`);
    if ('scope' in e && !SCOPES.includes(e.scope as string)) out.push(`${at}[${i}].scope must be one of ${SCOPES.join(', ')}`);
    if ('type' in e && e.type !== 'GENERAL' && e.type !== 'SECRET') out.push(`${at}[${i}].type must be GENERAL or SECRET`);
    if ('value' in e && typeof e.value !== 'string') out.push(`${at}[${i}].value must be a string`);
  });
}

function checkComponent(c: unknown, at: string, instances: boolean, out: string[]): void {
  if (!isObj(c)) return void out.push(`${at} must be an object`);
  if (typeof c.name !== 'string' || c.name.length < 2 || c.name.length > 32 || !COMPONENT_NAME.test(c.name)) out.push(`${at}.name must be 2-32 lower-case letters, digits or "-"`);
  for (const k of ['build_command', 'run_command', 'source_dir', 'environment_slug', 'dockerfile_path', 'output_dir']) if (k in c && typeof c[k] !== 'string') out.push(`${at}.${k} must be a string`);
  if ('envs' in c) checkEnvs(c.envs, `${at}.envs`, out);
  if (instances) {
    if ('instance_count' in c && (!Number.isInteger(c.instance_count) || (c.instance_count as number) < 1)) out.push(`${at}.instance_count must be a whole number ≥ 1`);
    if ('instance_size_slug' in c && !INSTANCE_SIZES.includes(c.instance_size_slug as string)) out.push(`${at}.instance_size_slug is not an App Platform size`);
  }
  if ('http_port' in c && (!Number.isInteger(c.http_port) || (c.http_port as number) < 1 || (c.http_port as number) > 65535)) out.push(`${at}.http_port must be a port number`);
  if ('kind' in c && !JOB_KINDS.includes(c.kind as string)) out.push(`${at}.kind must be one of ${JOB_KINDS.join(', ')}`);
  // A SCHEDULED job has a schedule with a cron expression, and no other kind has one (godo AppJobSpecSchedule).
  const scheduled = c.kind === 'SCHEDULED';
  if (scheduled && !(isObj(c.schedule) && typeof c.schedule.cron === 'string')) out.push(`${at}.schedule.cron is required for a SCHEDULED job`);
  if (!scheduled && 'schedule' in c) out.push(`${at}.schedule is only for SCHEDULED jobs`);
  if (isObj(c.schedule)) for (const k of Object.keys(c.schedule)) if (k !== 'cron' && k !== 'time_zone') out.push(`${at}.schedule: unknown key "${k}"`);
}

/** Problems of `spec` against the app spec model; empty when it validates. */
export function checkAppSpec(spec: unknown): string[] {
  const out: string[] = [];
  if (!isObj(spec)) return ['the app spec must be an object'];
  for (const k of Object.keys(spec)) if (!APP_KEYS.includes(k)) out.push(`unknown top-level key "${k}"`);
  if (typeof spec.name !== 'string' || !COMPONENT_NAME.test(spec.name) || spec.name.length < 2 || spec.name.length > 32) out.push('name must be 2-32 lower-case letters, digits or "-", starting with a letter');
  if ('region' in spec && !REGIONS.includes(spec.region as string)) out.push(`region must be one of ${REGIONS.join(', ')}`);
  if ('envs' in spec) checkEnvs(spec.envs, 'envs', out);
  const lists: [string, boolean][] = [['services', true], ['workers', true], ['jobs', true], ['static_sites', false], ['functions', false]];
  for (const [key, instances] of lists) {
    if (!(key in spec)) continue;
    if (!Array.isArray(spec[key])) out.push(`${key} must be a list`);
    else (spec[key] as unknown[]).forEach((c, i) => checkComponent(c, `${key}[${i}]`, instances, out));
  }
  if ('databases' in spec) {
    if (!Array.isArray(spec.databases)) out.push('databases must be a list');
    else
      spec.databases.forEach((d, i) => {
        if (!isObj(d) || typeof d.name !== 'string' || !COMPONENT_NAME.test(d.name)) return void out.push(`databases[${i}] needs a component name`);
        if ('engine' in d && !ENGINES.includes(d.engine as string)) out.push(`databases[${i}].engine must be one of ${ENGINES.join(', ')}`);
        if ('production' in d && typeof d.production !== 'boolean') out.push(`databases[${i}].production must be true or false`);
        for (const k of ['version', 'cluster_name', 'db_name', 'db_user']) if (k in d && typeof d[k] !== 'string') out.push(`databases[${i}].${k} must be a string`);
      });
  }
  if ('domains' in spec) {
    if (!Array.isArray(spec.domains)) out.push('domains must be a list');
    else
      spec.domains.forEach((d, i) => {
        if (!isObj(d) || typeof d.domain !== 'string') return void out.push(`domains[${i}] needs a "domain"`);
        if ('type' in d && !['UNSPECIFIED', 'DEFAULT', 'PRIMARY', 'ALIAS'].includes(d.type as string)) out.push(`domains[${i}].type must be PRIMARY, ALIAS, DEFAULT or UNSPECIFIED`);
      });
  }
  if ('ingress' in spec && (!isObj(spec.ingress) || ('rules' in spec.ingress && !Array.isArray(spec.ingress.rules)))) out.push('ingress.rules must be a list');
  return out;
}
