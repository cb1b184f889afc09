/**
 * Semantic rules: what the schema cannot express. Each rule reads schema-valid spec data and reports findings
 * against spec paths. Messages never contain a secret's value.
 */
import { closest, show } from '../diagnostics.js';
import { checkCron } from './cron.js';
import type { Finding } from './finding.js';
import { carriesSecret, hasCredentials, SECRET_NAME, secretAssignmentsIn } from './secrets.js';
import type { DeploySpec, EnvObject } from './types.gen.js';

type Rule = (spec: DeploySpec, out: Finding[]) => void;

/** Findings about a secret written in the file: its value must not be echoed by code frames either. */
const REDACTED = new Set(['secret-literal', 'secret-with-value', 'redefined-resource-var', 'credentials-in-url', 'secret-assignment']);
const err = (out: Finding[], path: Finding['path'], code: string, message: string, hint: string, at: 'key' | 'value' = 'value') =>
  out.push({ severity: 'error', code: `rule/${code}`, message, hint, path, at, ...(REDACTED.has(code) ? { redact: true as const } : {}) });
const warn = (out: Finding[], path: Finding['path'], code: string, message: string, hint: string, at: 'key' | 'value' = 'value') =>
  out.push({ severity: 'warning', code: `rule/${code}`, message, hint, path, at });

export { SECRET_NAME, URL_WITH_PASSWORD } from './secrets.js';

const RESERVED_PROCESS = new Set(['release']);

const noReservedProcessNames: Rule = (spec, out) => {
  for (const name of Object.keys(spec.processes ?? {})) {
    if (RESERVED_PROCESS.has(name)) {
      err(out, ['processes', name], 'reserved-process-name', `"${name}" is not a process: the release step has its own key`, 'Move it to a top-level `release:` block with its `command`.', 'key');
    }
  }
};

const workersHaveCommands: Rule = (spec, out) => {
  for (const [name, p] of Object.entries(spec.processes ?? {})) {
    if (name !== 'web' && !p?.command) {
      err(out, ['processes', name], 'missing-command', `process "${name}" has no command`, 'Add `command:`; only `web` has a default (gunicorn).', 'key');
    }
    if (name !== 'web' && p?.health_check !== undefined) {
      err(out, ['processes', name, 'health_check'], 'health-check-not-web', `only the web process takes HTTP health checks; "${name}" is a worker`, 'Remove `health_check` here, or move it to `processes.web`.', 'key');
    }
  }
};

const jobsAreComplete: Rule = (spec, out) => {
  const processes = new Set(Object.keys(spec.processes ?? {}));
  for (const [name, job] of Object.entries(spec.jobs ?? {})) {
    if (job.command === undefined) err(out, ['jobs', name], 'missing-command', `job "${name}" has no command`, 'Add `command:` with what the job runs, e.g. `python manage.py clearsessions`.', 'key');
    if (job.schedule === undefined) err(out, ['jobs', name], 'missing-schedule', `job "${name}" has no schedule`, 'Add `schedule:` with a five-field cron expression in UTC, e.g. "0 3 * * *".', 'key');
    else {
      const problem = checkCron(job.schedule);
      if (problem) err(out, ['jobs', name, 'schedule'], 'bad-cron', `invalid cron schedule: ${problem}`, 'Write five fields: minute hour day-of-month month day-of-week, e.g. "*/10 * * * *".');
    }
    if (processes.has(name)) err(out, ['jobs', name], 'duplicate-name', `"${name}" is both a process and a job`, 'Give the job its own name: platforms need unique component names.', 'key');
  }
};

const componentNamesUnique: Rule = (spec, out) => {
  const taken = new Map<string, string>();
  for (const n of Object.keys(spec.processes ?? {})) taken.set(n, 'process');
  for (const n of Object.keys(spec.jobs ?? {})) if (!taken.has(n)) taken.set(n, 'job');
  const check = (name: string, path: Finding['path'], what: string) => {
    const other = taken.get(name);
    if (other) err(out, path, 'duplicate-name', `the ${what} is named "${name}", like a ${other}`, `Set \`name:\` to something else: component names must be unique.`);
    taken.set(name, what);
  };
  if (spec.database) check(spec.database.name ?? 'db', spec.database.name ? ['database', 'name'] : ['database'], 'database');
  if (spec.cache) check(spec.cache.name ?? 'cache', spec.cache.name ? ['cache', 'name'] : ['cache'], 'cache');
  if (spec.static?.serve === 'static-site' && taken.has('static')) err(out, ['static', 'serve'], 'duplicate-name', 'the static site component is named "static", like a process or job', 'Rename that process or job.');
};

