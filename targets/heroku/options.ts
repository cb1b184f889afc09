/** `targets.heroku` with every default applied (defaults from the generated options module). */
import type { SpecPath } from '../../src/model/model.js';
import { DEFAULTS } from './options.gen.js';
import type { HerokuOptionsSpec } from './options.gen.js';
import { nameMap } from '../../src/names.js';

export interface HerokuOptions {
  stack: NonNullable<HerokuOptionsSpec['stack']>;
  region: NonNullable<HerokuOptionsSpec['region']>;
  /** Buildpacks (Procfile) or the container stack (heroku.yml). */
  build: NonNullable<HerokuOptionsSpec['build']>;
  /** Explicit buildpacks, or null for the default list. */
  buildpacks: string[] | null;
  /** Ubuntu packages for the Aptfile, sorted. */
  systemPackages: string[];
  sizes: Record<string, string>;
  postgresPlan: string | null;
  redisPlan: string | null;
  schedulerPlan: string;
  runtimeFile: NonNullable<HerokuOptionsSpec['runtime_file']>;
  reviewApps: boolean;
  /** The environment review apps are (app.json `environments.review`). */
  reviewEnvironment: string;
  postdeploy: string | null;
  overrides: Record<string, unknown>;
  specPath: SpecPath;
}

export function herokuOptions(raw: unknown): HerokuOptions {
  const h = (raw ?? {}) as HerokuOptionsSpec;
  return {
    stack: h.stack ?? DEFAULTS.stack,
    region: h.region ?? DEFAULTS.region,
    build: h.build ?? DEFAULTS.build,
    buildpacks: h.buildpacks ?? null,
    systemPackages: [...(h.system_packages ?? [])].sort(),
    sizes: nameMap(h.sizes),
    postgresPlan: h.postgres_plan ?? null,
    redisPlan: h.redis_plan ?? null,
    schedulerPlan: h.scheduler_plan ?? DEFAULTS.scheduler_plan,
    runtimeFile: h.runtime_file ?? DEFAULTS.runtime_file,
    reviewApps: h.review_apps ?? DEFAULTS.review_apps,
    reviewEnvironment: h.review_environment ?? DEFAULTS.review_environment,
    postdeploy: h.postdeploy ?? null,
    overrides: (h.overrides ?? {}) as Record<string, unknown>,
    specPath: ['targets', 'heroku'],
  };
}
