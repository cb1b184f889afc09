/**
 * The Kubernetes objects of one model, as plain objects (serialized later with the yaml library). Field choices
 * follow kubernetes.io: "Deployments", "Jobs" (ttlSecondsAfterFinished, backoffLimit, activeDeadlineSeconds),
 * "CronJob" (concurrencyPolicy, timeZone), "Configure Liveness, Readiness and Startup Probes", "Container Lifecycle
 * Hooks" (the preStop sleep action, on by default since 1.30), "Configure a Security Context", "Pod Security
 * Standards" (restricted), "Ingress", "HorizontalPodAutoscaler Walkthrough" and "Specifying a Disruption Budget".
 */
import { createHash } from 'node:crypto';
import { execArgv, webCommand } from '../../src/model/commands.js';
import type { DeployModel, EnvVarModel, ProcessModel, SpecPath } from '../../src/model/model.js';
import { RUNTIME_ENV } from '../../src/contract.js';
import type { Finding } from '../../src/spec/finding.js';
import type { KubernetesOptions } from './options.js';
import { resources } from './sizes.js';

export type Obj = Record<string, unknown>;

/** One object and the file it is written to (relative to its kustomization folder). */
export interface Doc {
  file: string;
  obj: Obj;
}

/** The platform name the generated settings recognise (platformRuntime offer). */
export const PLATFORM = 'kubernetes';
/** Label on the objects the release step needs (the ConfigMap and the release Job): applied first. */
export const PHASE_LABEL = 'deployspec/phase';
/** Label selecting one process's pods (Deployments select on it; jobs never carry it). */
const PROCESS_LABEL = 'deployspec/process';
const NAME_LABEL = 'app.kubernetes.io/name';
const COMPONENT_LABEL = 'app.kubernetes.io/component';
/** The web container's named port; the Service, the Ingress and the probes refer to it by name. */
const HTTP = 'http';
/** Seconds the web pod keeps serving after it is marked for termination, while endpoints drop it. */
export const PRESTOP_SECONDS = 5;
export const RELEASE_DEADLINE_SECONDS = 900;
export const RELEASE_TTL_SECONDS = 86400;

/** Everything that shapes the objects besides the model itself. */
export interface BuildContext {
  opts: KubernetesOptions;
  /** Container port of the web process (the image's). */
  port: number;
  /** The model the generated settings module was built from (hosts, health check path, Sentry environment). */
  settingsModel: DeployModel;
}

export interface Built {
  docs: Doc[];
  findings: Finding[];
  /** Name of the release Job, or null without a release step. */
  releaseJob: string | null;
  /** Names in the Secret the user creates: secret variables and resource URLs. */
  secretKeys: string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A short, stable hash of a value (its JSON with sorted keys). */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 10);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as Obj).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Obj)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Kubernetes expands `$(NAME)` in command, args and env values, and reads `$$` as a literal `$`: doubling every `$`
 * keeps the text exactly as written ("Define a Command and Arguments for a Container").
 */