function envKinds(v: EnvObject): string[] {
  const kinds: string[] = [];
  if (v.value !== undefined) kinds.push('value');
  if (v.secret === true) kinds.push('secret');
  if (v.generate !== undefined) kinds.push('generate');
  if (v.from !== undefined) kinds.push('from');
  return kinds;
}

const envVarsAreConsistent: Rule = (spec, out) => {
  for (const [name, raw] of Object.entries(spec.env ?? {})) {
    const path = ['env', name];
    if (typeof raw !== 'object' || raw === null) {
      const value = String(raw);
      if (SECRET_NAME.test(name)) {
        err(out, path, 'secret-literal', `${name} looks like a secret but has a value written in deploy.yaml`, `Remove the value and write \`${name}: {secret: true}\`, then set it on the platform; if it really is public, write \`{value: ..., secret: false, reason: ...}\`.`);
      } else if (carriesSecret(value)) {
        err(out, path, 'secret-literal', `${name} carries a credential (a URL with a password or token, or a secret-looking NAME=value) written in deploy.yaml`, `Make it a secret: \`${name}: {secret: true}\`, and set it on the platform.`);
      }
      continue;
    }
    const kinds = envKinds(raw);
    if (kinds.length === 0) {
      if (raw.secret === false) err(out, path, 'missing-value', `${name} has \`secret: false\` but no value`, 'Add `value:`, or make it a secret with `secret: true`.', 'key');
      else err(out, path, 'missing-value', `${name} has neither a value nor a source`, 'Add one of `value:`, `secret: true`, `generate: secret` or `from: database.url`.', 'key');
      continue;
    }
    if (kinds.includes('secret') && kinds.includes('value')) {
      err(out, [...path, 'value'], 'secret-with-value', `${name} is a secret, so its value must not be written in deploy.yaml`, 'Remove `value:` and set the secret where the app runs (in the platform settings or CLI, or in .env for compose).', 'key');
    } else if (kinds.length > 1) {
      err(out, [...path, kinds[1]!], 'conflicting-source', `${name} has both \`${kinds[0]}\` and \`${kinds[1]}\``, 'Keep one way of setting the variable.', 'key');
    }
    if (raw.value !== undefined && raw.secret !== false && kinds.length === 1) {
      if (SECRET_NAME.test(name)) err(out, [...path, 'value'], 'secret-literal', `${name} looks like a secret but has a value written in deploy.yaml`, 'Use `secret: true` and set it on the platform, or add `secret: false` with a `reason` if the value is public.');
      else if (carriesSecret(String(raw.value))) err(out, [...path, 'value'], 'secret-literal', `${name} carries a credential (a URL with a password or token, or a secret-looking NAME=value) written in deploy.yaml`, 'Make it a secret (`secret: true`) and set it on the platform.');
    }
    if (raw.secret === false && raw.value !== undefined && !raw.reason) {
      err(out, [...path, 'secret'], 'missing-reason', `${name} is marked \`secret: false\` without a reason`, 'Add `reason:` saying why this value may be committed (e.g. "publishable test key").', 'key');
    }
    if (raw.reason !== undefined && raw.secret !== false) {
      warn(out, [...path, 'reason'], 'unused-reason', `\`reason\` only applies with \`secret: false\``, 'Remove `reason`, or add `secret: false`.', 'key');
    }
    if (raw.from === 'database.url' && !spec.database) err(out, [...path, 'from'], 'missing-resource', `${name} takes the database URL, but the spec has no database`, 'Add a `database:` block, or remove this variable.');
    if (raw.from === 'cache.url' && !spec.cache) err(out, [...path, 'from'], 'missing-resource', `${name} takes the cache URL, but the spec has no cache`, 'Add a `cache:` block, or remove this variable.');
    if (raw.required === false && (raw.generate !== undefined || raw.from !== undefined)) {
      warn(out, [...path, 'required'], 'unused-required', `\`required: false\` has no effect on a ${raw.generate ? 'generated' : 'resource'} variable`, 'Remove `required`.', 'key');
    }
  }
};

