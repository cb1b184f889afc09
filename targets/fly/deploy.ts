/**
 * How a CI pipeline deploys to Fly.io (the `deploy` offer): `flyctl deploy --remote-only` with the environment's
 * fly.toml, which builds the docker target's Dockerfile on Fly's builders and runs the release command before the
 * Machines are updated (Fly docs "Continuous Deployment with Fly.io and GitHub Actions"; flyctl reads
 * FLY_API_TOKEN). flyctl is installed at a pinned version by Fly's install script.
 */
import type { DeployModel } from '../../src/model/model.js';
import type { DeployProduct } from '../../src/products.js';
import type { FlyOptions } from './options.js';

/** A released flyctl, pinned (github.com/superfly/flyctl/releases). */
export const FLYCTL_VERSION = '0.3.100';

export function flyDeploy(_model: DeployModel, f: FlyOptions): DeployProduct {
  return {
    platform: 'fly',
    files: ['fly.toml'],
    needsImage: false,
    needsDocker: false,
    needsHistory: false,
    notes: [`create each app once: fly apps create ${f.app}`],
    plan(env) {
      const config = env === null ? 'fly.toml' : `fly.${env}.toml`;
      return {
        destination: `Fly.io (${config})`,
        secrets: [{ name: 'FLY_API_TOKEN', description: 'A Fly.io deploy token: `fly tokens create deploy`' }],
        steps: [
          { name: `Install flyctl ${FLYCTL_VERSION}`, run: `curl --fail --silent --show-error --location https://fly.io/install.sh | sh -s ${FLYCTL_VERSION}\n"$HOME/.fly/bin/flyctl" version\n` },
          { name: 'Deploy to Fly.io', run: `"$HOME/.fly/bin/flyctl" deploy --remote-only --config ${config}\n` },
        ],
      };
    },
  };
}