export function k8sLiteral(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** The container command for a one-line command (see execArgv), with `$` kept literal for Kubernetes. */
export function commandArgv(command: string): string[] {
  return execArgv(command).map(k8sLiteral);
}

/**
 * The spec's cron expression as Kubernetes reads it (robfig/cron's standard parser): day of week is 0-6 there, so a
 * Sunday written as 7 becomes 0. Returns null when a 7 sits in a stepped range that cannot be rewritten.
 */
export function k8sSchedule(schedule: string): string | null {
  const fields = schedule.trim().split(/\s+/);
  const dow = fields[4];
  if (dow === undefined) return fields.join(' ');
  const items: string[] = [];
  for (const item of dow.split(',')) {
    if (item === '7') items.push('0');
    else if (/^\d+-7$/.test(item)) {
      const start = Number(item.split('-')[0]);
      items.push(start === 7 ? '0' : `${start}-6`, '0');
    } else if (/(^|[-/])7($|[-/])/.test(item)) return null;
    else items.push(item);
  }
  fields[4] = [...new Set(items)].join(',');
  return fields.join(' ');
}

/** Host names for DJANGO_ALLOWED_HOSTS, as the generated settings write them (a leading `.` for a wildcard). */
function djangoHosts(model: DeployModel): string[] {
  return model.hosts.map((h) => (h.wildcard ? '.' + h.name : h.name));
}

/** Builds every object of `model`. */
export function buildManifests(model: DeployModel, ctx: BuildContext): Built {
  const { opts, port, settingsModel } = ctx;
  const findings: Finding[] = [];
  const app = model.name;
  const image = opts.image ?? app;
  const labels = (component: string): Obj => ({ [NAME_LABEL]: app, [COMPONENT_LABEL]: component });
  const selector = (p: ProcessModel): Obj => ({ [NAME_LABEL]: app, [PROCESS_LABEL]: p.name });
  const docs: Doc[] = [];

  // Configuration: plain runtime values in an immutable ConfigMap whose name carries a hash of its data, so a change
  // creates a new ConfigMap and rolls every workload that reads it.
  const data: Record<string, string> = {};
  for (const v of model.env) if (v.kind === 'plain' && v.scope !== 'build') data[v.name] = v.value ?? '';
  const declared = new Set(model.env.map((v) => v.name));
  const extra = (name: string, value: string) => {
    if (!declared.has(name)) data[name] = value;
  };
  extra(RUNTIME_ENV.platform, PLATFORM);
  // The settings module holds the hosts and the Sentry environment of the spec it was built from; an environment
  // that differs adds its own through the runtime contract.
  const hosts = djangoHosts(model);
  if (hosts.some((h) => !djangoHosts(settingsModel).includes(h))) extra(RUNTIME_ENV.allowedHosts, hosts.join(','));
  if (model.sentry && model.sentry.environment !== settingsModel.sentry?.environment) extra(RUNTIME_ENV.sentryEnvironment, model.sentry.environment);
  const sortedData = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]!]));
  const configName = `${app}-config-${shortHash(sortedData)}`;
  docs.push({
    file: 'configmap.yaml',
    obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configName, labels: { ...labels('config'), [PHASE_LABEL]: 'release' } }, immutable: true, data: sortedData },
  });

  // Secrets: references to the Secret the user creates; the database and cache are external, by URL in it.
  const secretKeys = new Set<string>();
  const secretEnv: Obj[] = [];
  const resourceKey = (v: EnvVarModel): string => (v.ref === 'database.url' ? model.database?.env : model.cache?.env) ?? v.name;
  for (const v of model.env) {
    if (v.scope === 'build' || v.kind === 'plain') continue;
    const key = v.kind === 'reference' ? resourceKey(v) : v.name;
    secretKeys.add(key);
    secretEnv.push({ name: v.name, valueFrom: { secretKeyRef: { name: opts.secretName, key, ...(v.required ? {} : { optional: true }) } } });
  }

  const web = model.processes.find((p) => p.kind === 'web') ?? null;
  const healthPath = settingsModel.processes.find((p) => p.kind === 'web')?.healthCheck ?? null;

  const container = (name: string, argv: string[], size: ProcessModel['size'], extraEnv: Obj[] = []): Obj => {
    const env = [...extraEnv, ...secretEnv];
    return {
      name,
      image,
      command: argv,
      envFrom: [{ configMapRef: { name: configName } }],
      ...(env.length ? { env } : {}),
      resources: resources(size),
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
      // The root filesystem is read-only; Python, gunicorn's worker heartbeat files and uploads in flight use /tmp.
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    };
  };
  const podSpec = (containers: Obj[], restartPolicy: 'Always' | 'Never'): Obj => ({
    automountServiceAccountToken: false,
    containers,
    enableServiceLinks: false,
    ...(restartPolicy === 'Never' ? { restartPolicy } : {}),
    securityContext: { runAsGroup: opts.runAsUser, runAsNonRoot: true, runAsUser: opts.runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: opts.terminationGraceSeconds,
    volumes: [{ name: 'tmp', emptyDir: {} }],
  });
  const nameCheck = (name: string, max: number, path: SpecPath, what: string) => {
    if (name.length <= max && DNS_LABEL.test(name)) return;
    findings.push({ severity: 'error', code: 'kubernetes/name', message: `the ${what} name "${name}" is longer than the ${max} characters Kubernetes allows`, hint: 'Shorten the app name or this name.', path, at: 'key' });
  };

  for (const p of model.processes) {
    const name = `${app}-${p.name}`;
    nameCheck(name, 63, p.path, 'Deployment');
    const argv = p.kind === 'web' ? commandArgv(webCommand(model, p, '.')) : commandArgv(p.command);
    const isWeb = p.kind === 'web';
    const c = container(p.name, argv, p.size, isWeb && !declared.has('PORT') ? [{ name: 'PORT', value: String(port) }] : []);
    if (isWeb) {
      c.ports = [{ name: HTTP, containerPort: port, protocol: 'TCP' }];
      // The generated settings answer the health check before host validation and the HTTPS redirect, so the
      // kubelet can probe it over plain HTTP with the pod's address as Host.
      const probe: Obj = healthPath ? { httpGet: { path: healthPath, port: HTTP } } : { tcpSocket: { port: HTTP } };
      c.startupProbe = { ...probe, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 24 };
      c.readinessProbe = { ...probe, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
      c.livenessProbe = { ...probe, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 };
      // Endpoints stop sending traffic a moment after the pod is marked terminating: keep serving meanwhile.
      c.lifecycle = { preStop: { sleep: { seconds: PRESTOP_SECONDS } } };
    }
    const autoscaled = isWeb && opts.autoscale !== null && p.instances > 0;
    const spec: Obj = {
      // With an autoscaler the Deployment leaves replicas to it (kubernetes.io "Migrating Deployments to horizontal
      // autoscaling"): every apply would otherwise reset the count.
      ...(autoscaled ? {} : { replicas: p.instances }),
      selector: { matchLabels: selector(p) },
      ...(isWeb ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } } : {}),
      template: { metadata: { labels: { ...labels(p.name), ...selector(p) } }, spec: podSpec([c], 'Always') },
    };
    docs.push({ file: `deployment-${p.name}.yaml`, obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: labels(p.name) }, spec } });
  }

  if (web) {
    const service = `${app}-${web.name}`;
    docs.push({
      file: 'service-web.yaml',
      obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: service, labels: labels(web.name) }, spec: { type: 'ClusterIP', selector: selector(web), ports: [{ name: HTTP, port: 80, targetPort: HTTP, protocol: 'TCP' }] } },
    });
    if (model.hosts.length) {
      const names = model.hosts.map((h) => (h.wildcard ? `*.${h.name}` : h.name));
      const backend = { service: { name: service, port: { name: HTTP } } };
      const annotations = Object.keys(opts.ingressAnnotations).sort();
      docs.push({
        file: 'ingress.yaml',
        obj: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: app, labels: labels(web.name), ...(annotations.length ? { annotations: Object.fromEntries(annotations.map((k) => [k, opts.ingressAnnotations[k]!])) } : {}) },
          spec: {
            ...(opts.ingressClass ? { ingressClassName: opts.ingressClass } : {}),
            ...(opts.tlsSecret ? { tls: [{ hosts: names, secretName: opts.tlsSecret }] } : {}),
            rules: names.map((host) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } })),
          },
        },
      });
    }
    // No autoscaler for a stopped web process (an autoscaler's minimum is at least 1).
    const a = opts.autoscale && web.instances > 0 ? opts.autoscale : null;
    if (opts.autoscale && !a) findings.push({ severity: 'warning', code: 'kubernetes/autoscale', message: 'processes.web.instances is 0, so web gets no autoscaler (its minimum would be 0)', hint: 'Set processes.web.instances to 1 or more to autoscale web, or remove targets.kubernetes.autoscale.', path: [...web.path, 'instances'] });
    if (a) {
      if (a.maxReplicas < web.instances) findings.push({ severity: 'warning', code: 'kubernetes/autoscale', message: `autoscale.max_replicas (${a.maxReplicas}) is below processes.web.instances (${web.instances}): the autoscaler keeps web at ${web.instances}`, hint: `Set max_replicas above ${web.instances} to let it scale.`, path: [...opts.specPath, 'autoscale', 'max_replicas'] });
      docs.push({
        file: 'hpa-web.yaml',
        obj: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: service, labels: labels(web.name) },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service },
            minReplicas: web.instances,
            maxReplicas: Math.max(web.instances, a.maxReplicas),
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuPercent } } }],
          },
        },
      });
    }
    if (web.instances > 1 || (a && a.maxReplicas > 1)) {
      // One pod at a time may be evicted by a node drain; the others keep serving.
      docs.push({ file: 'pdb-web.yaml', obj: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: service, labels: labels(web.name) }, spec: { maxUnavailable: 1, selector: { matchLabels: selector(web) } } } });
    }
  }

  let releaseJob: string | null = null;
  if (model.release) {
    const template = { metadata: { labels: { ...labels('release'), [PHASE_LABEL]: 'release' } }, spec: podSpec([container('release', commandArgv(model.release.command), 'small')], 'Never') };
    const spec = { backoffLimit: 1, activeDeadlineSeconds: RELEASE_DEADLINE_SECONDS, ttlSecondsAfterFinished: RELEASE_TTL_SECONDS, template };
    // A Job's pod template is immutable: the name carries a hash of it (image, command, configuration), so a changed
    // release is a new Job and re-applying an unchanged one is a no-op.
    releaseJob = `${app}-release-${shortHash(spec)}`;
    docs.push({ file: 'job-release.yaml', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: releaseJob, labels: { ...labels('release'), [PHASE_LABEL]: 'release' } }, spec } });
  }

  for (const j of model.jobs) {
    const name = `${app}-${j.name}`;
    // The CronJob controller appends 11 characters to name each Job: its own name is limited to 52.
    nameCheck(name, 52, j.path, 'CronJob');
    const schedule = k8sSchedule(j.schedule);
    if (schedule === null) findings.push({ severity: 'error', code: 'kubernetes/schedule', message: `Kubernetes reads day of week as 0-6, and the schedule "${j.schedule}" uses 7 in a stepped range`, hint: 'Write Sunday as 0 (or sun).', path: [...j.path, 'schedule'] });
    const template = { metadata: { labels: labels(j.name) }, spec: podSpec([container(j.name, commandArgv(j.command), j.size)], 'Never') };
    docs.push({
      file: `cronjob-${j.name}.yaml`,
      obj: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name, labels: labels(j.name) },
        spec: {
          schedule: schedule ?? j.schedule,
          // deploy.yaml's schedules are UTC.
          timeZone: 'Etc/UTC',
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { metadata: { labels: labels(j.name) }, spec: { backoffLimit: 1, template } },
        },
      },
    });
  }
  return { docs, findings, releaseJob, secretKeys: [...secretKeys].sort() };
}
