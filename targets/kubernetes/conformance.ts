/**
 * The kubernetes target's proof (test-only): every object validates STRICTLY (unknown fields rejected) against the
 * vendored Kubernetes v1.32.2 JSON schemas (test/conformance/schemas/kubernetes/, one file per kind), every
 * kustomization.yaml against SchemaStore's kustomization schema, and every overlay, rendered here the way
 * `kustomize build` does (base resources, added resources, `$patch: delete`, RFC 6902 patches, namespace), validates
 * too, with the cross-object rules the API server enforces and no schema states (names, labels, selectors,
 * references). test/kubernetes.test.ts also renders each overlay with the real kustomize.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { CompileResult } from '../../src/compile.js';

type Obj = Record<string, unknown>;
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const SCHEMAS = fileURLToPath(new URL('../../test/conformance/schemas/', import.meta.url));

/** The vendored schema file of each apiVersion/kind. */
const FILES: Record<string, string> = {
  'apps/v1/Deployment': 'deployment-apps-v1.json',
  'v1/Service': 'service-v1.json',
  'networking.k8s.io/v1/Ingress': 'ingress-networking-v1.json',
  'batch/v1/Job': 'job-batch-v1.json',
  'batch/v1/CronJob': 'cronjob-batch-v1.json',
  'v1/ConfigMap': 'configmap-v1.json',
  'v1/Secret': 'secret-v1.json',
  'autoscaling/v2/HorizontalPodAutoscaler': 'horizontalpodautoscaler-autoscaling-v2.json',
  'policy/v1/PodDisruptionBudget': 'poddisruptionbudget-policy-v1.json',
  'v1/ServiceAccount': 'serviceaccount-v1.json',
  'networking.k8s.io/v1/NetworkPolicy': 'networkpolicy-networking-v1.json',
};

// kubernetes/README.md: `$schema` is unknown to Ajv and the x-kubernetes-* keywords need strict:false.
const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, logger: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();
let kustomizationFn: ValidateFunction | null = null;

