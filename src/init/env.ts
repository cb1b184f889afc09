/**
 * What every importer of a platform file shares: carrying a variable over into the draft (as a secret when its name
 * or value says so), and the last pass that drops what would not validate. Platform importers live in their
 * target's folder.
 */
import { SECRET_NAME } from '../spec/rules.js';
import { carriesSecret } from '../spec/secrets.js';
import { DEF_PATTERNS } from '../spec/schema.gen.js';
import { deleteIn, getIn, setIn } from './draft.js';
import type { Draft, Json } from './draft.js';

/** Set by a resource or derived from the spec: declaring them again would be an error. */
const DERIVED = new Set(['DJANGO_SETTINGS_MODULE', 'DATABASE_URL', 'REDIS_URL']);

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Carries variable `name` over, unless it is not a valid name, is derived by deployspec, or is in `platformVars`
 * (set by the platform itself or by the platform file deployspec generates).
 */
export function addEnv(d: Draft, name: string, value: Json, source: string, platformVars: ReadonlySet<string> = new Set()): void {
  if (!DEF_PATTERNS.envName.test(name)) {
    d.skipped.push(`${source}: variable ${name} (not an upper-case name; rename it by hand)`);
    return;
  }
  if (DERIVED.has(name)) {
    d.skipped.push(`${source}: ${name} (deployspec sets it from django.settings / the database / the cache)`);
    return;
  }
  if (platformVars.has(name) || name === 'PORT') {
    d.skipped.push(`${source}: ${name} (set by the platform or by deployspec's generated files)`);
    return;
  }
  if (name === 'SECRET_KEY') {
    d.skipped.push(`${source}: SECRET_KEY (deployspec always declares it, generated where the platform can)`);
    return;
  }
  setIn(d, ['env', name], value, source);
}

/**
 * A plain value, unless the name or value says it is secret (a URL with a password or token, a secret-looking
 * `NAME=value`): then only the name is carried over.
 */
export function plainOrSecret(d: Draft, name: string, value: string, description: string | undefined, source: string): Json {
  if (SECRET_NAME.test(name) || carriesSecret(value)) {
    d.skipped.push(`${source}: the value of ${name} (it looks secret: set it on the platform)`);
    return description ? { secret: true, description } : { secret: true };
  }
  return description ? { value, description } : value;
}

/** True when `name` may be a process name in deploy.yaml. */
export function isProcessName(name: string): boolean {
  return DEF_PATTERNS.processName.test(name);
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
