/**
 * The kubernetes target: its objects (workloads, probes, security context, release Job, CronJobs, configuration and
 * secrets), its environments as Kustomize overlays, the strict schema check itself, and every overlay rendered by the
 * real `kustomize build` (Debian's package, scripts/deps/40-kustomize.sh) and validated again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import type { CompileResult } from '../src/compile.js';
import { targetByName } from '../targets/index.js';
import { buildManifests, commandArgv, k8sSchedule } from '../targets/kubernetes/manifests.js';
import { kubernetesOptions } from '../targets/kubernetes/options.js';
import { conformance, crossObjectProblems, kustomizations, readYaml, renderKustomization, schemaErrors } from '../targets/kubernetes/conformance.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { compileText, MINIMAL, ROOT, skipLoudly, yaml } from './helpers/spec.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const k8s = targetByName('kubernetes')!;
const build = (text: string, env: string | null = null): CompileResult => compileText(text, { targets: [k8s], env });
const errors = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);
const files = (r: CompileResult) => new Map(r.files.map((f) => [f.path, f.contents]));
/** The objects of one kustomization folder, rendered the way kustomize does. */
const rendered = (r: CompileResult, dir: string): Obj[] => renderKustomization(files(r), dir) as Obj[];
const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const one = (objs: Obj[], kind: string, name?: string): Obj => {
  const hits = byKind(objs, kind).filter((o) => name === undefined || o.metadata.name === name);
  assert.is(hits.length, 1, `one ${kind}${name ? ' ' + name : ''}`);
  return hits[0]!;
};
const podSpec = (o: Obj): Obj => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);

const FULL = yaml`
  version: 1
  name: shop
  django:
    project: shop
  processes:
    web:
      instances: 3
      size: medium
      health_check: /healthz
    worker:
      command: celery -A shop worker
  release:
    command: python manage.py migrate --noinput
  jobs:
    nightly:
      schedule: "0 3 * * 7"
      command: python manage.py clearsessions
  database:
    version: "16"
  cache:
    engine: redis
  hosts:
    - shop.example.com
    - "*.shop.example.org"
  env:
    GREETING: "hello $(HOME) $$ yes"
    FLAG: "yes"
    STRIPE_KEY:
      secret: true
  targets:
    kubernetes:
      image: registry.example.com/acme/shop:1.2.3
      ingress_class: nginx
      tls_secret: shop-tls
      ingress_annotations:
        cert-manager.io/cluster-issuer: letsencrypt
      autoscale:
        max_replicas: 6
  environments:
    staging:
      hosts:
        - staging.shop.example.com
      processes:
        web:
          instances: 1
      release: false
      targets:
        kubernetes:
          image: registry.example.com/acme/shop:1.3.0-rc1
`;

test('every example builds, and its files pass the strict schemas and the rendered-overlay checks', () => {
  for (const ex of EXAMPLES) {
    const r = build(exampleText(ex));
    assert.equal(errors(r), [], ex);
    assert.equal(conformance(r), [], ex);
    assert.ok(kustomizations(files(r)).overlays.length >= 1, `${ex} has an entry point`);
  }
});

test('the schema check is strict: an unknown field, a wrong type or an unknown kind is rejected', () => {
  const r = build(FULL);
  const base = rendered(r, 'k8s/base');
  const dep = structuredClone(one(base, 'Deployment', 'shop-web'));
  assert.equal(schemaErrors(dep), []);
  const typo = structuredClone(dep);
  typo.spec.replicaz = 2;
  assert.ok(schemaErrors(typo).some((e) => e.includes('replicaz')), 'spec.replicaz');
  const deep = structuredClone(dep);
  deep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem = true;
  assert.ok(schemaErrors(deep).some((e) => e.includes('readOnlyRootFilesytem')), 'a misspelled securityContext field');
  const type = structuredClone(dep);
  type.spec.replicas = '3';
  assert.ok(schemaErrors(type).length > 0, 'replicas as a string');
  assert.ok(schemaErrors({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }).length > 0, 'a kind without a vendored schema');
  // The whole conformance check fails a build whose file was tampered with.
  const bad = { ...r, files: r.files.map((f) => (f.path === 'k8s/base/service-web.yaml' ? { ...f, contents: f.contents.replace('spec:', 'spec:\n  clusterIPz: None') } : f)) };
  assert.ok(conformance(bad).some((p) => p.includes('clusterIPz')));
  assert.ok(crossObjectProblems([{ ...dep, spec: { ...dep.spec, selector: { matchLabels: { other: 'x' } } } }]).some((p) => p.includes('selector')));
});

