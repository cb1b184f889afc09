/** `targets.render` with every default applied (defaults from the generated options module). */
import type { DeployModel, SpecPath } from '../../src/model/model.js';
import { joinPath } from '../../src/model/normalize.js';
import { DEFAULTS } from './options.gen.js';
import type { RenderOptionsSpec } from './options.gen.js';
import { nameMap } from '../../src/names.js';

export interface RenderOptions {
  path: string;
  region: NonNullable<RenderOptionsSpec['region']>;
  branch: string | null;
  autoDeploy: RenderOptionsSpec['auto_deploy'] | null;
  sizes: Record<string, string>;
  postgresPlan: string | null;
  keyvaluePlan: string | null;
  project: string;
  baseEnvironment: string;
  previews: RenderOptionsSpec['previews'] | null;
  previewExpireDays: number | null;
  specPath: SpecPath;
}

export function renderOptions(raw: unknown, model: DeployModel): RenderOptions {
  const r = (raw ?? {}) as RenderOptionsSpec;
  return {
    path: joinPath(r.path ?? DEFAULTS.path),
    region: r.region ?? DEFAULTS.region,
    branch: r.branch ?? null,
    autoDeploy: r.auto_deploy ?? null,
    sizes: nameMap(r.sizes),
    postgresPlan: r.postgres_plan ?? null,
    keyvaluePlan: r.keyvalue_plan ?? null,
    // Documented in the schema: the spec's name.
    project: r.project ?? model.name,
    baseEnvironment: r.base_environment ?? DEFAULTS.base_environment,
    previews: r.previews ?? null,
    previewExpireDays: r.preview_expire_days ?? null,
    specPath: ['targets', 'render'],
  };
}
