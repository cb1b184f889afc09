/**
 * An environment's compose file as an override of compose.yaml: only what differs, for
 * `docker compose -f compose.yaml -f compose.staging.yaml`. Compose's merge rules ("Merge Compose files" in the
 * Compose specification): mappings merge key by key, sequences append (ports and volumes by their unique key),
 * `command`, `entrypoint` and `healthcheck.test` are replaced. Nothing a later file says removes what an earlier one
 * defines (docker-compose v1 has no `!reset`), so whatever the environment drops is reported instead.
 */
import { parse } from 'yaml';
import { yamlDocument, yamlText } from '../../src/yaml-out.js';
import type { Finding } from '../../src/spec/finding.js';
import { HEADER } from './dockerfile.js';
import { jsonEqual } from '../../src/model/json.js';

type Obj = Record<string, unknown>;

/** Sequences compose replaces instead of appending to. */
const REPLACED = new Set(['command', 'entrypoint', 'test']);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What merged over `base` gives `own`, or undefined when nothing is needed; what cannot be said goes to `lost`. */
function delta(base: unknown, own: unknown, key: string, at: string, lost: string[]): unknown {
  if (jsonEqual(base, own)) return undefined;
  if (isObj(base) && isObj(own)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(own)) {
      if (!(k in base)) out[k] = v;
      else {
        const d = delta(base[k], v, k, `${at}.${k}`, lost);
        if (d !== undefined) out[k] = d;
      }
    }
    for (const k of Object.keys(base)) if (!(k in own)) lost.push(`${at}.${k}`);
    return Object.keys(out).length ? out : undefined;
  }
  if (Array.isArray(base) && Array.isArray(own) && !REPLACED.has(key)) {
    for (const b of base) if (!own.some((o) => jsonEqual(o, b))) lost.push(`${at}: ${JSON.stringify(b)}`);
    const extra = own.filter((o) => !base.some((b) => jsonEqual(o, b)));
    return extra.length ? extra : undefined;
  }
  return own;
}

/** A compose file as compose reads it: merge keys resolved, extension fields (`x-app`) left out. */
function resolved(text: string): Obj {
  const data = (parse(text, { version: '1.1', merge: true, maxAliasCount: -1 }) ?? {}) as Obj;
  return Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('x-')));
}

/** compose.<env>.yaml: environment `env`'s compose.yaml (`own`) as an override of production's (`production`). */
export function composeOverride(env: string, production: string, own: string): { contents: string; findings: Finding[] } {
  const base = resolved(production);
  const mine = resolved(own);
  const lost: string[] = [];
  const data: Obj = {};
  for (const [k, v] of Object.entries(mine)) {
    const d = k in base ? delta(base[k], v, k, k, lost) : v;
    if (d !== undefined) data[k] = d;
  }
  for (const k of Object.keys(base)) if (!(k in mine)) lost.push(k);
  // An empty override still names one service: docker-compose v1 takes a file whose `services` is empty for its
  // version 1 format and refuses to merge it over compose.yaml ("Version mismatch"); an empty service merges to nothing.
  if (!Object.keys(data).length) {
    const first = isObj(base.services) ? Object.keys(base.services)[0] : undefined;
    data.services = first === undefined ? {} : { [first]: {} };
  }
  const findings: Finding[] = [];
  if (lost.length) {
    findings.push({
      severity: 'warning',
      code: 'docker/compose-override',
      message: `environment "${env}" leaves out what compose.yaml defines, which compose.${env}.yaml cannot remove (compose merges files by adding): ${lost.join(', ')}`,
      hint: `Run with \`-f compose.yaml -f compose.${env}.yaml\` knowing these stay as in production, or define the same in production and in "${env}".`,
      path: ['environments', env],
      at: 'key',
    });
  }
  if (env === 'override') {
    findings.push({ severity: 'warning', code: 'docker/compose-override', message: 'environment "override" writes compose.override.yaml, which `docker compose` merges into compose.yaml by default, so production runs with it too', hint: 'Rename the environment.', path: ['environments', env], at: 'key' });
  }
  const doc = yamlDocument(data, { version: '1.1' });
  doc.commentBefore = [` ${HEADER}`, ` Environment "${env}": what differs from compose.yaml. Run it with`, `   docker compose -f compose.yaml -f compose.${env}.yaml up --build`].join('\n');
  return { contents: yamlText(doc, { lineWidth: 0 }), findings };
}
