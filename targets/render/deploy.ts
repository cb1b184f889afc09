/**
 * How a CI pipeline deploys to Render (the `deploy` offer): a POST to the service's deploy hook, a secret URL
 * (Render docs "Deploy Hooks"). Render builds from the repository, so no image is needed; turn off Render's own
 * auto-deploy (`targets.render.auto_deploy: off`) so a commit is not deployed twice, and before its tests pass.
 */
import type { DeployModel } from '../../src/model/model.js';
import { environmentSecret } from '../../src/products.js';
import type { DeployProduct } from '../../src/products.js';
import type { RenderOptions } from './options.js';

export function renderDeploy(_model: DeployModel, r: RenderOptions): DeployProduct {
  return {
    platform: 'render',
    files: [r.path],
    needsImage: false,
    needsDocker: false,
    needsHistory: false,
    notes: ['copy the web service\'s deploy hook URL (Settings → Deploy Hook) into a CI secret, and set targets.render.auto_deploy: off'],
    plan(env) {
      const hook = environmentSecret('RENDER_DEPLOY_HOOK_URL', env);
      return {
        destination: `Render${env === null ? '' : ` environment ${env}`}`,
        secrets: [{ name: hook, description: `The deploy hook URL of the Render web service${env === null ? '' : ` of environment ${env}`} (it is a secret: anyone with it can deploy)` }],
        steps: [{ name: 'Trigger the Render deploy hook', run: `curl --fail --silent --show-error --request POST "$${hook}" > /dev/null\n` }],
      };
    },
  };
}
