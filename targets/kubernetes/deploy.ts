/**
 * How a CI pipeline deploys to Kubernetes (the `deploy` offer), in the order the kubernetes target prescribes:
 * apply the overlay's release objects (label deployspec/phase=release: the ConfigMap and the release Job), wait for
 * the Job to complete, apply the whole overlay, then wait for every Deployment's rollout. The image the pipeline
 * built replaces the manifests' image through a Kustomize `images` entry in a throwaway kustomization beside the
 * overlay, so the committed files stay as generated. kubectl is installed at a pinned version; the cluster's
 * kubeconfig comes from a CI secret.
 */
import { shellQuote } from '../../src/model/commands.js';
import type { DeployModel } from '../../src/model/model.js';
import { DEPLOY_IMAGE_ENV, environmentSecret } from '../../src/products.js';
import type { DeployProduct } from '../../src/products.js';
import { PHASE_LABEL, RELEASE_DEADLINE_SECONDS } from './manifests.js';
import type { KubernetesOptions } from './options.js';

/** kubectl of the Kubernetes version the manifests are checked against. */
export const KUBECTL_VERSION = '1.32.2';

/** The image name the manifests carry, without tag or digest: what the Kustomize `images` entry matches. */
function imageName(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function kubernetesDeploy(model: DeployModel, k: KubernetesOptions): DeployProduct {
  return {
    platform: 'kubernetes',
    files: [`${k.path}/**`],
    needsImage: true,
    needsDocker: false,
    needsHistory: false,
    notes: [`create the namespace and the Secret "${k.secretName}" once per environment (see the kubernetes target's notes)`],
    plan(env) {
      const overlay = `${k.path}/overlays/${env ?? 'production'}`;
      const namespace = env === null ? k.namespace : `${k.namespace}-${env}`;
      const kubeconfig = environmentSecret('KUBE_CONFIG', env);
      const dir = `${overlay}/.ci-image`;
      const name = imageName(k.image ?? model.name);
      const kustomization = `resources:\\n  - ..\\nimages:\\n  - name: %s\\n    newName: %s\\n    newTag: %s\\n`;
      const setup = [
        `curl --fail --silent --show-error --location --output "$HOME/kubectl" https://dl.k8s.io/release/v${KUBECTL_VERSION}/bin/linux/amd64/kubectl`,
        `chmod +x "$HOME/kubectl"`,
        'mkdir -p "$HOME/.kube"',
        `printf '%s' "$${kubeconfig}" > "$HOME/.kube/config"`,
        'chmod 600 "$HOME/.kube/config"',
      ];
      // Every value from the spec is one quoted word: targets.kubernetes.path may hold any character a path can.
      const q = { dir: shellQuote(dir), file: shellQuote(`${dir}/kustomization.yaml`), namespace: shellQuote(namespace), name: shellQuote(name) };
      const image = [`mkdir -p ${q.dir}`, `printf '${kustomization}' ${q.name} "\${${DEPLOY_IMAGE_ENV}%:*}" "\${${DEPLOY_IMAGE_ENV}##*:}" > ${q.file}`];
      const release = [
        `job=$("$HOME/kubectl" apply --kustomize ${q.dir} --selector ${PHASE_LABEL}=release --output name | grep '^job' || true)`,
        `if [ -n "$job" ]; then "$HOME/kubectl" wait --namespace ${q.namespace} --for=condition=complete --timeout=${RELEASE_DEADLINE_SECONDS}s "$job"; fi`,
      ];
      const rollout = [`"$HOME/kubectl" apply --kustomize ${q.dir}`, ...model.processes.map((p) => `"$HOME/kubectl" rollout status --namespace ${q.namespace} --timeout=600s ${shellQuote(`deployment/${model.name}-${p.name}`)}`)];
      return {
        destination: `Kubernetes namespace ${namespace} (${overlay})`,
        secrets: [{ name: kubeconfig, description: `A kubeconfig for the cluster${env === null ? '' : ` of environment ${env}`}, allowed to apply to namespace ${namespace}` }],
        steps: [
          { name: `Install kubectl ${KUBECTL_VERSION}`, run: setup.join('\n') + '\n' },
          { name: 'Point the overlay at the pushed image', run: image.join('\n') + '\n' },
          { name: 'Run the release Job and wait for it', run: release.join('\n') + '\n' },
          { name: 'Apply the overlay and wait for the rollout', run: rollout.join('\n') + '\n' },
        ],
      };
    },
  };
}
