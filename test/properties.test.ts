/**
 * Properties of the whole compiler, per target, on generated specs:
 * - schema-valid in, platform-valid out: every output validates against the platform's own schema or rules;
 * - uninjectable: hostile strings round-trip unchanged through JSON, YAML, Procfile, Dockerfile and Python, or the
 *   spec is rejected with a position; no value adds a line, key, instruction or process;
 * - secrets never leak: a value written where a secret belongs appears in no output and no diagnostic.
 * Fixed seed and bounded runs in `npm test`; FUZZ_RUNS raises the count (`npm run fuzz`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import type { CompileResult } from '../src/compile.js';
import { formatJson, formatText } from '../src/format.js';
import { lintDockerfile } from '../targets/docker/lint.js';
import { repair, schemaSpec } from './helpers/arbitrary.js';
import { composeSchemaErrors, doSchemaErrors, herokuSchemaErrors, unknownDoKeys } from './helpers/paas.js';
import { beginShellcheckBatch, endShellcheckBatch, flushShellcheckBatch, shellcheckOwner } from './helpers/ci.js';
import { conformanceProblems } from './helpers/conformance.js';
import { parseProcfile } from './helpers/procfile.js';
import { digitalOceanOptions } from '../targets/digitalocean/options.js';
import { joinPath } from '../src/model/normalize.js';
import { djangoOptions } from '../targets/django/options.js';
import { compileText } from './helpers/spec.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);


/** Strings that break naive emitters: quotes, newlines, shell and YAML syntax, template braces, unicode. */
const HOSTILE = ['"', "'", '\\', '\n', '\r', '\t', '\u2028', '$', '${X}', '$(id)', '`', '#', ': ', '- ', '---', '{{x}}', '}}', '&a', '*a', '!!python/object', '%', ';', '&&', '|', '>', '<', 'é', '😀', '\u0000', ' ', 'yes', 'null', '0x1F', 'ENV X=1', 'FROM scratch', 'web: evil'];
const hostileText = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 6 }).map((a) => a.join(''));

const pythonOk = spawnSync('python3', ['-c', 'import ast'], { encoding: 'utf8' }).status === 0;
const pythonFiles: string[] = [];

/** Production's file of `target` at `path` (another target's configurable path may end in the same name). */
function file(r: CompileResult, target: string, path: string): string | undefined {
  return r.files.find((f) => f.target === target && f.environment === undefined && f.path === path)?.contents;
}