const impliedVarsNotRedefined: Rule = (spec, out) => {
  const env = spec.env ?? {};
  const owners: [string | undefined, string, string][] = [];
  if (spec.database) owners.push([spec.database.env ?? 'DATABASE_URL', 'database.url', 'database']);
  if (spec.cache) owners.push([spec.cache.env ?? 'REDIS_URL', 'cache.url', 'cache']);
  for (const [name, from, block] of owners) {
    const v = name ? env[name] : undefined;
    if (v === undefined) continue;
    if (typeof v === 'object' && v.from === from) continue;
    err(out, ['env', name!], 'redefined-resource-var', `${name} is set by the ${block}; declaring it again would override the platform's value`, `Remove \`${name}\` from env (the ${block} provides it).`, 'key');
  }
  const settings = spec.django.settings ?? `${spec.django.project}.settings`;
  const dsm = env.DJANGO_SETTINGS_MODULE;
  if (dsm !== undefined) {
    const value = typeof dsm === 'object' ? dsm.value : dsm;
    if (value !== settings) err(out, ['env', 'DJANGO_SETTINGS_MODULE'], 'redefined-settings-module', `DJANGO_SETTINGS_MODULE is derived from django.settings (${settings})`, 'Remove it from env and set `django.settings` instead.', 'key');
  }
};

const mediaIsConfigured: Rule = (spec, out) => {
  const media = spec.media;
  if (!media) return;
  if (media.storage === 's3' && !media.s3?.bucket) {
    err(out, media.s3 ? ['media', 's3'] : ['media', 'storage'], 'missing-bucket', 'S3 media storage needs a bucket name', 'Add `media.s3.bucket:` with the bucket name.', 'key');
  }
  if (media.s3 && media.storage !== 's3') {
    warn(out, ['media', 's3'], 'unused-block', `\`media.s3\` is ignored because media.storage is ${show(media.storage ?? 'none')}`, 'Set `media.storage: s3`, or remove the s3 block.', 'key');
  }
};

const sentryDsnIsSecret: Rule = (spec, out) => {
  const s = spec.monitoring?.sentry;
  if (!s) return;
  const name = s.dsn_env ?? 'SENTRY_DSN';
  const v = spec.env?.[name];
  if (v === undefined) return;
  if (typeof v !== 'object' || v.value !== undefined) {
    err(out, ['env', name], 'secret-literal', `${name} holds the Sentry DSN, which carries a key: it must not be written in deploy.yaml`, `Remove \`${name}\` from env; deployspec declares it as a secret.`, 'key');
  }
};

/**
 * For a target option keyed by process or job name (`targets.<target>.<option>.<name>`): every key must name a
 * process or a job. Targets call it from their own rules.
 */
export function keysNameComponents(spec: DeploySpec, target: string, option: string): Finding[] {
  const out: Finding[] = [];
  const names = [...Object.keys(spec.processes ?? {}), ...Object.keys(spec.jobs ?? {})];
  if (!names.includes('web')) names.push('web');
  const map = (spec.targets?.[target] as Record<string, unknown> | undefined)?.[option];
  for (const key of Object.keys(map ?? {})) {
    if (!names.includes(key)) {
      const guess = closest(key, names);
      err(out, ['targets', target, option, key], 'unknown-process', `targets.${target}.${option} names "${key}", which is not a process or job`, guess ? `Did you mean "${guess}"?` : `Use one of: ${names.join(', ')}.`, 'key');
    }
  }
  return out;
}

const clientRuntimeUsed: Rule = (spec, out) => {
  if (spec.runtime?.node !== undefined && !spec.client) {
    warn(out, ['runtime', 'node'], 'unused-node', 'runtime.node is set but there is no client to build', 'Remove runtime.node, or add a `client:` block.', 'key');
  }
};

const releaseUseful: Rule = (spec, out) => {
  if (spec.release && typeof spec.release === 'object' && spec.release.command === undefined && !spec.database) {
    warn(out, ['release'], 'release-without-database', 'the release step migrates, but the spec has no database', 'Add a `database:` block, set `release.command`, or write `release: false`.', 'key');
  }
};

