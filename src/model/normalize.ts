/** Normalizer: schema-valid, rule-checked spec data → the fully defaulted DeployModel. Pure. */
import type { DeploySpec, EnvObject } from '../spec/types.gen.js';
import { SETTINGS_MODULE_ENV } from '../contract.js';
import { DEFAULTS as D } from '../spec/schema.gen.js';
import type { DeployModel, EnvVarModel, ProcessModel, Size, SpecPath } from './model.js';
import { nameMap } from '../names.js';

export interface ProjectFacts {
  /** Whether a file exists, relative to the folder of deploy.yaml. */
  exists(path: string): boolean;
}

export const NO_FACTS: ProjectFacts = { exists: () => false };

/** Joins relative POSIX paths, keeping '.' for the root. */
export function joinPath(...parts: string[]): string {
  const segs: string[] = [];
  for (const part of parts) {
    for (const s of part.split('/')) {
      if (s === '' || s === '.') continue;
      if (s === '..' && segs.length && segs[segs.length - 1] !== '..') segs.pop();
      else segs.push(s);
    }
  }
  return segs.length ? segs.join('/') : '.';
}

/** Path of `target` relative to folder `from` (both relative to the spec folder). */
export function relativePath(from: string, target: string): string {
  const a = from === '.' ? [] : from.split('/');
  const b = target === '.' ? [] : target.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  const rest = b.slice(i);
  return [...up, ...rest].join('/') || '.';
}

function envObject(v: unknown): EnvObject {
  return typeof v === 'object' && v !== null ? (v as EnvObject) : { value: v as string | number | boolean };
}

