/**
 * One source for every default: the schema. For every example, a copy of the spec with every default the schema
 * states written out explicitly (in every mapping the spec has, and in an options block for every registered target)
 * must build to exactly the same files. A default retyped anywhere with another value makes this fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import schema from '../schema/deploy.schema.json' with { type: 'json' };
import { TARGETS } from '../targets/index.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { compileText } from './helpers/spec.js';

type Node = Record<string, any>;

function resolve(node: Node | undefined): Node | undefined {
  let cur = node;
  for (let i = 0; cur?.$ref && i < 20; i++) {
    const target = cur.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((o: Node, k: string) => o[k], schema as Node);
    const { $ref: _r, ...rest } = cur;
    cur = { ...target, ...rest };
  }
  return cur;
}

/** The object-typed branches of a schema node (itself, or its anyOf branches). */
function objectBranches(node: Node | undefined): Node[] {
  const n = resolve(node);
  if (!n) return [];
  const branches = [n, ...(n.anyOf ?? []).map(resolve)].filter((b): b is Node => !!b && (b.type === 'object' || !!b.properties));
  return branches;
}

/** Writes every schema default into every mapping of `data` that the schema describes. */
function fillDefaults(data: unknown, node: Node | undefined): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  const obj = data as Record<string, unknown>;
  for (const branch of objectBranches(node)) {
    for (const [key, sub] of Object.entries((branch.properties ?? {}) as Record<string, Node>)) {
      const s = resolve(sub);
      if (!(key in obj) && s && s.default !== undefined) obj[key] = structuredClone(s.default);
      if (key in obj) fillDefaults(obj[key], sub);
    }
    if (branch.additionalProperties && typeof branch.additionalProperties === 'object') {
      for (const [key, value] of Object.entries(obj)) if (!(key in (branch.properties ?? {}))) fillDefaults(value, branch.additionalProperties);
    }
  }
}

/** Every optional block present and empty, so each of their defaults is taken. */
const IMPLICIT = `version: 1
name: implicit
django:
  project: mysite
runtime: {}
processes:
  web: {}
  worker:
    command: celery -A mysite worker
release: {}
jobs:
  nightly:
    schedule: "0 3 * * *"
    command: python manage.py clearsessions
client: {}
env:
  PLAIN: {value: x}
  TOKEN: {secret: true}
database: {}
cache: {}
static: {}
media:
  storage: s3
  s3: {bucket: media-bucket}
monitoring:
  sentry: {}
`;

for (const [ex, source] of [...EXAMPLES.map((e) => [e, exampleText(e)] as const), ['every block empty', IMPLICIT] as const]) {
  test(`${ex}: every schema default written out explicitly builds the same files`, () => {
    const text = source;
    const data = parse(text) as Record<string, any>;
    data.targets ??= {};
    for (const t of TARGETS) data.targets[t.name] ??= {};
    const { environments, ...base } = data;
    fillDefaults(base, schema as Node);
    const explicit = stringify({ ...base, ...(environments ? { environments } : {}) });
    const a = compileText(text);
    const b = compileText(explicit);
    assert.equal(b.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), [], 'the explicit spec is valid');
    assert.equal(b.files.map((f) => f.path), a.files.map((f) => f.path));
    for (const f of a.files) assert.fixture(b.files.find((x) => x.path === f.path)!.contents, f.contents, `${ex}: ${f.path}`);
  });
}

test.run();