const errorsOf = (fn: ValidateFunction) => (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`);

/** Problems of one full object against its kind's schema; an unknown kind is a problem too. */
export function schemaErrors(obj: unknown): string[] {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return ['not an object'];
  const o = obj as Obj;
  const key = `${o.apiVersion}/${o.kind}`;
  const file = FILES[key];
  if (!file) return [`no vendored schema for ${key}`];
  let fn = compiled.get(file);
  if (!fn) {
    fn = ajv.compile(JSON.parse(readFileSync(SCHEMAS + 'kubernetes/' + file, 'utf8')));
    compiled.set(file, fn);
  }
  return fn(obj) ? [] : errorsOf(fn);
}

/** Problems of a kustomization.yaml against SchemaStore's schema. */
export function kustomizationErrors(obj: unknown): string[] {
  if (!kustomizationFn) {
    const k = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(k);
    kustomizationFn = k.compile(JSON.parse(readFileSync(SCHEMAS + 'kustomization.schema.json', 'utf8')));
  }
  return kustomizationFn(obj) ? [] : errorsOf(kustomizationFn);
}

/** Reads YAML as kubectl's go-yaml may: YAML 1.1 (so an unquoted `yes` would not come back as a string). */
export function readYaml(text: string): unknown[] {
  const docs = parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(docs)) return [];
  for (const d of docs) if (d.errors.length) throw new Error(d.errors[0]!.message);
  return docs.map((d) => d.toJS({ maxAliasCount: -1 }));
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const QUALIFIED = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const nameOf = (o: Obj) => String(obj(o.metadata).name);

/** The pod template of a workload, or null. */
function podTemplate(o: Obj): Obj | null {
  if (o.kind === 'Deployment' || o.kind === 'Job') return obj(obj(o.spec).template);
  if (o.kind === 'CronJob') return obj(obj(obj(obj(o.spec).jobTemplate).spec).template);
  return null;
}

/** Rules of a rendered set of objects that the API server enforces beyond the schemas. */
export function crossObjectProblems(objects: Obj[]): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map(nameOf));
  const services = new Set(objects.filter((o) => o.kind === 'Service').map(nameOf));
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  for (const o of objects) {
    const name = nameOf(o);
    const id = `${o.kind}/${name}`;
    if (ids.has(id)) out.push(`${id} appears twice`);
    ids.add(id);
    const nameRule = o.kind === 'Service' ? DNS_LABEL : DNS_SUBDOMAIN;
    if (!nameRule.test(name) || name.length > 253) out.push(`${id}: invalid name`);
    if (o.kind === 'Job' && name.length > 63) out.push(`${id}: a Job name longer than 63 characters cannot be its pods' label`);
    if (o.kind === 'CronJob' && name.length > 52) out.push(`${id}: a CronJob name is at most 52 characters`);
    const ns = obj(o.metadata).namespace;
    if (ns !== undefined && !DNS_LABEL.test(String(ns))) out.push(`${id}: invalid namespace ${ns}`);
    const labelSets = [obj(obj(o.metadata).labels)];
    const tpl = podTemplate(o);
    if (tpl) labelSets.push(obj(obj(tpl.metadata).labels));
    for (const labels of labelSets) {
      for (const [k, v] of Object.entries(labels)) if (!QUALIFIED.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v)) out.push(`${id}: invalid label ${k}=${String(v)}`);
    }
    for (const k of Object.keys(obj(obj(o.metadata).annotations))) if (!QUALIFIED.test(k)) out.push(`${id}: invalid annotation key ${k}`);
    if (o.kind === 'ConfigMap') for (const k of Object.keys(obj(o.data))) if (!/^[-._a-zA-Z0-9]+$/.test(k)) out.push(`${id}: invalid data key ${k}`);
    if (tpl) {
      const spec = obj(tpl.spec);
      const rp = spec.restartPolicy;
      if (o.kind !== 'Deployment' && rp !== 'Never' && rp !== 'OnFailure') out.push(`${id}: a Job's pods need restartPolicy Never or OnFailure`);
      if (o.kind === 'Deployment' && rp !== undefined && rp !== 'Always') out.push(`${id}: a Deployment's pods restart Always`);
      const volumes = new Set(list(spec.volumes).map((v) => obj(v).name));
      for (const c of list(spec.containers).map(obj)) {
        if (!DNS_LABEL.test(String(c.name))) out.push(`${id}: invalid container name ${c.name}`);
        for (const e of list(c.env).map(obj)) if (!ENV_NAME.test(String(e.name))) out.push(`${id}: invalid env name ${e.name}`);
        for (const ef of list(c.envFrom).map(obj)) {
          const ref = obj(ef.configMapRef).name;
          if (ref !== undefined && !configMaps.has(String(ref))) out.push(`${id}: envFrom names the ConfigMap ${ref}, which is not rendered`);
        }
        for (const m of list(c.volumeMounts).map(obj)) if (!volumes.has(m.name)) out.push(`${id}: volumeMount ${m.name} has no volume`);
        for (const p of list(c.ports).map(obj)) if (p.name !== undefined && !/^[a-z0-9]([-a-z0-9]{0,13})$/.test(String(p.name))) out.push(`${id}: invalid port name ${p.name}`);
      }
    }
    if (o.kind === 'Deployment') {
      const sel = obj(obj(obj(o.spec).selector).matchLabels);
      const labels = obj(obj(obj(obj(o.spec).template).metadata).labels);
      if (!Object.keys(sel).length || Object.entries(sel).some(([k, v]) => labels[k] !== v)) out.push(`${id}: selector does not match the template labels`);
    }
    if (o.kind === 'Service' || o.kind === 'PodDisruptionBudget') {
      const sel = o.kind === 'Service' ? obj(obj(o.spec).selector) : obj(obj(obj(o.spec).selector).matchLabels);
      const match = deployments.some((d) => Object.entries(sel).every(([k, v]) => obj(obj(obj(obj(d.spec).template).metadata).labels)[k] === v));
      if (!Object.keys(sel).length || !match) out.push(`${id}: selects no Deployment's pods`);
    }
    if (o.kind === 'Ingress') {
      for (const r of list(obj(o.spec).rules).map(obj)) for (const p of list(obj(r.http).paths).map(obj)) {
        const svc = obj(obj(p.backend).service).name;
        if (!services.has(String(svc))) out.push(`${id}: backend Service ${svc} is not rendered`);
      }
    }
    if (o.kind === 'HorizontalPodAutoscaler') {
      const ref = obj(obj(o.spec).scaleTargetRef);
      if (!deployments.some((d) => nameOf(d) === ref.name)) out.push(`${id}: scales ${ref.name}, which is not rendered`);
    }
  }
  return out;
}

/** RFC 6902 operations (add, remove, replace) on a copy of `doc`. */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  const root = { v: structuredClone(doc) } as Obj;
  for (const op of list(ops).map(obj)) {
    const path = String(op.path);
    const segs = path === '' ? [] : path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let parent: Obj | unknown[] = root;
    let key: string | number = 'v';
    for (const s of segs) {
      const next = (parent as Obj)[key as string] as Obj | unknown[];
      if (typeof next !== 'object' || next === null) throw new Error(`patch path ${path} does not exist`);
      parent = next;
      key = Array.isArray(next) ? (s === '-' ? next.length : Number(s)) : s;
    }
    if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else if (!(String(key) in parent)) throw new Error(`patch removes missing ${path}`);
      else delete parent[key as string];
    } else if (op.op === 'replace' || op.op === 'add') {
      if (op.op === 'replace' && !(String(key) in (parent as Obj))) throw new Error(`patch replaces missing ${path}`);
      if (Array.isArray(parent) && op.op === 'add') parent.splice(key as number, 0, op.value);
      else (parent as Obj)[key as string] = structuredClone(op.value);
    } else throw new Error(`unsupported patch op ${String(op.op)}`);
  }
  return root.v;
}

