/** `targets.digitalocean` with every default applied (defaults from the generated options module). */
import type { SpecPath } from '../../src/model/model.js';
import { joinPath } from '../../src/model/normalize.js';
import { DEFAULTS } from './options.gen.js';
import type { DigitaloceanOptionsSpec } from './options.gen.js';
import { nameMap } from '../../src/names.js';

export interface DigitalOceanOptions {
  path: string;
  region: string | null;
  sizes: Record<string, string>;
  github: { repo: string; branch: string; deployOnPush: boolean } | null;
  databaseCluster: string | null;
  /** Ubuntu packages for the Aptfile, sorted. */
  systemPackages: string[];
  overrides: Record<string, unknown>;
  specPath: SpecPath;
}

export function digitalOceanOptions(raw: unknown): DigitalOceanOptions {
  const d = (raw ?? {}) as DigitaloceanOptionsSpec;
  return {
    path: joinPath(d.path ?? DEFAULTS.path),
    region: d.region ?? null,
    sizes: nameMap(d.sizes),
    github: d.github ? { repo: d.github.repo, branch: d.github.branch ?? DEFAULTS['github.branch'], deployOnPush: d.github.deploy_on_push ?? DEFAULTS['github.deploy_on_push'] } : null,
    databaseCluster: d.database_cluster ?? null,
    systemPackages: [...(d.system_packages ?? [])].sort(),
    overrides: (d.overrides ?? {}) as Record<string, unknown>,
    specPath: ['targets', 'digitalocean'],
  };
}