test('workloads: one Deployment per process, sized, with probes, a restrictive security context and a grace period', () => {
  const r = build(FULL);
  assert.equal(errors(r), []);
  const objs = rendered(r, 'k8s/overlays/production');
  const web = one(objs, 'Deployment', 'shop-web');
  const worker = one(objs, 'Deployment', 'shop-worker');
  assert.is(worker.spec.replicas, 1);
  // The autoscaler owns web's replica count.
  assert.not.ok('replicas' in web.spec);
  const hpa = one(objs, 'HorizontalPodAutoscaler', 'shop-web');
  assert.equal([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.scaleTargetRef.name], [3, 6, 'shop-web']);
  assert.is(one(objs, 'PodDisruptionBudget', 'shop-web').spec.maxUnavailable, 1);
  const c = web.spec.template.spec.containers[0];
  assert.equal(c.resources, { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } });
  assert.is(c.image, 'registry.example.com/acme/shop:1.2.3');
  assert.equal(c.command, ['gunicorn', 'shop.wsgi:application']);
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.equal(c[probe].httpGet, { path: '/healthz', port: 'http' }, probe);
  assert.equal(c.ports, [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
  assert.equal(worker.spec.template.spec.containers[0].command, ['celery', '-A', 'shop', 'worker']);
  assert.not.ok('readinessProbe' in worker.spec.template.spec.containers[0]);
  for (const o of [...byKind(objs, 'Deployment'), ...byKind(objs, 'Job'), ...byKind(objs, 'CronJob')]) {
    const spec = podSpec(o);
    assert.equal(spec.securityContext, { runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    assert.is(spec.automountServiceAccountToken, false);
    const sc = spec.containers[0].securityContext;
    assert.equal(sc, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    assert.equal(spec.containers[0].volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
    // Longer than the pre-stop pause (5 s) plus gunicorn's graceful timeout (30 s).
    assert.ok(spec.terminationGracePeriodSeconds > 35);
    assert.not.ok('initContainers' in spec, 'never migrate in an init container');
  }
  assert.equal(c.lifecycle, { preStop: { sleep: { seconds: 5 } } });
});

test('traffic: a Service and an Ingress from hosts, with the class, TLS Secret and annotations of the options', () => {
  const objs = rendered(build(FULL), 'k8s/overlays/production');
  const svc = one(objs, 'Service', 'shop-web');
  assert.equal(svc.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  const ing = one(objs, 'Ingress', 'shop');
  assert.is(ing.spec.ingressClassName, 'nginx');
  assert.equal(ing.spec.tls, [{ hosts: ['shop.example.com', '*.shop.example.org'], secretName: 'shop-tls' }]);
  assert.equal(ing.metadata.annotations, { 'cert-manager.io/cluster-issuer': 'letsencrypt' });
  assert.equal(ing.spec.rules.map((x: Obj) => x.host), ['shop.example.com', '*.shop.example.org']);
  const minimal = build(MINIMAL);
  assert.equal(byKind(rendered(minimal, 'k8s/overlays/production'), 'Ingress'), []);
  assert.ok(minimal.diagnostics.some((d) => d.code === 'kubernetes/no-hosts'));
  assert.ok(minimal.diagnostics.some((d) => d.code === 'kubernetes/health-check'), 'TCP probes without a health check are reported');
  const tcp = one(rendered(minimal, 'k8s/overlays/production'), 'Deployment', 'mysite-web').spec.template.spec.containers[0].readinessProbe;
  assert.equal(tcp.tcpSocket, { port: 'http' });
});

test('release: a Job named after its template, ordered before the rollout by a documented finding', () => {
  const r = build(FULL);
  const job = one(rendered(r, 'k8s/overlays/production'), 'Job');
  assert.match(job.metadata.name, /^shop-release-[0-9a-f]{10}$/);
  assert.equal([job.spec.backoffLimit, job.spec.ttlSecondsAfterFinished, job.spec.template.spec.restartPolicy], [1, 86400, 'Never']);
  assert.equal(job.spec.template.spec.containers[0].command, ['python', 'manage.py', 'migrate', '--noinput']);
  const note = r.diagnostics.find((d) => d.code === 'kubernetes/release-order')!;
  assert.ok(note, 'the release order is reported');
  assert.ok(note.hint!.includes(`kubectl wait --namespace shop --for=condition=complete --timeout=900s job/${job.metadata.name}`));
  assert.ok(note.hint!.startsWith('kubectl apply -k k8s/overlays/production -l deployspec/phase=release'));
  assert.match(note.message, /init container/);
  // Same spec, same name; another image or command, another name (a Job's template is immutable).
  assert.is(one(rendered(build(FULL), 'k8s/base'), 'Job').metadata.name, job.metadata.name);
  const other = one(rendered(build(FULL.replace('shop:1.2.3', 'shop:1.2.4')), 'k8s/base'), 'Job');
  assert.is.not(other.metadata.name, job.metadata.name);
  const cmd = one(rendered(build(FULL.replace('migrate --noinput', 'migrate')), 'k8s/base'), 'Job');
  assert.is.not(cmd.metadata.name, job.metadata.name);
  // The ConfigMap the Job reads is applied with it.
  assert.is(one(rendered(r, 'k8s/base'), 'ConfigMap').metadata.labels['deployspec/phase'], 'release');
});

test('scheduled jobs: CronJobs that never overlap, in UTC, with Sunday as 0', () => {
  const cron = one(rendered(build(FULL), 'k8s/base'), 'CronJob', 'shop-nightly');
  assert.equal([cron.spec.schedule, cron.spec.timeZone, cron.spec.concurrencyPolicy], ['0 3 * * 0', 'Etc/UTC', 'Forbid']);
  assert.is(k8sSchedule('0 3 * * 5-7'), '0 3 * * 5-6,0');
  assert.is(k8sSchedule('*/5 * * * mon-fri'), '*/5 * * * mon-fri');
  assert.is(k8sSchedule('0 0 * * */7'), null);
  const long = build(MINIMAL.replace('name: mysite', 'name: a-very-long-application-name') + 'jobs:\n  a-rather-long-scheduled-job-name:\n    schedule: "0 3 * * *"\n    command: python manage.py x\n');
  assert.ok(errors(long).some((e) => e.startsWith('6:3 kubernetes/name') && e.includes('52')), errors(long).join('\n'));
});

test('configuration: plain values in a hashed ConfigMap, secrets by reference to a Secret the user creates', () => {
  const r = build(FULL);
  const objs = rendered(r, 'k8s/base');
  const cm = one(objs, 'ConfigMap');
  // Values round-trip exactly through YAML 1.1 (yes stays a string) and envFrom (no $(VAR) expansion there).
  assert.is(cm.data.GREETING, 'hello $(HOME) $$ yes');
  assert.is(cm.data.FLAG, 'yes');
  assert.is(cm.data.DEPLOYSPEC_PLATFORM, 'kubernetes');
  assert.is(cm.immutable, true);
  assert.match(cm.metadata.name, /^shop-config-[0-9a-f]{10}$/);
  const env = one(objs, 'Deployment', 'shop-web').spec.template.spec.containers[0].env as Obj[];
  const refs = env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]);
  assert.equal(refs, [['DATABASE_URL', 'shop-secrets', 'DATABASE_URL'], ['REDIS_URL', 'shop-secrets', 'REDIS_URL'], ['SECRET_KEY', 'shop-secrets', 'SECRET_KEY'], ['STRIPE_KEY', 'shop-secrets', 'STRIPE_KEY']]);
  assert.not.ok(r.files.some((f) => /kind: Secret\b/.test(f.contents)), 'no Secret object is written');
  const note = r.diagnostics.find((d) => d.code === 'kubernetes/secrets')!;
  assert.ok(note.hint!.includes('kubectl create secret generic shop-secrets --namespace shop --from-literal=DATABASE_URL=... --from-literal=REDIS_URL=... --from-literal=SECRET_KEY=... --from-literal=STRIPE_KEY=...'));
  assert.ok(note.hint!.includes('shop-staging (staging)'));
  assert.ok(r.diagnostics.some((d) => d.code === 'kubernetes/external-resource' && d.message.includes('DATABASE_URL')));
  assert.ok(r.diagnostics.some((d) => d.code === 'kubernetes/external-resource' && d.message.includes('REDIS_URL')));
  // A changed value is a new ConfigMap, so the workloads roll.
  assert.is.not(one(rendered(build(FULL.replace('FLAG: "yes"', 'FLAG: "no"')), 'k8s/base'), 'ConfigMap').metadata.name, cm.metadata.name);
});

test('commands keep every character: $ is doubled against Kubernetes expansion, shell syntax runs in /bin/sh', () => {
  assert.equal(commandArgv('python manage.py run'), ['python', 'manage.py', 'run']);
  assert.equal(commandArgv('echo $(HOME) && run'), ['/bin/sh', '-c', 'echo $$(HOME) && run']);
  assert.equal(commandArgv('celery -A "x y" worker'), ['/bin/sh', '-c', 'exec celery -A "x y" worker']);
  const r = build(MINIMAL + 'processes:\n  web: {}\n  worker:\n    command: python run.py --name "$APP_NAME" --price \'$5\'\n');
  const c = one(rendered(r, 'k8s/base'), 'Deployment', 'mysite-worker').spec.template.spec.containers[0];
  assert.equal(c.command, ['/bin/sh', '-c', `exec python run.py --name "$$APP_NAME" --price '$$5'`]);
});

test('environments: one overlay each, in its own namespace, patching only what differs', () => {
  const r = build(FULL);
  assert.equal(errors(r), []);
  const staging = rendered(r, 'k8s/overlays/staging');
  const prod = rendered(r, 'k8s/overlays/production');
  assert.ok(staging.every((o) => o.metadata.namespace === 'shop-staging'));
  assert.ok(prod.every((o) => o.metadata.namespace === 'shop'));
  const web = one(staging, 'Deployment', 'shop-web');
  assert.is(web.spec.template.spec.containers[0].image, 'registry.example.com/acme/shop:1.3.0-rc1');
  assert.equal(one(staging, 'HorizontalPodAutoscaler').spec.minReplicas, 1);
  assert.equal(byKind(staging, 'Job'), [], 'release: false removes the release Job');
  assert.equal(one(staging, 'Ingress').spec.rules.map((x: Obj) => x.host), ['staging.shop.example.com']);
  // The settings module holds the base spec's hosts: staging adds its own through DJANGO_ALLOWED_HOSTS.
  const cm = one(staging, 'ConfigMap');
  assert.is(cm.data.DJANGO_ALLOWED_HOSTS, 'staging.shop.example.com');
  assert.equal(web.spec.template.spec.containers[0].envFrom, [{ configMapRef: { name: cm.metadata.name } }]);
  // The overlay holds only differences: no Deployment is copied whole.
  const overlayFiles = r.files.filter((f) => f.path.startsWith('k8s/overlays/staging/')).map((f) => f.path.split('/').pop());
  assert.equal(overlayFiles.sort(), ['configmap.yaml', 'delete-configmap.yaml', 'delete-job-release.yaml', 'kustomization.yaml', 'patch-cronjob-nightly.yaml', 'patch-deployment-web.yaml', 'patch-deployment-worker.yaml', 'patch-hpa-web.yaml', 'patch-ingress.yaml']);
  // Rendering the overlay gives exactly the objects of the staging model (with the settings of the base spec).
  const stagingModel = build(FULL, 'staging').model!;
  const direct = buildManifests(stagingModel, { opts: kubernetesOptions(stagingModel.targets.kubernetes, stagingModel), port: 8000, settingsModel: r.model! }).docs.map((d) => d.obj as Obj);
  const strip = (objs: Obj[]) => objs.map((o): Obj => ({ ...o, metadata: { ...o.metadata, namespace: undefined } })).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
  assert.equal(JSON.parse(JSON.stringify(strip(staging))), JSON.parse(JSON.stringify(strip(direct))));
  // An environment named production leaves that overlay name to it; the base spec takes the next.
  const named = build(MINIMAL + 'environments:\n  production:\n    processes:\n      web:\n        instances: 2\n');
  assert.equal(kustomizations(files(named)).overlays, ['k8s/overlays/default', 'k8s/overlays/production']);
  assert.equal(conformance(named), []);
});

test('what Kubernetes cannot express is reported at the spec line: a static site, generated secrets, no image', () => {
  const r = build(MINIMAL + 'static:\n  serve: static-site\n');
  const d = r.diagnostics.find((x) => x.code === 'kubernetes/unsupported' && x.message.includes('static site'))!;
  assert.equal([d.severity, d.line], ['warning', 6]);
  assert.ok(r.diagnostics.some((x) => x.code === 'kubernetes/unsupported' && x.message.includes('SECRET_KEY')));
  const image = r.diagnostics.find((x) => x.code === 'kubernetes/image')!;
  assert.is(image.severity, 'warning');
  assert.not.ok(build(FULL).diagnostics.some((x) => x.code === 'kubernetes/image'));
  const auto = build(MINIMAL + 'processes:\n  web:\n    instances: 4\ntargets:\n  kubernetes:\n    autoscale:\n      max_replicas: 2\n');
  const clamp = auto.diagnostics.find((x) => x.code === 'kubernetes/autoscale')!;
  assert.equal([clamp.severity, clamp.line, clamp.col], ['warning', 11, 21]);
  assert.equal(one(rendered(auto, 'k8s/base'), 'HorizontalPodAutoscaler').spec.maxReplicas, 4);
  const stopped = build(MINIMAL + 'processes:\n  web:\n    instances: 0\ntargets:\n  kubernetes:\n    autoscale:\n      max_replicas: 2\n');
  assert.equal(errors(stopped), []);
  assert.equal(byKind(rendered(stopped, 'k8s/base'), 'HorizontalPodAutoscaler'), []);
  assert.is(one(rendered(stopped, 'k8s/base'), 'Deployment').spec.replicas, 0);
});

test('the generated settings recognise Kubernetes by KUBERNETES_SERVICE_HOST', () => {
  const r = compileText(MINIMAL, { targets: [targetByName('django')!] });
  const settings = r.files.find((f) => f.path.endsWith('deploy_settings.py'))!.contents;
  assert.match(settings, /"name": "kubernetes", "detect": "KUBERNETES_SERVICE_HOST", "hosts": \[\], "host_env": None, "database_tls": False/);
});

test('the README shows the generated output of the example it names', () => {
  const readme = readFileSync(ROOT + 'README.md', 'utf8');
  const start = readme.indexOf('## Kubernetes');
  assert.ok(start >= 0, 'README has a Kubernetes section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 3));
  const r = build(exampleText('07-django-project'));
  for (const m of section.matchAll(/```yaml\n# (k8s\/[^\n]+)\n([\s\S]*?)```/g)) {
    const file = r.files.find((f) => f.path === m[1])!;
    assert.ok(file, `${m[1]} is generated`);
    assert.fixture(m[2]!, file.contents.split('\n').slice(1).join('\n'), m[1]);
  }
});

// --- the real kustomize ---------------------------------------------------------------------------------------

const KUSTOMIZE = `${process.env.DEPLOYSPEC_TEST_CACHE ?? '/opt/deployspec-test'}/kustomize/usr/bin/kustomize`;
const kustomizeName = 'kustomize build: every overlay of every example renders, and the result validates';
const haveKustomize = existsSync(KUSTOMIZE) && spawnSync(KUSTOMIZE, ['version'], { encoding: 'utf8' }).status === 0;

if (!haveKustomize && process.env.CI !== 'true') {
  skipLoudly(kustomizeName, `${KUSTOMIZE} is missing: run \`bash scripts/deps/40-kustomize.sh\` as root`);
  test.skip(kustomizeName, () => {});
} else {
  test(kustomizeName, () => {
    assert.ok(haveKustomize, `${KUSTOMIZE} is missing under CI=true: scripts/deps/40-kustomize.sh must install it`);
    const specs = [...EXAMPLES.map((ex) => [ex, exampleText(ex)] as const), ['full', FULL] as const];
    let overlays = 0;
    for (const [name, text] of specs) {
      const r = build(text);
      assert.equal(errors(r), [], name);
      const dir = mkdtempSync(join(tmpdir(), 'deployspec-k8s-'));
      try {
        for (const f of r.files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.contents);
        }
        const { base, overlays: entries } = kustomizations(files(r));
        for (const k of [...base, ...entries]) {
          const out = spawnSync(KUSTOMIZE, ['build', join(dir, k)], { encoding: 'utf8' });
          assert.is(out.status, 0, `${name} ${k}: ${out.stderr}`);
          const objs = readYaml(out.stdout) as Obj[];
          const problems = [...objs.flatMap((o) => schemaErrors(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`)), ...crossObjectProblems(objs)];
          assert.equal(problems, [], `${name} ${k}`);
          // kustomize renders exactly what the conformance check's own rendering validated.
          const sort = (list: Obj[]) => JSON.parse(JSON.stringify(list)).sort((a: Obj, b: Obj) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
          assert.equal(sort(objs), sort(rendered(r, k)), `${name} ${k}: kustomize and the check agree`);
          if (entries.includes(k)) overlays++;
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.ok(overlays >= EXAMPLES.length + 2, `rendered ${overlays} overlays`);
  });
}

test('yaml output parses identically as YAML 1.1 and 1.2', () => {
  for (const f of build(FULL).files) assert.equal(parse(f.contents, { version: '1.1' }), parse(f.contents), f.path);
});

test.run();
