/**
 * The normalized deploy model: every default applied, every optional block resolved to a value or null.
 * Emitters read only this; none re-derives a default. `path` fields point back into deploy.yaml for diagnostics.
 */
export type SpecPath = (string | number)[];
export type Size = 'tiny' | 'small' | 'medium' | 'large' | 'xlarge';
export type EnvScope = 'runtime' | 'build' | 'both';

export interface DeployModel {
  name: string;
  description: string;
  /** Selected environment overlay (`--env`), or null for the base spec. */
  environment: string | null;
  runtime: { python: string; node: string };
  django: DjangoModel;
  /** `web` first (when present), then the others by name. */
  processes: ProcessModel[];
  release: { command: string; path: SpecPath } | null;
  jobs: JobModel[];
  client: ClientModel | null;
  /** Declared and implied variables, sorted by name. */
  env: EnvVarModel[];
  database: DatabaseModel | null;
  cache: CacheModel | null;
  static: StaticModel;
  media: MediaModel;
  hosts: HostModel[];
  sentry: SentryModel | null;
  /** `targets.<name>` as written (schema-valid, overlay applied); each target normalizes its own. */
  targets: Readonly<Record<string, unknown>>;
}

export interface DjangoModel {
  project: string;
  /** Folder of manage.py relative to deploy.yaml; '.' for the root. */
  root: string;
  settingsModule: string;
  /** The variable the settings read the secret key from. */
  secretKeyEnv: string;
  wsgiModule: string;
  wsgiCallable: string;
  dependencies: 'requirements' | 'pyproject' | 'pipenv' | 'poetry' | 'uv';
  /**
   * The file declaring them, relative to deploy.yaml: in the Django folder, else at the root of the repository
   * (pyproject.toml for poetry and uv, whose lock file sits beside it).
   */
  dependencyFile: string;
  path: SpecPath;
}

export interface ProcessModel {
  name: string;
  kind: 'web' | 'worker';
  /** Command as run from the Django folder. */
  command: string;
  /** True when the command is deployspec's default gunicorn line. */
  defaultCommand: boolean;
  instances: number;
  size: Size;
  healthCheck: string | null;
  path: SpecPath;
}

export interface JobModel {
  name: string;
  schedule: string;
  command: string;
  size: Size;
  path: SpecPath;
}

export interface ClientModel {
  root: string;
  install: string;
  build: string;
  output: string;
  path: SpecPath;
}

export type EnvKind = 'plain' | 'secret' | 'generated' | 'reference';

export interface EnvVarModel {
  name: string;
  kind: EnvKind;
  /** The committed value, for `plain` only. */
  value: string | null;
  /** For `reference`: which resource URL. */
  ref: 'database.url' | 'cache.url' | null;
  description: string;
  required: boolean;
  scope: EnvScope;
  /** `user` when declared under env:, otherwise the feature that implies it. */
  origin: 'user' | 'django' | 'database' | 'cache' | 'media' | 'sentry';
  path: SpecPath;
}

export interface DatabaseModel {
  engine: 'postgres';
  version: string;
  plan: 'dev' | 'production';
  name: string;
  env: string;
  path: SpecPath;
}

export interface CacheModel {
  engine: 'redis' | 'valkey';
  version: string;
  plan: 'dev' | 'production';
  name: string;
  env: string;
  path: SpecPath;
}

export interface StaticModel {
  serve: 'whitenoise' | 'static-site';
  url: string;
  /** STATIC_ROOT relative to the Django folder. */
  root: string;
  collectstatic: 'build' | 'skip';
  /** Extra STATICFILES_DIRS relative to the Django folder (the client build output). */
  dirs: string[];
  path: SpecPath;
}

export interface MediaModel {
  storage: 'none' | 's3' | 'cloudinary';
  url: string;
  s3: { bucket: string; region: string | null; endpoint: string | null; customDomain: string | null; location: string } | null;
  path: SpecPath;
}

export interface HostModel {
  name: string;
  wildcard: boolean;
  primary: boolean;
  path: SpecPath;
}

export interface SentryModel {
  dsnEnv: string;
  environment: string;
  tracesSampleRate: number;
  sendDefaultPii: boolean;
  path: SpecPath;
}
