/** `targets.kubernetes` with every default applied (defaults from the generated options module). */
import type { DeployModel, SpecPath } from '../../src/model/model.js';
import { joinPath } from '../../src/model/normalize.js';
import { DEFAULTS } from './options.gen.js';
import type { KubernetesOptionsSpec } from './options.gen.js';

export interface KubernetesOptions {
  /** Folder of the Kustomize layout. */
  path: string;
  /** The image reference, or null when none is set (the app name stands in, with a finding). */
  image: string | null;
  namespace: string;
  /** True when `namespace` was written in the spec (for this model), not defaulted to the app name. */
  namespaceSet: boolean;
  secretName: string;
  ingressClass: string | null;
  tlsSecret: string | null;
  ingressAnnotations: Record<string, string>;
  runAsUser: number;
  terminationGraceSeconds: number;
  autoscale: { maxReplicas: number; cpuPercent: number } | null;
  specPath: SpecPath;
}

export function kubernetesOptions(raw: unknown, model: DeployModel): KubernetesOptions {
  const k = (raw ?? {}) as KubernetesOptionsSpec;
  return {
    path: joinPath(k.path ?? DEFAULTS.path),
    image: k.image ?? null,
    // Documented in the schema: the namespace and the Secret default to the app name.
    namespace: k.namespace ?? model.name,
    namespaceSet: k.namespace !== undefined,
    secretName: k.secret_name ?? `${model.name}-secrets`,
    ingressClass: k.ingress_class ?? null,
    tlsSecret: k.tls_secret ?? null,
    ingressAnnotations: { ...(k.ingress_annotations ?? {}) },
    runAsUser: k.run_as_user ?? DEFAULTS.run_as_user,
    terminationGraceSeconds: k.termination_grace_seconds ?? DEFAULTS.termination_grace_seconds,
    autoscale: k.autoscale ? { maxReplicas: k.autoscale.max_replicas, cpuPercent: k.autoscale.cpu_percent ?? DEFAULTS['autoscale.cpu_percent'] } : null,
    specPath: ['targets', 'kubernetes'],
  };
}
