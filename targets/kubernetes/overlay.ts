/**
 * An environment overlay as the difference between two object sets: objects only in the environment are added as
 * resources, objects only in the base are removed with a `$patch: delete` patch, and changed objects get an
 * RFC 6902 JSON patch (kustomize "patches" field, kubectl.docs.kubernetes.io "Patches"). Applying the overlay to
 * the base gives exactly the environment's objects; the tests check that with the real `kustomize build`.
 */
import type { Doc, Obj } from './manifests.js';
import { jsonEqual } from '../../src/model/json.js';

export interface PatchOp {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export interface OverlayPlan {
  /** New objects, written into the overlay folder. */
  resources: Doc[];
  /** Patch files and their targets. */
  patches: { file: string; contents: unknown; target?: Obj }[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 6901 pointer segment. */
const seg = (k: string | number) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');

/** The operations that turn `a` into `b`: maps key by key, lists of equal length item by item, anything else replaced. */
export function jsonDiff(a: unknown, b: unknown, path = ''): PatchOp[] {
  if (jsonEqual(a, b)) return [];
  if (isObj(a) && isObj(b)) {
    const ops: PatchOp[] = [];
    for (const k of Object.keys(a).sort()) if (!(k in b)) ops.push({ op: 'remove', path: `${path}/${seg(k)}` });
    for (const k of Object.keys(b).sort()) {
      if (!(k in a)) ops.push({ op: 'add', path: `${path}/${seg(k)}`, value: b[k] });
      else ops.push(...jsonDiff(a[k], b[k], `${path}/${seg(k)}`));
    }
    return ops;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => jsonDiff(x, b[i], `${path}/${i}`));
  return [{ op: 'replace', path, value: b }];
}

export const idOf = (o: Obj): string => `${o.apiVersion}/${o.kind}/${(o.metadata as Obj).name}`;

/** kustomize's patch target of an object (group omitted for the core group). */
function target(o: Obj): Obj {
  const [group, version] = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/') : ['', String(o.apiVersion)];
  return { ...(group ? { group } : {}), version, kind: o.kind, name: (o.metadata as Obj).name };
}

export function planOverlay(base: Doc[], env: Doc[]): OverlayPlan {
  const baseById = new Map(base.map((d) => [idOf(d.obj), d]));
  const envById = new Map(env.map((d) => [idOf(d.obj), d]));
  const plan: OverlayPlan = { resources: [], patches: [] };
  for (const d of base) {
    const other = envById.get(idOf(d.obj));
    if (!other) {
      plan.patches.push({ file: `delete-${d.file}`, contents: { $patch: 'delete', apiVersion: d.obj.apiVersion, kind: d.obj.kind, metadata: { name: (d.obj.metadata as Obj).name } } });
      continue;
    }
    const ops = jsonDiff(d.obj, other.obj);
    if (ops.length) plan.patches.push({ file: `patch-${d.file}`, contents: ops, target: target(d.obj) });
  }
  for (const d of env) if (!baseById.has(idOf(d.obj))) plan.resources.push(d);
  return plan;
}
