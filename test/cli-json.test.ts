/** `--format json`: exactly one JSON document on stdout for every command, stale files included; github and sarif forms. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMAL, runCli } from './helpers/spec.js';

const SPEC = MINIMAL + 'hosts: [example.com]\nenvironments:\n  staging:\n    hosts: [staging.example.com]\n';
const TARGETS = 'heroku,digitalocean,django';

function project(spec = SPEC): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-json-'));
  writeFileSync(join(dir, 'deploy.yaml'), spec);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nRUN apt-get update\n');
  return dir;
}

/** The whole of stdout is one JSON value (JSON.parse rejects anything after it). */
function one(stdout: string, what: string): Record<string, any> {
  try {
    return JSON.parse(stdout);
  } catch (err) {
    throw new Error(`${what}: stdout is not one JSON document (${(err as Error).message}):\n${stdout.slice(0, 400)}`);
  }
}

test('every command prints one JSON document, whatever the outcome', () => {
  const dir = project();
  const runs: [string[], number | null][] = [
    [['validate'], 0],
    [['build', '--target', TARGETS, '--dry-run'], 0],
    [['build', '--target', TARGETS, '--check'], 1],
    [['diff', '--target', TARGETS], 0],
    [['build', '--target', TARGETS], 0],
    [['build', '--target', TARGETS, '--check'], 0],
    [['build', '--target', TARGETS, '--check', '--env', 'staging'], 0],
    [['config'], 0],
    [['config', '--env', 'staging'], 0],
    [['doctor'], 1],
    [['templates'], 0],
    [['targets'], 0],
    [['lint'], null],
    [['build', '--env', 'nope'], 2],
  ];
  for (const [args, status] of runs) {
    const r = runCli([...args, '--format', 'json'], { cwd: dir });
    if (status !== null) assert.is(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    const doc = one(r.stdout, args.join(' '));
    if (args[0] !== 'lint') assert.is(doc.command, args[0], args.join(' '));
  }
});

test('build --check --format json names each stale file with its action, target, environment and diff', () => {
  const dir = project();
  assert.is(runCli(['build', '--target', TARGETS], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'Procfile'), 'web: edited\n');
  writeFileSync(join(dir, '.do/app.staging.yaml'), 'name: edited\n');
  const r = runCli(['build', '--target', TARGETS, '--check', '--format', 'json'], { cwd: dir });
  assert.is(r.status, 1);
  assert.is(r.stderr, '');
  const doc = one(r.stdout, 'check');
  assert.is(doc.ok, false);
  assert.is(doc.mode, 'check');
  const stale = doc.files.filter((f: { action: string }) => f.action !== 'unchanged');
  assert.equal(
    stale.map((f: Record<string, string>) => [f.path, f.target, f.environment ?? null, f.action, f.reason]),
    [
      ['.do/app.staging.yaml', 'digitalocean', 'staging', 'conflict', 'edited'],
      ['Procfile', 'heroku', null, 'conflict', 'edited'],
    ],
  );
  assert.match(stale[1].diff, /^--- a\/Procfile\n\+\+\+ b\/Procfile\n/);
  assert.match(stale[1].diff, /^-web: edited$/m);
  assert.ok(doc.files.some((f: Record<string, string>) => f.path === '.do/app.yaml' && f.action === 'unchanged' && f.diff === undefined));
  assert.ok(Array.isArray(doc.diagnostics));
  // --env selects: the production Procfile is not staging's business
  const env = one(runCli(['build', '--target', TARGETS, '--check', '--env', 'staging', '--format', 'json'], { cwd: dir }).stdout, 'env check');
  assert.equal(env.files.map((f: Record<string, string>) => f.path), ['.do/app.staging.yaml']);
});

test('an invalid spec: one document with the diagnostics and no files', () => {
  const dir = project(MINIMAL + 'procesess: {}\n');
  for (const args of [['validate'], ['build'], ['build', '--check'], ['diff'], ['config'], ['doctor']]) {
    const r = runCli([...args, '--format', 'json'], { cwd: dir });
    assert.is(r.status, 1, args.join(' '));
    const doc = one(r.stdout, args.join(' '));
    assert.is(doc.ok, false);
    if (args[0] !== 'doctor') assert.equal(doc.diagnostics.map((d: { code: string; line: number }) => `${d.line} ${d.code}`), ['5 schema/unknown-key'], args.join(' '));
  }
});

test('--format github prints workflow annotations; --format sarif a SARIF 2.1.0 log', () => {
  const dir = project(MINIMAL + 'procesess: {}\n');
  const gh = runCli(['validate', '--format', 'github'], { cwd: dir });
  assert.is(gh.status, 1);
  assert.is(gh.stdout, '::error file=deploy.yaml,line=5,col=1,endLine=5,endColumn=10,title=schema/unknown-key::unknown key "procesess" in the top level%0Ahint: Did you mean "processes"?\n');
  const sarif = one(runCli(['validate', '--format', 'sarif'], { cwd: dir }).stdout, 'sarif');
  assert.is(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'deploy.yaml' }, region: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 10 } });
  const ok = project();
  assert.is(runCli(['build', '--target', 'heroku'], { cwd: ok }).status, 0);
  writeFileSync(join(ok, 'Procfile'), 'web: edited\n');
  const check = runCli(['build', '--check', '--target', 'heroku', '--format', 'github'], { cwd: ok });
  assert.is(check.status, 1);
  assert.ok(check.stdout.includes('::error file=Procfile,title=build/stale::Procfile: differs (edited since deployspec generated it); run `deployspec build` and commit the result\n'), check.stdout);
});

test.run();
