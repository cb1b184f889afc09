/** `deployspec config`: the spec as the compiler sees it for one environment, every schema default written out. */
import { readFileSync } from 'node:fs';
import { analyze } from '../analyze.js';
import { hasErrors } from '../diagnostics.js';
import { diagnosticsData, formatText, summary } from '../format.js';
import { projectFacts } from '../io/read.js';
import { escapeControls, jsonText } from '../io/terminal.js';
import { applyEnvironment } from '../spec/merge.js';
import { redactText, secretIndex } from '../spec/secrets.js';
import { TARGETS } from '../../targets/index.js';
import type { Input } from '../cli.js';
import type { Io } from './io.js';
import { UsageError } from './io.js';

type Node = Record<string, unknown>;

/** The published schema: beside dist/ in the package, two folders up from src/commands/ in a checkout. */
function loadSchema(): Node {
  for (const rel of ['../schema/deploy.schema.json', '../../schema/deploy.schema.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Node;
    } catch {
      /* try the next place */
    }
  }
  throw new Error('cannot find schema/deploy.schema.json beside the CLI');
}

function resolveRef(schema: Node, node: Node | undefined): Node | undefined {
  let cur = node;
  for (let i = 0; cur && typeof cur.$ref === 'string' && i < 20; i++) {
    const target = (cur.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as Node | undefined)?.[k], schema) as Node | undefined;
    const { $ref: _r, ...rest } = cur;
    cur = { ...(target ?? {}), ...rest };
  }
  return cur;
}

/** Writes every default the schema states into every mapping of `data` it describes (in place). */
export function fillDefaults(schema: Node, data: unknown, node: Node | undefined): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  const obj = data as Node;
  const n = resolveRef(schema, node);
  if (!n) return;
  const branches = [n, ...((n.anyOf as Node[] | undefined) ?? []).map((b) => resolveRef(schema, b))].filter((b): b is Node => !!b && (b.type === 'object' || !!b.properties));
  for (const branch of branches) {
    const props = (branch.properties ?? {}) as Record<string, Node>;
    for (const [key, sub] of Object.entries(props)) {
      const s = resolveRef(schema, sub);
      if (!(key in obj) && s && s.default !== undefined) obj[key] = structuredClone(s.default);
      if (key in obj) fillDefaults(schema, obj[key], sub);
    }
    if (branch.additionalProperties && typeof branch.additionalProperties === 'object') {
      for (const [key, value] of Object.entries(obj)) if (!(key in props)) fillDefaults(schema, value, branch.additionalProperties as Node);
    }
  }
}

export async function configCommand(io: Io, input: Input, opts: { env?: string; format?: string }): Promise<number> {
  const result = analyze(input.display, input.bytes, { env: null, facts: projectFacts(input.dir), targets: TARGETS });
  const env = opts.env;
  if (env !== undefined && !result.environments.includes(env)) {
    const { closest } = await import('../diagnostics.js');
    const { didYouMean } = await import('./io.js');
    throw new UsageError(`unknown environment ${JSON.stringify(env)}${didYouMean(env, result.environments, closest)} (${result.environments.length ? `defined: ${result.environments.join(', ')}` : `${input.display} defines no environments`})`);
  }
  if (hasErrors(result.diagnostics)) {
    if (opts.format === 'json') io.out(jsonText({ command: 'config', ok: false, file: input.display, diagnostics: diagnosticsData(result.diagnostics) }) + '\n');
    else io.err(formatText(result.diagnostics, new Map([[input.display, result.loaded.text]]), io.colors) + '\n' + summary(result.diagnostics) + '\n');
    return 1;
  }
  const schema = loadSchema();
  const spec = applyEnvironment(result.loaded.data as Node, env ?? null);
  fillDefaults(schema, spec, schema);
  // A valid spec can still hold a secret's value where only the build finds it (a target's overrides): the printed
  // spec has every value the secret index finds removed, as diagnostics do.
  const { values } = secretIndex(result.loaded.text);
  if (opts.format === 'json') {
    io.out(redactText(jsonText({ command: 'config', ok: true, file: input.display, environment: env ?? null, spec }), values) + '\n');
    return 0;
  }
  const { stringify } = await import('yaml');
  io.out(escapeControls(redactText(`# ${input.display}${env ? ` with environment "${env}"` : ''}, every default written out (deployspec config)\n` + stringify(spec, { lineWidth: 0 }), values)));
  return 0;
}