export function normalize(spec: DeploySpec, environment: string | null, facts: ProjectFacts = NO_FACTS): DeployModel {
  const djRoot = joinPath(spec.django.root ?? D['django.root']);
  const project = spec.django.project;
  const [wsgiModule, wsgiCallable] = (spec.django.wsgi ?? `${project}.wsgi:application`).split(':') as [string, string | undefined];
  const settingsModule = spec.django.settings ?? `${project}.settings`;
  // `auto` takes the first dependency file found in the Django folder, then at the root (a src/ layout keeps
  // pyproject.toml at the root); an explicit kind still looks in both places for its file. Poetry and uv are
  // recognised by their lock file; what declares the dependencies is the pyproject.toml beside it.
  const FOUND_BY = { requirements: 'requirements.txt', pipenv: 'Pipfile', poetry: 'poetry.lock', uv: 'uv.lock', pyproject: 'pyproject.toml' } as const;
  const DECLARED_IN = { ...FOUND_BY, poetry: 'pyproject.toml', uv: 'pyproject.toml' } as const;
  const declared = spec.django.dependencies ?? D['django.dependencies'];
  const dirs = djRoot === '.' ? ['.'] : [djRoot, '.'];
  const kinds = declared === 'auto' ? (['requirements', 'pipenv', 'poetry', 'uv', 'pyproject'] as const) : ([declared] as const);
  let dependencies: DeployModel['django']['dependencies'] = declared === 'auto' ? 'requirements' : declared;
  let dependencyFile = joinPath(djRoot, DECLARED_IN[dependencies]);
  search: for (const dir of dirs) {
    for (const kind of kinds) {
      if (facts.exists(joinPath(dir, FOUND_BY[kind]))) {
        dependencies = kind;
        dependencyFile = joinPath(dir, DECLARED_IN[kind]);
        break search;
      }
    }
  }

  const wsgi = `${wsgiModule}:${wsgiCallable ?? 'application'}`;
  const processes: ProcessModel[] = [];
  const procSpecs = nameMap(spec.processes);
  if (!procSpecs.web) procSpecs.web = {};
  for (const name of Object.keys(procSpecs).sort((a, b) => (a === 'web' ? -1 : b === 'web' ? 1 : a < b ? -1 : a > b ? 1 : 0))) {
    const p = procSpecs[name]!;
    const isWeb = name === 'web';
    processes.push({
      name,
      kind: isWeb ? 'web' : 'worker',
      command: p.command ?? (isWeb ? `gunicorn ${wsgi}` : ''),
      defaultCommand: isWeb && p.command === undefined,
      instances: p.instances ?? D['processes.*.instances'],
      size: (p.size ?? D['processes.*.size']) as Size,
      healthCheck: isWeb ? (p.health_check ?? null) : null,
      path: spec.processes?.[name] ? ['processes', name] : ['processes'],
    });
  }

  let release: DeployModel['release'] = null;
  if (spec.release === false) release = null;
  else if (spec.release?.command) release = { command: spec.release.command, path: ['release', 'command'] };
  else if (spec.release || spec.database) release = { command: D['release.command'], path: spec.release ? ['release'] : ['database'] };

  const jobs = Object.entries(spec.jobs ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, j]) => ({ name, schedule: (j.schedule ?? '').trim().split(/\s+/).join(' '), command: j.command ?? '', size: (j.size ?? D['jobs.*.size']) as Size, path: ['jobs', name] }));

  let client: DeployModel['client'] = null;
  if (spec.client) {
    const root = joinPath(spec.client.root ?? D['client.root']);
    client = {
      root,
      install: spec.client.install ?? D['client.install'],
      build: spec.client.build ?? D['client.build'],
      output: joinPath(spec.client.output ?? joinPath(root, 'dist')),
      path: ['client'],
    };
  }

  const database = spec.database
    ? {
        engine: spec.database.engine ?? D['database.engine'],
        version: spec.database.version ?? D['database.version'],
        plan: spec.database.plan ?? D['database.plan'],
        name: spec.database.name ?? D['database.name'],
        env: spec.database.env ?? D['database.env'],
        path: ['database'],
      }
    : null;
  const cache = spec.cache
    ? {
        engine: spec.cache.engine ?? D['cache.engine'],
        version: spec.cache.version ?? D['cache.version'],
        plan: spec.cache.plan ?? D['cache.plan'],
        name: spec.cache.name ?? D['cache.name'],
        env: spec.cache.env ?? D['cache.env'],
        path: ['cache'],
      }
    : null;

  const media: DeployModel['media'] = {
    storage: spec.media?.storage ?? D['media.storage'],
    url: withSlashes(spec.media?.url ?? D['media.url']),
    s3:
      spec.media?.storage === 's3'
        ? {
            bucket: spec.media.s3?.bucket ?? '',
            region: spec.media.s3?.region ?? null,
            endpoint: spec.media.s3?.endpoint ?? null,
            customDomain: spec.media.s3?.custom_domain ?? null,
            location: spec.media.s3?.location ?? D['media.s3.location'],
          }
        : null,
    path: spec.media ? ['media'] : [],
  };

  const sentrySpec = spec.monitoring?.sentry;
  const sentry = sentrySpec
    ? {
        dsnEnv: sentrySpec.dsn_env ?? D['monitoring.sentry.dsn_env'],
        environment: sentrySpec.environment ?? environment ?? 'production',
        tracesSampleRate: sentrySpec.traces_sample_rate ?? D['monitoring.sentry.traces_sample_rate'],
        sendDefaultPii: sentrySpec.send_default_pii ?? D['monitoring.sentry.send_default_pii'],
        path: ['monitoring', 'sentry'],
      }
    : null;

  const secretKeyEnv = spec.django.secret_key_env ?? D['django.secret_key_env'];
  const env = buildEnv(spec, { settingsModule, secretKeyEnv, database, cache, media, sentry });

  const hosts = (spec.hosts ?? D.hosts).map((h, i) => ({
    name: h.startsWith('*.') ? h.slice(2) : h,
    wildcard: h.startsWith('*.'),
    primary: i === 0,
    path: ['hosts', i],
  }));

  const python = spec.runtime?.python ?? D['runtime.python'];
  const node = spec.runtime?.node ?? D['runtime.node'];

  return {
    name: spec.name,
    description: spec.description ?? '',
    environment,
    runtime: { python, node },
    django: { project, root: djRoot, settingsModule, secretKeyEnv, wsgiModule, wsgiCallable: wsgiCallable ?? 'application', dependencies, dependencyFile, path: ['django'] },
    processes,
    release,
    jobs,
    client,
    env,
    database,
    cache,
    static: {
      serve: spec.static?.serve ?? D['static.serve'],
      url: withSlashes(spec.static?.url ?? D['static.url']),
      root: joinPath(spec.static?.root ?? D['static.root']),
      collectstatic: spec.static?.collectstatic ?? D['static.collectstatic'],
      dirs: client ? [relativePath(djRoot, client.output)] : [],
      path: spec.static ? ['static'] : [],
    },
    media,
    hosts,
    sentry,
    targets: spec.targets ?? {},
  };
}

function withSlashes(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}

interface Implied {
  settingsModule: string;
  secretKeyEnv: string;
  database: DeployModel['database'];
  cache: DeployModel['cache'];
  media: DeployModel['media'];
  sentry: DeployModel['sentry'];
}

