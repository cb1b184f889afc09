/**
 * How a CI pipeline deploys to Heroku (the `deploy` offer).
 * - Buildpacks: a git push of the commit to the app's Heroku Git remote, authenticated by the API key (Dev Center
 *   "Deploying with Git"); the build runs the Procfile's release phase.
 * - Container stack: the image the pipeline built is pushed to Heroku's registry once per process type, `release`
 *   included, and all of them are released together through the Platform API's formation update (Dev Center
 *   "Container Registry & Runtime (Docker Deploys)": releasing web alone skips the release phase, so migrations
 *   never run). Heroku runs each image's CMD, so every type but web gets a one-line image whose CMD is its command.
 */
import { shellQuote } from '../../src/model/commands.js';
import type { DeployModel } from '../../src/model/model.js';
import { DEPLOY_IMAGE_ENV } from '../../src/products.js';
import type { DeployPlan, DeployProduct, DeploySecret } from '../../src/products.js';
import type { HerokuOptions } from './options.js';

const KEY: DeploySecret = { name: 'HEROKU_API_KEY', description: 'A Heroku API key of a user who may deploy the app: `heroku authorizations:create --description ci`' };
const REGISTRY = 'registry.heroku.com';

/** The Heroku app of production (the spec name) or of one environment (`<name>-<environment>`). */
export function herokuApp(model: DeployModel, environment: string | null): string {
  return environment === null ? model.name : `${model.name}-${environment}`;
}

export function herokuDeploy(model: DeployModel, h: HerokuOptions): DeployProduct {
  const container = h.build === 'container';
  return {
    platform: 'heroku',
    files: container ? ['heroku.yml'] : ['Procfile', 'app.json', h.runtimeFile === 'runtime.txt' ? 'runtime.txt' : '.python-version'],
    needsImage: container,
    needsDocker: container,
    needsHistory: !container,
    plan: (env) => (container ? containerPlan(model, env) : gitPlan(model, env)),
    notes: container
      ? [`switch each app to the container stack once: heroku stack:set container -a ${model.name}`]
      : [`create each app once: heroku create ${model.name}`],
  };
}

function gitPlan(model: DeployModel, env: string | null): DeployPlan {
  const app = herokuApp(model, env);
  const remote = `https://heroku:\${${KEY.name}}@git.heroku.com/${app}.git`;
  return {
    destination: `Heroku app ${app}`,
    secrets: [KEY],
    steps: [{ name: `Deploy to Heroku (${app})`, run: `git push --force "${remote}" HEAD:refs/heads/main\n` }],
  };
}

function containerPlan(model: DeployModel, env: string | null): DeployPlan {
  const app = herokuApp(model, env);
  // Process type → the command its image runs; null keeps the image's own CMD (the docker target's web command).
  const types: { type: string; command: string | null }[] = [];
  for (const p of model.processes) types.push({ type: p.name, command: p.kind === 'web' && p.defaultCommand ? null : p.command });
  if (model.release) types.push({ type: 'release', command: model.release.command });
  const lines = [`echo "$${KEY.name}" | docker login --username=_ --password-stdin ${REGISTRY}`, `docker pull "$${DEPLOY_IMAGE_ENV}"`];
  for (const t of types) {
    const tag = `${REGISTRY}/${app}/${t.type}`;
    if (t.command === null) lines.push(`docker tag "$${DEPLOY_IMAGE_ENV}" ${tag}`);
    else {
      // Exec form, so the image's ENTRYPOINT (its init) stays PID 1; the command runs from the image's WORKDIR.
      const cmd = JSON.stringify(['sh', '-c', t.command]);
      // The command is a literal for the image, expanded by the dyno's shell, never by this script.
      if (/[$`]/.test(cmd)) lines.push('# shellcheck disable=SC2016');
      lines.push(`printf 'FROM %s\\nCMD %s\\n' "$${DEPLOY_IMAGE_ENV}" ${shellQuote(cmd)} | docker build --tag ${tag} -`);
    }
    lines.push(`docker push ${tag}`);
  }
  const updates = types.map((t) => `{"type":"${t.type}","docker_image":"'"$(docker inspect --format='{{.Id}}' ${REGISTRY}/${app}/${t.type})"'"}`);
  lines.push(
    `curl --fail --silent --show-error --request PATCH https://api.heroku.com/apps/${app}/formation \\`,
    `  --header "Authorization: Bearer $${KEY.name}" \\`,
    `  --header 'Content-Type: application/json' \\`,
    `  --header 'Accept: application/vnd.heroku+json; version=3.docker-releases' \\`,
    `  --data '{"updates":[${updates.join(',')}]}'`,
  );
  return {
    destination: `Heroku app ${app} (container stack)`,
    secrets: [KEY],
    steps: [{ name: `Release ${types.map((t) => t.type).join(', ')} on Heroku (${app})`, run: lines.join('\n') + '\n' }],
  };
}