/** Checks every output of a successful build with the software or rules that consume it; returns problems. */
function checkOutputs(r: CompileResult): string[] {
  const problems: string[] = [];
  const m = r.model!;
  const appJson = JSON.parse(file(r, 'heroku', 'app.json')!);
  problems.push(...herokuSchemaErrors(appJson).map((e) => `app.json: ${e}`));
  if (appJson.description !== undefined && appJson.description !== m.description) problems.push('app.json description changed');
  for (const v of m.env) {
    const entry = appJson.env?.[v.name];
    if (v.kind === 'plain' && entry && entry.value !== v.value) problems.push(`app.json ${v.name} value changed`);
  }
  // On Heroku's container stack heroku.yml replaces the Procfile (checked by targets/heroku/conformance.ts).
  const procfileText = file(r, 'heroku', 'Procfile');
  if (procfileText === undefined && !file(r, 'heroku', 'heroku.yml')) problems.push('neither a Procfile nor heroku.yml');
  if (procfileText !== undefined) {
    const procfile = parseProcfile(procfileText);
    problems.push(...procfile.errors, ...procfile.warnings);
    const expected = [...(m.release ? ['release'] : []), ...m.processes.map((p) => p.name)].sort();
    if (JSON.stringify(procfile.entries.map((e) => e.name).sort()) !== JSON.stringify(expected)) problems.push(`Procfile processes ${procfile.entries.map((e) => e.name)} != ${expected}`);
  }

  // Read as YAML 1.1, as doctl's parser does: an unquoted yes or 1_000 would not come back as a string.
  const doSpec = parse(file(r, 'digitalocean', joinPath(digitalOceanOptions(m.targets.digitalocean).path))!, { version: '1.1' });
  problems.push(...doSchemaErrors(doSpec).map((e) => `app.yaml: ${e}`), ...unknownDoKeys(doSpec).map((k) => `app.yaml unknown key ${k}`));
  for (const v of m.env) {
    const e = (doSpec.envs ?? []).find((x: { key: string }) => x.key === v.name);
    if (v.kind === 'plain' && e && e.value !== v.value) problems.push(`app.yaml ${v.name} value changed`);
    if ((v.kind === 'secret' || v.kind === 'generated') && e && 'value' in e) problems.push(`app.yaml ${v.name} secret has a value`);
  }

  const composeText = file(r, 'docker', 'compose.yaml');
  if (composeText !== undefined) {
    const compose = parse(composeText, { version: '1.1' });
    problems.push(...composeSchemaErrors(compose).map((e) => `compose: ${e}`));
    const env = compose['x-app']?.environment ?? {};
    for (const v of m.env) if (v.kind === 'plain' && v.scope !== 'build' && v.name in env && String(env[v.name]).replace(/\$\$/g, '$') !== v.value) problems.push(`compose ${v.name} value changed`);
  }
  const dockerfile = file(r, 'docker', 'Dockerfile')!;
  // ENV values must read back exactly with the Dockerfile parser (dockerfile-ast leaves `\$` for the builder).
  const envValues = new Map<string, string>();
  type Prop = { getName(): string; getValue(): string | null };
  for (const i of DockerfileParser.parse(dockerfile).getInstructions()) {
    const props = i.getKeyword() === 'ENV' ? (i as unknown as { getProperties(): Prop[] }).getProperties() : i.getKeyword() === 'ARG' ? [(i as unknown as { getProperty(): Prop | null }).getProperty()] : [];
    for (const prop of props) if (prop) envValues.set(prop.getName(), (prop.getValue() ?? '').replace(/\\\$/g, '$'));
  }
  for (const v of m.env) if (v.kind === 'plain' && envValues.has(v.name) && envValues.get(v.name) !== v.value) problems.push(`Dockerfile ENV ${v.name} value changed`);
  // dockerfile-utils wrongly rejects a double-quoted value that begins with a quote character (ENV X="\"a" or
  // ENV X="'a"), which Docker's own lexer reads as `"a` and `'a`; that message is ignored when the value read back
  // above is right.
  const quoteFalsePositive = /unexpected end of statement while looking for matching (double|single)-quote/;
  problems.push(
    ...validateDockerfile(dockerfile)
      .filter((d) => !(quoteFalsePositive.test(String(d.message)) && m.env.some((v) => v.kind === 'plain' && /^["']/.test(v.value ?? '') && envValues.get(v.name) === v.value)))
      .map((d) => `Dockerfile:${d.range.start.line + 1}: ${d.message}`),
  );
  problems.push(...lintDockerfile(dockerfile).filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `Dockerfile:${f.line}: ${f.code} ${f.message}`));
  const instructions = DockerfileParser.parse(dockerfile).getInstructions();
  if (instructions.filter((i) => i.getKeyword() === 'CMD').length !== 1) problems.push('Dockerfile must have exactly one CMD');
  if (instructions.some((i) => !['FROM', 'ARG', 'ENV', 'WORKDIR', 'RUN', 'COPY', 'USER', 'EXPOSE', 'HEALTHCHECK', 'CMD', 'SHELL', 'ENTRYPOINT'].includes(i.getKeyword()))) problems.push('Dockerfile has an unexpected instruction');
  const settings = r.files.find((f) => f.path === djangoOptions(m.targets.django, m).path)!;
  if (pythonOk) {
    const dir = mkdtempSync(join(tmpdir(), 'deployspec-prop-'));
    const p = join(dir, `m${pythonFiles.length}.py`);
    writeFileSync(p, settings.contents);
    pythonFiles.push(p);
  }
  return problems;
}

function checkRejection(r: CompileResult): string[] {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  const problems: string[] = [];
  if (r.files.length) problems.push('files produced despite errors');
  for (const d of errors) if (!(d.line >= 1 && d.col >= 1 && d.hint)) problems.push(`error without position or hint: ${d.code}`);
  return problems;
}

/** Fails with the spec of the first case whose CI scripts shellcheck faulted. */
function reportShellcheck(found: Map<string, string[]>): void {
  for (const [spec, problems] of found) {
    console.error(problems.join('\n') + '\n--- spec:\n' + spec);
    throw new Error(problems.join('\n'));
  }
}

/**
 * Builds each generated spec: a success must pass every output check, a failure must be positioned. Returns how many
 * built. CI scripts are shellchecked in batches of 50 cases (one shellcheck run per batch, not per case); a finding
 * names its case's spec and is reported without shrinking.
 */
function buildAll(specs: fc.Arbitrary<Record<string, unknown>>, seed: number): number {
  let built = 0;
  let cases = 0;
  beginShellcheckBatch();
  try {
    fc.assert(
      fc.property(specs, (spec) => {
        const text = stringify(spec);
        shellcheckOwner(text);
        const r = compileText(text);
        const failed = r.diagnostics.some((d) => d.severity === 'error');
        const problems = failed ? checkRejection(r) : [...checkOutputs(r), ...conformanceProblems(r)];
        for (const d of r.diagnostics) if (!(d.line >= 1 && d.col >= 1 && d.hint && d.message)) problems.push(`diagnostic without position, message or hint: ${d.code}`);
        if (!failed) built++;
        if (problems.length) {
          console.error(problems.join('\n') + '\n--- spec:\n' + text);
          throw new Error(problems.join('\n'));
        }
        if (++cases % 50 === 0) reportShellcheck(flushShellcheckBatch());
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
  } catch (e) {
    endShellcheckBatch();
    throw e;
  }
  reportShellcheck(endShellcheckBatch());
  return built;
}

test('schema-valid specs produce platform-valid output for every target', () => {
  const built = buildAll(schemaSpec().map(repair), SEED);
  assert.ok(built >= RUNS * 0.6, `only ${built} of ${RUNS} generated specs built; the generator needs repair`);
});

test('hostile strings round-trip through every output format or are rejected with a position', () => {
  assert.ok(buildAll(schemaSpec({ text: hostileText }).map(repair), SEED + 1) > 0, 'no hostile spec built at all');
});

test('the generated Python modules all parse', () => {
  if (!pythonOk) {
    if (process.env.CI === 'true') throw new Error('python3 is not installed, but CI must parse the generated settings modules');
    console.log('\n!! SKIPPED: python3 is not installed, generated settings modules were not parsed\n');
    return;
  }
  assert.ok(pythonFiles.length > 0);
  const r = spawnSync('python3', ['-c', 'import ast, sys\nfor p in sys.argv[1:]:\n    ast.parse(open(p, encoding="utf-8").read(), p)', ...pythonFiles], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('a value written where a secret belongs appears in no output and no diagnostic', () => {
  const sentinel = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `S3NT1NEL${s}`);
  const leak = fc.constantFrom('secret-with-value', 'secret-name', 'url-password', 'sentry-dsn', 'database-url');
  fc.assert(
    fc.property(schemaSpec().map(repair), sentinel, leak, (base, secret, how) => {
      const spec = structuredClone(base) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      spec.env ??= {};
      if (how === 'secret-with-value') spec.env.PAYMENT_KEY = { secret: true, value: secret };
      if (how === 'secret-name') spec.env.UPSTREAM_API_TOKEN = secret;
      if (how === 'url-password') spec.env.BROKER_URL = `amqp://user:${secret}@broker.example.com/vhost`;
      if (how === 'sentry-dsn') {
        spec.monitoring = { sentry: {} };
        spec.env.SENTRY_DSN = `https://${secret}@o1.ingest.sentry.io/1`;
      }
      if (how === 'database-url') {
        spec.database = {};
        spec.env.DATABASE_URL = `postgres://u:${secret}@db.example.com/app`;
      }
      const text = stringify(spec);
      const r = compileText(text);
      const surfaces = [...r.files.map((f) => f.contents), JSON.stringify(r.diagnostics), formatJson(r.diagnostics), formatText(r.diagnostics, new Map([['deploy.yaml', text]]))];
      if (!r.diagnostics.some((d) => d.severity === 'error')) throw new Error(`a committed secret was accepted (${how})`);
      for (const s of surfaces) if (s.includes(secret)) throw new Error(`secret leaked (${how})`);
    }),
    { numRuns: RUNS, seed: SEED + 2 },
  );
});

test.run();
