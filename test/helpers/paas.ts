/** Conformance checks for the Heroku and App Platform outputs: the platforms' schemas, godo keys, golden files. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { CONFORMANCE, ROOT } from './spec.js';

const SCHEMAS = CONFORMANCE + 'schemas/';
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

export const herokuSchema = readJson(SCHEMAS + 'heroku-app-json.schema.json');
export const doSchema = readJson(SCHEMAS + 'digitalocean-app-spec.schema.json');
const godo = readJson(SCHEMAS + 'digitalocean-app-spec.godo-keys.json') as { structs: Record<string, { openapi_def: string; godo_keys: string[] }> };

// CommonJS packages: under NodeNext the constructors sit on `.default`.
const Ajv = AjvModule.default;
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;
const ajv7 = new Ajv({ allErrors: true });
addFormats(ajv7);
const validateHerokuFn = ajv7.compile(herokuSchema);
// SOURCES.md: Ajv2020 with default strictness; one harmless strictTypes line is logged at compile time.
const ajv2020 = new Ajv2020({ allErrors: true, logger: false });
addFormats(ajv2020);
const validateDoFn = ajv2020.compile(doSchema);

const errorsOf = (fn: { errors?: { instancePath: string; message?: string }[] | null }) => (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);

// SOURCES.md: the compose schema names its meta-schema with an https id Ajv does not know; register the alias.
const composeAjv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false, logger: false });
addFormats(composeAjv);
const draft7 = structuredClone(composeAjv.getSchema('http://json-schema.org/draft-07/schema')!.schema as object) as { $id: string };
draft7.$id = 'https://json-schema.org/draft-07/schema';
composeAjv.addMetaSchema(draft7);
const validateComposeFn = composeAjv.compile(readJson(SCHEMAS + 'compose-spec.schema.json'));

/** Ajv errors of a compose file (parsed data) against the compose spec; empty when valid. */
export function composeSchemaErrors(compose: unknown): string[] {
  return validateComposeFn(compose) ? [] : errorsOf(validateComposeFn);
}

/** Ajv errors of an app.json against Heroku's schema; empty when valid. */
export function herokuSchemaErrors(app: unknown): string[] {
  return validateHerokuFn(app) ? [] : errorsOf(validateHerokuFn);
}

/** Ajv errors of an app spec against the App Platform schema; empty when valid. */
export function doSchemaErrors(spec: unknown): string[] {
  return validateDoFn(spec) ? [] : errorsOf(validateDoFn);
}

type Node = Record<string, unknown>;
const defs = doSchema.$defs as Record<string, Node>;
const godoByDef = new Map(Object.values(godo.structs).map((s) => [s.openapi_def, s.godo_keys]));

function collect(node: Node | undefined, acc: { props: Record<string, Node>; defs: string[] }): void {
  if (!node) return;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace('#/$defs/', '');
    acc.defs.push(name);
    collect(defs[name], acc);
  }
  for (const part of (node.allOf as Node[] | undefined) ?? []) collect(part, acc);
  Object.assign(acc.props, (node.properties as Record<string, Node> | undefined) ?? {});
}

function itemsOf(node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  if (node.items) return node.items as Node;
  if (typeof node.$ref === 'string') return itemsOf(defs[node.$ref.replace('#/$defs/', '')]);
  return undefined;
}

/** Keys of an app spec that neither the schema (at that point) nor godo's struct for it knows. */
export function unknownDoKeys(value: unknown, node: Node = doSchema as Node, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownDoKeys(v, itemsOf(node) ?? {}, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const acc = { props: {} as Record<string, Node>, defs: [] as string[] };
  collect(node, acc);
  const godoKeys = acc.defs.flatMap((d) => godoByDef.get(d) ?? []);
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k in acc.props) out.push(...unknownDoKeys(v, acc.props[k], `${path}.${k}`));
    else if (!godoKeys.includes(k)) out.push(`${path}.${k}`);
  }
  return out;
}

export const EXAMPLES = readdirSync(ROOT + 'examples').filter((d) => existsSync(`${ROOT}examples/${d}/deploy.yaml`)).sort();

export function exampleText(example: string): string {
  return readFileSync(`${ROOT}examples/${example}/deploy.yaml`, 'utf8');
}
