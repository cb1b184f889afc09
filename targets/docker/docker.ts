/** Docker target: a multi-stage production Dockerfile, a .dockerignore and (optionally) compose.yaml for local parity. */
import type { DeployModel } from '../../src/model/model.js';
import type { EmitContext, EmitResult, Target } from '../../src/target.js';
import { composeFile } from './compose.js';
import { composeOverride } from './compose-override.js';
import { dockerfileView, dockerignorePaths, HEADER } from './dockerfile.js';
import { envExample } from './env-example.js';
import { importers } from './import.js';
import { dockerOptions } from './options.js';
import type { DockerOptions } from './options.js';

function emit(model: DeployModel, opts: DockerOptions, ctx: EmitContext): EmitResult {
  const { view, findings } = dockerfileView(model, opts, ctx.product('settings'));
  const files = [
    { path: 'Dockerfile', contents: ctx.render('Dockerfile.hbs', view) },
    { path: '.dockerignore', contents: ctx.render('_dockerignore.hbs', { header: HEADER, localPaths: dockerignorePaths(model) }) },
  ];
  if (opts.compose) {
    const compose = composeFile(model, opts);
    findings.push(...compose.findings);
    files.push({ path: 'compose.yaml', contents: compose.contents }, { path: '.env.example', contents: envExample(model) });
  }
  return { files, findings };
}

export const docker: Target<'docker', DockerOptions> = {
  name: 'docker',
  description: 'Dockerfile (multi-stage, non-root), .dockerignore and compose.yaml for local parity',
  capabilities: {
    cron: {
      severity: 'info',
      message: (subject) => `Docker and compose have no scheduler: ${subject} is not run automatically`,
      hint: () => "Run it from the host's cron or your orchestrator, e.g. `docker compose run --rm web <command>` on the schedule.",
    },
    release: true,
    workers: true,
    staticSite: {
      severity: 'info',
      message: (subject) => `the Docker image has no separate static site: ${subject} is served by the web process with WhiteNoise`,
      hint: () => 'Nothing to do for local runs; put a CDN in front of the container in production if you need one.',
    },
    buildTimeResourceUrls: {
      severity: 'warning',
      message: (subject) => `${subject} is a resource URL needed at build time, but \`docker build\` cannot reach the database or cache`,
      hint: () => 'Use it only at run time (`scope: runtime`); collectstatic already runs without a database.',
    },
    generatedSecrets: {
      severity: 'info',
      message: (subject) => `Docker does not generate secrets: ${subject} must be set in .env (read by compose.yaml, never committed)`,
      hint: (subject) => `Generate one with: python3 -c "import secrets; print('${subject}=' + secrets.token_urlsafe(50))" >> .env`,
    },
  },
  options: dockerOptions,
  emit,
  importers,
  offers: {
    image: (_model, opts) => ({
      dockerfile: 'Dockerfile',
      context: '.',
      port: opts.port,
      packages: [...opts.buildPackages, ...opts.runtimePackages],
      packagesOption: [...opts.specPath, 'system_packages'],
    }),
  },
  outputs: ['Dockerfile', '.dockerignore', 'compose.yaml', 'compose.*.yaml', '.env.example'],
  // Each environment's compose file is an override beside compose.yaml: `-f compose.yaml -f compose.staging.yaml`.
  // The image (Dockerfile, .dockerignore) and .env.example are one for every environment.
  environmentPath: (path, env) => (path === 'compose.yaml' ? `compose.${env}.yaml` : null),
  environmentContents: (_path, env, files) => composeOverride(env, files.production, files.environment),
};
