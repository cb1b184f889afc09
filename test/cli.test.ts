import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pkg from '../package.json' with { type: 'json' };
import { TARGET_NAMES } from '../targets/index.js';
import { MINIMAL, NO_WARNINGS, runCli } from './helpers/spec.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('--version and --help', () => {
  const v = runCli(['--version']);
  assert.is(v.status, 0);
  assert.is(v.stdout, `${pkg.version}\n`);
  const h = runCli(['--help']);
  assert.is(h.status, 0);
  for (const cmd of ['validate [file]', 'build [file]', 'schema', 'targets']) assert.ok(h.stdout.includes(cmd), cmd);
});

test('validate: exit 0 on a valid spec found in the current folder', () => {
  const r = runCli(['validate'], { cwd: project({ 'deploy.yaml': MINIMAL }) });
  assert.is(r.status, 0);
  assert.match(r.stderr, /deploy\.yaml: valid/);
});

test('validate: exit 1 with a code frame, a hint and no stack trace', () => {
  const r = runCli(['validate'], { cwd: project({ 'deploy.yaml': MINIMAL + 'procesess: {}\n' }) });
  assert.is(r.status, 1);
  assert.is(
    r.stderr,
    [
      'deploy.yaml:5:1: error: unknown key "procesess" in the top level [schema/unknown-key]',
      '  5 | procesess: {}',
      '    | ^^^^^^^^^',
      '  hint: Did you mean "processes"?',
      '1 error, 0 warnings',
      '',
    ].join('\n'),
  );
});

test('validate --format json prints machine-readable diagnostics on stdout', () => {
  const r = runCli(['validate', '--format', 'json'], { cwd: project({ 'deploy.yaml': 'version: 1\nname: x1\ndjango: {project: 1a}\n' }) });
  assert.is(r.status, 1);
  const list = JSON.parse(r.stdout).diagnostics;
  assert.equal(list.map((d: { line: number; col: number; code: string }) => `${d.line}:${d.col} ${d.code}`), ['3:19 schema/pattern']);
});

test('a secret written in the file is masked in the code frame (CI logs are often public)', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + 'env:\n  STRIPE_API_KEY: sk_live_SENTINEL123\n  TOKEN:\n    secret: true\n    value: tok_SENTINEL456  # here\n' });
  for (const format of ['text', 'json']) {
    const r = runCli(['validate', '--format', format], { cwd: dir });
    assert.is(r.status, 1);
    assert.not.ok(/SENTINEL/.test(r.stdout + r.stderr), r.stdout + r.stderr);
  }
  const text = runCli(['validate'], { cwd: dir }).stderr;
  assert.ok(text.includes('  6 |   STRIPE_API_KEY: *******************'), text);
  // A value cut by ` #` is masked to the end of the line: what follows may be part of it.
  assert.ok(text.includes('  9 |     value: ***********************\n'), text);
});

test('warnings pass unless --strict', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + 'runtime:\n  node: "20"\n' });
  assert.is(runCli(['validate'], { cwd: dir }).status, 0);
  assert.is(runCli(['validate', '--strict'], { cwd: dir }).status, 1);
});

