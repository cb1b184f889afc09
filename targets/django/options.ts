/** `targets.django` with every default applied (defaults from the generated options module). */
import type { DeployModel, SpecPath } from '../../src/model/model.js';
import { joinPath } from '../../src/model/normalize.js';
import { DEFAULTS } from './options.gen.js';
import type { DjangoOptionsSpec } from './options.gen.js';

export interface DjangoTargetOptions {
  path: string;
  sslRedirect: boolean;
  hstsSeconds: number;
  hstsIncludeSubdomains: boolean;
  hstsPreload: boolean;
  connMaxAge: number;
  /** null: decided per platform (required where the platform's databases require TLS). */
  dbSslRequire: boolean | null;
  specPath: SpecPath;
}

export function djangoOptions(raw: unknown, model: DeployModel): DjangoTargetOptions {
  const dj = (raw ?? {}) as DjangoOptionsSpec;
  return {
    // Documented in the schema: `<django.root>/<project>/deploy_settings.py`.
    path: joinPath(dj.path ?? joinPath(model.django.root, model.django.project, 'deploy_settings.py')),
    sslRedirect: dj.ssl_redirect ?? DEFAULTS.ssl_redirect,
    hstsSeconds: dj.hsts_seconds ?? DEFAULTS.hsts_seconds,
    hstsIncludeSubdomains: dj.hsts_include_subdomains ?? DEFAULTS.hsts_include_subdomains,
    hstsPreload: dj.hsts_preload ?? DEFAULTS.hsts_preload,
    connMaxAge: dj.conn_max_age ?? DEFAULTS.conn_max_age,
    dbSslRequire: dj.db_ssl_require ?? null,
    specPath: ['targets', 'django'],
  };
}