/** A kustomization folder rendered from the build's files, the way `kustomize build` does for this layout. */
export function renderKustomization(files: Map<string, string>, dir: string, seen: string[] = []): Obj[] {
  if (seen.includes(dir)) throw new Error(`kustomization cycle at ${dir}`);
  const text = files.get(`${dir}/kustomization.yaml`);
  if (text === undefined) throw new Error(`${dir}/kustomization.yaml is missing`);
  const k = obj(readYaml(text)[0]);
  let objects: Obj[] = [];
  for (const r of list(k.resources).map(String)) {
    const path = normalize(`${dir}/${r}`);
    if (files.has(`${path}/kustomization.yaml`)) objects.push(...renderKustomization(files, path, [...seen, dir]));
    else {
      const t = files.get(path);
      if (t === undefined) throw new Error(`${dir}: resource ${r} is missing`);
      objects.push(...readYaml(t).map(obj));
    }
  }
  for (const p of list(k.patches).map(obj)) {
    const t = files.get(normalize(`${dir}/${p.path}`));
    if (t === undefined) throw new Error(`${dir}: patch ${String(p.path)} is missing`);
    const body = readYaml(t)[0];
    if (Array.isArray(body)) {
      const target = obj(p.target);
      const hits = objects.filter((o) => o.kind === target.kind && nameOf(o) === target.name && String(o.apiVersion) === (target.group ? `${target.group}/${target.version}` : target.version));
      if (hits.length !== 1) throw new Error(`${dir}: patch ${String(p.path)} matches ${hits.length} objects`);
      objects = objects.map((o) => (o === hits[0] ? obj(applyJsonPatch(o, body)) : o));
    } else {
      const b = obj(body);
      if (b.$patch !== 'delete') throw new Error(`${dir}: patch ${String(p.path)} is neither a JSON patch nor a delete`);
      const before = objects.length;
      objects = objects.filter((o) => !(o.kind === b.kind && o.apiVersion === b.apiVersion && nameOf(o) === nameOf(b)));
      if (objects.length !== before - 1) throw new Error(`${dir}: delete patch ${String(p.path)} matches ${before - objects.length} objects`);
    }
  }
  if (typeof k.namespace === 'string') objects = objects.map((o) => ({ ...o, metadata: { ...obj(o.metadata), namespace: k.namespace } }));
  return objects;
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const s of path.split('/')) {
    if (s === '..') out.pop();
    else if (s !== '.' && s !== '') out.push(s);
  }
  return out.join('/');
}

/** The folders holding a kustomization.yaml, and which of them are overlays (entry points). */
export function kustomizations(files: Map<string, string>): { base: string[]; overlays: string[] } {
  const dirs = [...files.keys()].filter((p) => p.endsWith('/kustomization.yaml')).map((p) => p.slice(0, -'/kustomization.yaml'.length)).sort();
  return { base: dirs.filter((d) => d.endsWith('/base') || d === 'base'), overlays: dirs.filter((d) => /(^|\/)overlays\/[^/]+$/.test(d)) };
}

export function conformance(result: CompileResult): string[] {
  const problems: string[] = [];
  const files = new Map(result.files.map((f) => [f.path, f.contents]));
  const patchFiles = new Set<string>();
  const dirs = kustomizations(files);
  for (const [path, text] of files) {
    if (!path.endsWith('/kustomization.yaml')) continue;
    const dir = path.slice(0, -'/kustomization.yaml'.length);
    try {
      const k = readYaml(text)[0];
      problems.push(...kustomizationErrors(k).map((e) => `${path}: ${e}`));
      for (const p of list(obj(k).patches)) patchFiles.add(normalize(`${dir}/${obj(p).path}`));
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }
  for (const [path, text] of files) {
    if (path.endsWith('/kustomization.yaml') || patchFiles.has(path)) continue;
    try {
      for (const o of readYaml(text)) problems.push(...schemaErrors(o).map((e) => `${path}: ${e}`));
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }
  if (!dirs.overlays.length && files.size) problems.push('no overlay: every layout needs a kustomize entry point');
  for (const dir of [...dirs.base, ...dirs.overlays]) {
    try {
      const objects = renderKustomization(files, dir);
      for (const o of objects) problems.push(...schemaErrors(o).map((e) => `${dir} (rendered) ${o.kind}/${nameOf(o)}: ${e}`));
      problems.push(...crossObjectProblems(objects).map((e) => `${dir} (rendered) ${e}`));
    } catch (err) {
      problems.push(`${dir}: ${(err as Error).message}`);
    }
  }
  return problems;
}

export const unavailable: string | null = null;