test('validate reports every warning build would: a target\'s own finding, --strict fails on it, json carries it', () => {
  // The docker target, not the spec rules, finds a secret needed at build time.
  const dir = project({ 'deploy.yaml': NO_WARNINGS + 'env:\n  API_TOKEN:\n    secret: true\n    scope: both\n' });
  const text = runCli(['validate'], { cwd: dir });
  assert.is(text.status, 0, text.stderr);
  assert.ok(text.stderr.includes('deploy.yaml:10:5: warning: API_TOKEN is a secret needed at build time, but the Dockerfile never receives secrets [docker/build-secret]\n'), text.stderr);
  assert.ok(text.stderr.endsWith('0 errors, 1 warning\ndeploy.yaml: valid\n'), text.stderr);
  const strict = runCli(['validate', '--strict'], { cwd: dir });
  assert.is(strict.status, 1);
  assert.not.match(strict.stderr, /: valid/);
  const json = JSON.parse(runCli(['validate', '--strict', '--format', 'json'], { cwd: dir }).stdout);
  assert.is(json.ok, false);
  const key = (d: { line: number; col: number; severity: string; code: string; message: string }) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`;
  assert.equal(json.diagnostics.map(key), ['10:5 warning docker/build-secret API_TOKEN is a secret needed at build time, but the Dockerfile never receives secrets']);
  // The same diagnostics as build's, notes aside (build --check shows none either).
  const build = JSON.parse(runCli(['build', '--dry-run', '--format', 'json'], { cwd: dir }).stdout);
  assert.equal(json.diagnostics.map(key), build.diagnostics.filter((d: { severity: string }) => d.severity !== 'info').map(key));
  assert.equal(json.diagnostics.map(key), JSON.parse(runCli(['build', '--check', '--format', 'json'], { cwd: dir }).stdout).diagnostics.map(key));
  // --target narrows it as it narrows build; nothing is ever written.
  assert.is(runCli(['validate', '--strict', '--target', 'heroku,render'], { cwd: dir }).status, 0);
  assert.is(runCli(['validate', '--strict', '--target', 'docker'], { cwd: dir }).status, 1);
  assert.is(runCli(['validate', '--target', 'dockr'], { cwd: dir }).stderr, `deployspec: unknown target "dockr"; did you mean docker? (choose from: ${TARGET_NAMES.join(', ')}, all)\n`);
  assert.equal(readdirSync(dir), ['deploy.yaml']);
});

test('validate reports a broken template override as build does', () => {
  const dir = project({ 'deploy.yaml': NO_WARNINGS });
  mkdirSync(join(dir, '.deployspec/templates/heroku'), { recursive: true });
  writeFileSync(join(dir, '.deployspec/templates/heroku/Procfile.hbs'), '{{#each processes}}\n');
  const v = runCli(['validate', '--format', 'json'], { cwd: dir });
  const b = runCli(['build', '--dry-run', '--format', 'json'], { cwd: dir });
  assert.is(v.status, 1);
  assert.is(b.status, 1);
  assert.equal(JSON.parse(v.stdout).diagnostics, JSON.parse(b.stdout).diagnostics.filter((d: { severity: string }) => d.severity !== 'info'));
  assert.equal(JSON.parse(v.stdout).diagnostics.map((d: { code: string }) => d.code), ['template/syntax']);
});

test('usage errors exit 2: missing spec, unknown target, unknown command, bad format', () => {
  const empty = project({});
  const r = runCli(['validate'], { cwd: empty });
  assert.is(r.status, 2);
  assert.match(r.stderr, /no deploy\.yaml \(or deployspec\.yaml\) in .*deployspec init/);
  assert.is(runCli(['build', '--target', 'nowhere'], { cwd: project({ 'deploy.yaml': MINIMAL }) }).status, 2);
  assert.is(runCli(['frobnicate']).status, 2);
  assert.is(runCli(['validate', '--format', 'xml'], { cwd: project({ 'deploy.yaml': MINIMAL }) }).status, 2);
});

test('an explicit file or folder argument is honoured', () => {
  const dir = project({ 'other.yaml': MINIMAL });
  assert.is(runCli(['validate', join(dir, 'other.yaml')]).status, 0);
  const dir2 = project({ 'deploy.yml': MINIMAL });
  assert.is(runCli(['validate', dir2]).status, 0);
});

test('build writes nothing when the spec is invalid', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + 'env:\n  API_TOKEN: abc\n' });
  const r = runCli(['build', '--target', 'all'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /nothing written/);
  assert.equal(readdirSync(dir), ['deploy.yaml']);
});

test('build writes every environment side by side; --env builds and checks one without touching the others', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + 'hosts: [example.com]\nprocesses:\n  web:\n    instances: 3\nenvironments:\n  staging:\n    hosts: [staging.example.com]\n    processes:\n      web:\n        instances: 1\n' });
  assert.is(runCli(['build', '--target', 'digitalocean,django'], { cwd: dir }).status, 0);
  const prod = readFileSync(join(dir, '.do/app.yaml'), 'utf8');
  const staging = readFileSync(join(dir, '.do/app.staging.yaml'), 'utf8');
  assert.match(prod, /^name: mysite$/m);
  assert.match(prod, /instance_count: 3/);
  assert.match(staging, /^name: mysite-staging$/m);
  assert.match(staging, /instance_count: 1/);
  assert.match(staging, /domain: staging\.example\.com/);
  assert.is(runCli(['build', '--check', '--target', 'digitalocean,django'], { cwd: dir }).status, 0);
  // a stale staging spec fails the plain check and the staging check, not the production-only one
  writeFileSync(join(dir, '.do/app.staging.yaml'), staging.replace('instance_count: 1', 'instance_count: 2'));
  assert.is(runCli(['build', '--check', '--target', 'digitalocean,django'], { cwd: dir }).status, 1);
  const envCheck = runCli(['build', '--check', '--env', 'staging', '--target', 'digitalocean'], { cwd: dir });
  assert.is(envCheck.status, 1);
  assert.match(envCheck.stderr, /^stale \.do\/app\.staging\.yaml: differs \(edited since deployspec generated it\)$/m);
  assert.not.match(envCheck.stderr, /stale \.do\/app\.yaml/);
  // --env staging rewrites staging's file only (--force: it was edited by hand); production's stays byte for byte
  assert.is(runCli(['build', '--env', 'staging', '--target', 'digitalocean', '--force'], { cwd: dir }).status, 0);
  assert.is(readFileSync(join(dir, '.do/app.staging.yaml'), 'utf8'), staging);
  assert.is(readFileSync(join(dir, '.do/app.yaml'), 'utf8'), prod);
  assert.is(runCli(['build', '--check', '--target', 'digitalocean,django'], { cwd: dir }).status, 0);
  const bad = runCli(['build', '--env', 'stagign'], { cwd: dir });
  assert.is(bad.status, 2);
  assert.is(bad.stderr, 'deployspec: unknown environment "stagign"; did you mean staging? (defined: staging)\n');
});

test('targets lists every registered target', () => {
  const r = runCli(['targets']);
  assert.is(r.status, 0);
  for (const line of r.stdout.trim().split('\n')) assert.match(line, /^[a-z][a-z0-9-]* +\S/);
});

test.run();
