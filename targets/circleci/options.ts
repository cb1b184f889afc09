/** `targets.circleci` with every default applied (defaults from the generated options module). */
import type { PipelineOptions } from '../../src/pipeline.js';
import { DEFAULTS } from './options.gen.js';
import type { CircleciOptionsSpec } from './options.gen.js';

export type CircleciOptions = PipelineOptions;

export function circleciOptions(raw: unknown): CircleciOptions {
  const g = (raw ?? {}) as CircleciOptionsSpec;
  return {
    branch: g.branch ?? DEFAULTS.branch,
    testCommand: g.test_command ?? DEFAULTS.test_command,
    image: g.image ? { registry: g.image.registry ?? DEFAULTS['image.registry'], repository: g.image.repository } : null,
    deploy: [...(g.deploy ?? DEFAULTS.deploy)],
    environments: Object.fromEntries(Object.entries(g.environments ?? {}).map(([k, v]) => [k, { branch: v.branch ?? null, approval: v.approval ?? DEFAULTS['environments.*.approval'] }])),
    specPath: ['targets', 'circleci'],
  };
}