function buildEnv(spec: DeploySpec, implied: Implied): EnvVarModel[] {
  const vars = new Map<string, EnvVarModel>();
  const add = (v: Omit<EnvVarModel, 'description' | 'required' | 'scope'> & Partial<EnvVarModel>) => {
    vars.set(v.name, { description: '', required: v.kind !== 'plain', scope: 'runtime', ...v });
  };
  // Implied by the spec's features; a user declaration of the same name (where rules allow one) replaces them.
  add({ name: implied.secretKeyEnv, kind: 'generated', value: null, ref: null, description: 'Django secret key: signs sessions and tokens.', origin: 'django', path: ['django'] });
  add({ name: SETTINGS_MODULE_ENV, kind: 'plain', value: implied.settingsModule, ref: null, description: 'Settings module used in production.', scope: 'both', origin: 'django', path: ['django'] });
  if (implied.database) add({ name: implied.database.env, kind: 'reference', value: null, ref: 'database.url', description: 'PostgreSQL connection URL, set by the database.', origin: 'database', path: implied.database.path });
  if (implied.cache) add({ name: implied.cache.env, kind: 'reference', value: null, ref: 'cache.url', description: 'Redis connection URL, set by the cache.', origin: 'cache', path: implied.cache.path });
  if (implied.media.storage === 's3' && implied.media.s3) {
    const s3 = implied.media.s3;
    const p = ['media', 's3'];
    add({ name: 'AWS_ACCESS_KEY_ID', kind: 'secret', value: null, ref: null, description: 'Access key id for the media bucket.', origin: 'media', path: p });
    add({ name: 'AWS_SECRET_ACCESS_KEY', kind: 'secret', value: null, ref: null, description: 'Secret access key for the media bucket.', origin: 'media', path: p });
    add({ name: 'AWS_STORAGE_BUCKET_NAME', kind: 'plain', value: s3.bucket, ref: null, description: 'Bucket holding media uploads.', origin: 'media', path: [...p, 'bucket'] });
    if (s3.region) add({ name: 'AWS_S3_REGION_NAME', kind: 'plain', value: s3.region, ref: null, description: 'Region of the media bucket.', origin: 'media', path: [...p, 'region'] });
    if (s3.endpoint) add({ name: 'AWS_S3_ENDPOINT_URL', kind: 'plain', value: s3.endpoint, ref: null, description: 'Endpoint of the S3-compatible store.', origin: 'media', path: [...p, 'endpoint'] });
    if (s3.customDomain) add({ name: 'AWS_S3_CUSTOM_DOMAIN', kind: 'plain', value: s3.customDomain, ref: null, description: 'Domain serving media files.', origin: 'media', path: [...p, 'custom_domain'] });
    if (s3.location) add({ name: 'AWS_LOCATION', kind: 'plain', value: s3.location, ref: null, description: 'Key prefix of media files in the bucket.', origin: 'media', path: [...p, 'location'] });
  }
  if (implied.media.storage === 'cloudinary') {
    add({ name: 'CLOUDINARY_URL', kind: 'secret', value: null, ref: null, description: 'Cloudinary account URL (cloudinary://key:secret@cloud).', origin: 'media', path: ['media', 'storage'] });
  }
  if (implied.sentry) {
    add({ name: implied.sentry.dsnEnv, kind: 'secret', value: null, ref: null, description: 'Sentry DSN; error reporting is off while it is unset.', required: false, origin: 'sentry', path: implied.sentry.path });
  }
  for (const [name, raw] of Object.entries(spec.env ?? {})) {
    const v = envObject(raw);
    const path: SpecPath = ['env', name];
    const prior = vars.get(name);
    const description = v.description ?? prior?.description ?? '';
    const scope = v.scope ?? prior?.scope ?? D['env.*.scope'];
    if (v.value !== undefined && v.secret !== true) {
      add({ name, kind: 'plain', value: String(v.value), ref: null, description, required: v.required ?? true, scope, origin: 'user', path });
    } else if (v.generate) {
      add({ name, kind: 'generated', value: null, ref: null, description, required: true, scope, origin: 'user', path });
    } else if (v.from) {
      add({ name, kind: 'reference', value: null, ref: v.from, description, required: true, scope, origin: 'user', path });
    } else {
      add({ name, kind: 'secret', value: null, ref: null, description, required: v.required ?? true, scope, origin: 'user', path });
    }
  }
  return [...vars.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
