/** `targets.docker` with every default applied (defaults from the generated options module). */
import type { DeployModel, SpecPath } from '../../src/model/model.js';
import { POETRY_VERSION, UV_VERSION } from '../../src/model/python-tools.js';
import { DEFAULTS } from './options.gen.js';
import type { DockerOptionsSpec } from './options.gen.js';

export interface DockerOptions {
  baseImage: string;
  nodeImage: string;
  port: number;
  user: string;
  /** Debian packages for the deps stage and for the runtime image, sorted. */
  buildPackages: string[];
  runtimePackages: string[];
  poetryVersion: string;
  uvVersion: string;
  compose: boolean;
  overrides: Record<string, unknown>;
  specPath: SpecPath;
}

/** The Debian release the default base images are pinned to. */
const DEBIAN = 'bookworm';

export function dockerOptions(raw: unknown, model: DeployModel): DockerOptions {
  const k = (raw ?? {}) as DockerOptionsSpec;
  const pythonMinor = model.runtime.python.split('.').slice(0, 2).join('.');
  return {
    // Documented in the schema: tags pinned to a Debian release, so a rebuild never moves to another one.
    baseImage: k.base_image ?? `python:${pythonMinor}-slim-${DEBIAN}`,
    nodeImage: k.node_image ?? `node:${model.runtime.node}-${DEBIAN}-slim`,
    port: k.port ?? DEFAULTS.port,
    user: k.user ?? DEFAULTS.user,
    buildPackages: [...(k.system_packages?.build ?? [])].sort(),
    runtimePackages: [...(k.system_packages?.runtime ?? [])].sort(),
    poetryVersion: k.poetry_version ?? POETRY_VERSION,
    uvVersion: k.uv_version ?? UV_VERSION,
    compose: k.compose ?? DEFAULTS.compose,
    overrides: (k.overrides ?? {}) as Record<string, unknown>,
    specPath: ['targets', 'docker'],
  };
}
