/**
 * How a CI pipeline deploys to App Platform (the `deploy` offer): `doctl apps update <id> --spec <file>` applies
 * the generated app spec, then `doctl apps create-deployment <id> --wait` deploys the commit and waits for it
 * (doctl reference: "doctl apps update", "doctl apps create-deployment"; doctl reads DIGITALOCEAN_ACCESS_TOKEN).
 * App Platform builds from the repository itself, so no image is needed.
 */
import { shellQuote } from '../../src/model/commands.js';
import type { DeployModel } from '../../src/model/model.js';
import { environmentSecret } from '../../src/products.js';
import type { DeployProduct } from '../../src/products.js';
import type { DigitalOceanOptions } from './options.js';

/** A released doctl, pinned (github.com/digitalocean/doctl/releases). */
export const DOCTL_VERSION = '1.115.0';

export function digitaloceanDeploy(_model: DeployModel, d: DigitalOceanOptions): DeployProduct {
  const specFile = (env: string | null) => (env === null ? d.path : d.path.replace(/(\.ya?ml)$/, `.${env}$1`));
  return {
    platform: 'digitalocean',
    files: [d.path],
    needsImage: false,
    needsDocker: false,
    needsHistory: false,
    notes: [`create each app once with \`doctl apps create --spec ${d.path}\` and store its id as a CI secret`],
    plan(env) {
      const id = environmentSecret('DIGITALOCEAN_APP_ID', env);
      const install = [
        `curl --fail --silent --show-error --location https://github.com/digitalocean/doctl/releases/download/v${DOCTL_VERSION}/doctl-${DOCTL_VERSION}-linux-amd64.tar.gz | tar -xz -C "$HOME"`,
        `"$HOME/doctl" version`,
      ].join('\n');
      const deploy = [`"$HOME/doctl" apps update "$${id}" --spec ${shellQuote(specFile(env))}`, `"$HOME/doctl" apps create-deployment "$${id}" --wait`].join('\n');
      return {
        destination: `App Platform app ${specFile(env)}`,
        secrets: [
          { name: 'DIGITALOCEAN_ACCESS_TOKEN', description: 'A DigitalOcean personal access token with write access to App Platform' },
          { name: id, description: `The App Platform app id${env === null ? '' : ` of environment ${env}`} (\`doctl apps list\`)` },
        ],
        steps: [
          { name: `Install doctl ${DOCTL_VERSION}`, run: install + '\n' },
          { name: 'Deploy to App Platform', run: deploy + '\n' },
        ],
      };
    },
  };
}