/**
 * Every string of the spec but the values under `env:` (where the rules above decide, and `secret: false` may allow a
 * public value; a variable's `description` and `reason` are checked here, they are written too): a URL carrying
 * credentials (`https://user:password@host`, `https://token@host`, `user:pw@registry/image`)
 * or a command setting a secret-looking variable to a written value (`env API_TOKEN=sk_… python worker.py`) would be
 * written into a generated file. Keys and values anywhere, target options and overrides included.
 */
const noCredentialsInStrings: Rule = (spec, out) => {
  walkStrings(spec, [], (value, path) => {
    if (path[0] === 'env' && (path.length === 2 || (path.length === 3 && path[2] === 'value'))) return;
    if (hasCredentials(value)) {
      err(out, path, 'credentials-in-url', `${formatWhere(path)} is a URL with credentials (a password or token) written in deploy.yaml`, 'Remove the user and password from the URL; give the platform the credential as a secret (`env: {NAME: {secret: true}}`) instead.');
    }
    const assigned = [...new Set(secretAssignmentsIn(value).map((a) => a.name))];
    if (assigned.length) {
      const names = assigned.join(', ');
      err(out, path, 'secret-assignment', `${formatWhere(path)} sets ${names}, a name that looks secret, to a value written in deploy.yaml`, `Declare it as a secret (\`env: {${assigned[0]}: {secret: true}}\`) and drop the assignment: the platform gives every process its variables. A public value goes under env with \`secret: false\` and a reason.`);
    }
  });
};

/**
 * Characters no output format carries unchanged: NEL (U+0085) is a line break to YAML 1.1 readers, Python and
 * many editors, and is read back as a space or splits a line; a lone surrogate cannot be written as UTF-8 at all
 * (it becomes U+FFFD); DEL, the C1 controls (U+007F-U+009F), U+FFFE and U+FFFF are outside YAML's printable set, and
 * kustomize refuses a file holding one even as an escape ("control characters are not allowed"). LINE and
 * PARAGRAPH SEPARATOR are carried (escaped where a format needs it).
 */
export const UNSAFE_CHARACTER = /[\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unsafeName(cp: number): string {
  const u = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `a lone surrogate (${u})`;
  if (cp === 0x85) return `${u} (NEXT LINE)`;
  if (cp === 0x7f) return `${u} (DELETE)`;
  if (cp < 0xa0) return `${u} (a C1 control character)`;
  return `${u} (a noncharacter)`;
}

const noUnsafeCharacters: Rule = (spec, out) => {
  walkStrings(spec, [], (value, path, isKey) => {
    const m = UNSAFE_CHARACTER.exec(value);
    if (!m) return;
    const what = unsafeName(m[0].charCodeAt(0));
    err(out, path, 'unsafe-character', `${formatWhere(path)} contains ${what}${isKey ? ' in its name' : ''}, which generated files cannot carry unchanged`, 'Remove the character (a NEXT LINE is usually a stray line break from a copied text; write a space).', isKey ? 'key' : 'value');
  });
};

function formatWhere(path: Finding['path']): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || 'the top level';
}

/** Calls `fn` for every string value and every mapping key under `node`, with its path. */
function walkStrings(node: unknown, path: (string | number)[], fn: (value: string, path: (string | number)[], isKey: boolean) => void, depth = 0): void {
  if (depth > 64) return;
  if (typeof node === 'string') fn(node, path, false);
  else if (Array.isArray(node)) node.forEach((v, i) => walkStrings(v, [...path, i], fn, depth + 1));
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      fn(k, [...path, k], true);
      walkStrings(v, [...path, k], fn, depth + 1);
    }
  }
}

export const RULES: readonly Rule[] = [
  noCredentialsInStrings,
  noUnsafeCharacters,
  noReservedProcessNames,

  workersHaveCommands,
  jobsAreComplete,
  componentNamesUnique,
  envVarsAreConsistent,
  impliedVarsNotRedefined,
  mediaIsConfigured,
  sentryDsnIsSecret,
  clientRuntimeUsed,
  releaseUseful,
];

export function checkRules(spec: DeploySpec): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) rule(spec, out);
  return out;
}
