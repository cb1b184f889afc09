/** `targets.github-actions` with every default applied (defaults from the generated options module). */
import type { PipelineOptions } from '../../src/pipeline.js';
import { DEFAULTS } from './options.gen.js';
import type { GithubActionsOptionsSpec } from './options.gen.js';

export type GithubActionsOptions = PipelineOptions;

export function githubActionsOptions(raw: unknown): GithubActionsOptions {
  const g = (raw ?? {}) as GithubActionsOptionsSpec;
  return {
    branch: g.branch ?? DEFAULTS.branch,
    testCommand: g.test_command ?? DEFAULTS.test_command,
    image: g.image ? { registry: g.image.registry ?? DEFAULTS['image.registry'], repository: g.image.repository } : null,
    deploy: [...(g.deploy ?? DEFAULTS.deploy)],
    environments: Object.fromEntries(Object.entries(g.environments ?? {}).map(([k, v]) => [k, { branch: v.branch ?? null, approval: v.approval ?? DEFAULTS['environments.*.approval'] }])),
    specPath: ['targets', 'github-actions'],
  };
}
