/** The CLI's conventions, compared as exact output: help, version, usage errors, colour, -C, upward search, --quiet, pipes. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pkg from '../package.json' with { type: 'json' };
import { COMMAND_NAMES } from '../src/cli.js';
import { colorOn } from '../src/cli.js';
import { MINIMAL, NO_WARNINGS, ROOT, runCli } from './helpers/spec.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-conv-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
const ENVS = MINIMAL + 'environments:\n  staging:\n    hosts: [staging.example.com]\n';

test('--version and -V print the version alone', () => {
  for (const flag of ['--version', '-V']) assert.equal(runCli([flag]), { status: 0, stdout: `${pkg.version}\n`, stderr: '' });
});

test('help <command> and <command> --help print the same help, with a description and examples', () => {
  const a = runCli(['help', 'build']);
  const b = runCli(['build', '--help']);
  assert.is(a.status, 0);
  assert.is(a.stdout, b.stdout);
  const lines = a.stdout.split('\n');
  assert.is(lines[0], 'deployspec build: Compile deploy.yaml into platform files, every environment side by side');
  assert.is(lines[2], 'Usage: deployspec build [file] [options]');
  assert.ok(a.stdout.includes('\nExamples:\n  $ deployspec build\n  $ deployspec build --check\n'), a.stdout);
  for (const name of COMMAND_NAMES.filter((n) => n !== 'help')) {
    const h = runCli(['help', name]);
    assert.is(h.status, 0, name);
    assert.match(h.stdout, new RegExp(`^deployspec ${name}: \\S.*\\n\\nUsage: deployspec ${name}`), name);
    assert.match(h.stdout, /\nExamples:\n {2}\$ deployspec /, name);
  }
  const top = runCli([]);
  assert.is(top.status, 0);
  assert.match(top.stdout, /^deployspec \d+\.\d+\.\d+: /);
  assert.ok(top.stdout.includes('\nRun `deployspec help <command>` for its options and examples.\n'));
});

test('"did you mean" for commands, options, targets and environments; every usage error exits 2', () => {
  const dir = project({ 'deploy.yaml': ENVS });
  const cases: [string[], string][] = [
    [['biuld'], 'deployspec: unknown command "biuld"; did you mean build? (run `deployspec --help` for the list)\n'],
    [['help', 'valdiate'], 'deployspec: no help for "valdiate": not a command; did you mean validate?\n'],
    [['build', '--chek'], 'deployspec: unknown option --chek for `deployspec build`; did you mean --check?\n'],
    [['build', '--target', 'herok'], `deployspec: unknown target "herok"; did you mean heroku? (choose from: ${pkg.name ? '' : ''}`],
    [['build', '--env', 'stagign'], 'deployspec: unknown environment "stagign"; did you mean staging? (defined: staging)\n'],
    [['validate', '--env', 'prod'], 'deployspec: unknown environment "prod" (defined: staging)\n'],
    [['config', '--env', 'stging'], 'deployspec: unknown environment "stging"; did you mean staging? (defined: staging)\n'],
    [['validate', '--format', 'jsno'], 'deployspec: --format must be text, json, github or sarif, not "jsno"; did you mean json?\n'],
    [['validate', 'a', 'b'], 'deployspec: `deployspec validate` takes one file argument, not "b"\n'],
    [['build', '--out'], 'deployspec: --out needs a value: --out <dir>\n'],
    [['build', '--check=yes'], 'deployspec: --check takes no value\n'],
    [['validate', '--color', '--no-color'], 'deployspec: --color and --no-color contradict each other\n'],
    [['validate', 'nowhere.yaml'], 'deployspec: cannot read nowhere.yaml: no such file\n'],
    [['validate', '-C', 'nowhere'], 'deployspec: cannot change to nowhere (-C): no such folder\n'],
  ];
  for (const [args, stderr] of cases) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, 2, args.join(' '));
    assert.is(r.stdout, '', args.join(' '));
    if (stderr.endsWith('\n')) assert.is(r.stderr, stderr, args.join(' '));
    else assert.ok(r.stderr.startsWith(stderr), r.stderr);
  }
  const folder = project({ 'sub/readme.txt': 'x' });
  assert.equal(runCli(['validate', 'sub'], { cwd: folder }), { status: 2, stdout: '', stderr: 'deployspec: no deploy.yaml (or deployspec.yaml) in sub; pass the spec file, or run `deployspec init sub`\n' });
});

test('deploy.yaml is found upward from the working folder, up to the git root; -C DIR runs elsewhere', () => {
  const dir = project({ 'deploy.yaml': NO_WARNINGS, 'app/static/x.txt': 'x' });
  assert.equal(runCli(['validate'], { cwd: join(dir, 'app/static') }), { status: 0, stdout: '', stderr: '../../deploy.yaml: valid\n' });
  assert.equal(runCli(['-C', dir, 'validate']), { status: 0, stdout: '', stderr: 'deploy.yaml: valid\n' });
  assert.equal(runCli(['validate', '-C', 'app'], { cwd: dir }), { status: 0, stdout: '', stderr: '../deploy.yaml: valid\n' });
  // a repository boundary stops the search: a deploy.yaml above the repository is not this project's
  mkdirSync(join(dir, 'app/.git'));
  const r = runCli(['validate'], { cwd: join(dir, 'app/static') });
  assert.is(r.status, 2);
  assert.match(r.stderr, /^deployspec: no deploy\.yaml \(or deployspec\.yaml\) in .*static or the folders above it; pass a file, or run `deployspec init` to create one\n$/);
});

test('deployspec.yaml is a spec name too: found upward and in a folder argument; two specs in one folder are a usage error', () => {
  const dir = project({ 'deployspec.yml': NO_WARNINGS, 'app/static/x.txt': 'x' });
  assert.equal(runCli(['validate'], { cwd: join(dir, 'app/static') }), { status: 0, stdout: '', stderr: '../../deployspec.yml: valid\n' });
  assert.equal(runCli(['validate', dir]), { status: 0, stdout: '', stderr: `${join(dir, 'deployspec.yml')}: valid\n` });
  writeFileSync(join(dir, 'deploy.yaml'), MINIMAL);
  const both = (where: string) => `deployspec: deploy.yaml and deployspec.yml are both in ${where}: deployspec reads one spec per folder; keep one of them (remove or rename the other), or pass the file to use\n`;
  assert.equal(runCli(['validate'], { cwd: dir }), { status: 2, stdout: '', stderr: both('.') });
  assert.equal(runCli(['build'], { cwd: join(dir, 'app') }), { status: 2, stdout: '', stderr: both('..') });
  assert.equal(runCli(['validate', 'app/..'], { cwd: dir }).stderr, both('.'));
  // naming the file settles it
  assert.equal(runCli(['validate', 'deployspec.yml'], { cwd: dir }), { status: 0, stdout: '', stderr: 'deployspec.yml: valid\n' });
  // init sees a deployspec.yaml as an existing spec
  const other = project({ 'deployspec.yaml': MINIMAL, 'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n' });
  const init = runCli(['init'], { cwd: other });
  assert.is(init.status, 1);
  assert.match(init.stderr, /^deployspec: deployspec\.yaml already exists; nothing written/);
  assert.equal(readdirSync(other).sort(), ['deployspec.yaml', 'manage.py']);
});

test('colour: NO_COLOR, FORCE_COLOR, --color and --no-color; stdout and stderr decided separately', () => {
  const on = (tty: boolean, env: NodeJS.ProcessEnv, flag?: boolean) => colorOn(tty, env, flag);
  assert.is(on(true, {}), true);
  assert.is(on(false, {}), false);
  assert.is(on(true, { NO_COLOR: '1' }), false);
  assert.is(on(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR is unset');
  assert.is(on(false, { FORCE_COLOR: '1' }), true);
  assert.is(on(false, { FORCE_COLOR: '1', NO_COLOR: '1' }), true, 'FORCE_COLOR wins over NO_COLOR');
  assert.is(on(true, { FORCE_COLOR: '0' }), false);
  assert.is(on(true, { TERM: 'dumb' }), false);
  assert.is(on(false, { NO_COLOR: '1' }, true), true, '--color wins');
  assert.is(on(true, { FORCE_COLOR: '1' }, false), false, '--no-color wins');
  const dir = project({ 'deploy.yaml': MINIMAL + 'procesess: {}\n' });
  const plain = runCli(['validate'], { cwd: dir });
  const forced = runCli(['validate'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
  const flag = runCli(['validate', '--color'], { cwd: dir });
  const off = runCli(['validate', '--no-color'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
  assert.not.match(plain.stderr, /\x1b\[/);
  assert.ok(forced.stderr.startsWith('\x1b[1mdeploy.yaml:5:1\x1b[22m: \x1b[31merror\x1b[39m: unknown key'), JSON.stringify(forced.stderr));
  assert.is(flag.stderr, forced.stderr);
  assert.is(off.stderr, plain.stderr);
  assert.is(plain.stderr.replace(/\x1b\[\d+m/g, ''), plain.stderr);
  assert.is(forced.stderr.replace(/\x1b\[\d+m/g, ''), plain.stderr, 'colour changes nothing but the escapes');
});

test('--quiet prints nothing on success, only failures; acknowledged notes stop showing', () => {
  const spec = MINIMAL + 'jobs:\n  nightly:\n    schedule: "0 3 * * *"\n    command: python manage.py clearsessions\n';
  const dir = project({ 'deploy.yaml': spec });
  const loud = runCli(['build', '--target', 'docker,heroku'], { cwd: dir });
  assert.is(loud.status, 0, loud.stderr);
  assert.match(loud.stderr, /info: Docker and compose have no scheduler: .* \[docker\/unsupported\]/);
  assert.match(loud.stderr, /^wrote Dockerfile$/m);
  assert.ok(loud.stderr.endsWith('\nnext:\n  heroku: heroku create mysite && git push heroku main   (app.json\'s add-ons and formation apply to review apps and the Heroku Button; on an existing app, add them with heroku addons:create)\n  commit the generated files with deploy.yaml, and run `deployspec build --check` in CI\n'), loud.stderr);
  assert.not.match(runCli(['build', '--target', 'docker,heroku'], { cwd: dir }).stderr, /next:/, 'only after a build that created files');
  assert.equal(runCli(['build', '--target', 'docker,heroku', '-q'], { cwd: dir }), { status: 0, stdout: '', stderr: '' });
  assert.equal(runCli(['build', '--check', '--target', 'docker,heroku', '--quiet'], { cwd: dir }), { status: 0, stdout: '', stderr: '' });
  assert.equal(runCli(['validate', '--target', 'docker,heroku', '-q'], { cwd: dir }), { status: 0, stdout: '', stderr: '' });
  writeFileSync(join(dir, 'deploy.yaml'), spec + 'acknowledge: [docker/unsupported]\n');
  const acked = runCli(['build', '--target', 'docker'], { cwd: dir });
  assert.is(acked.status, 0);
  assert.not.match(acked.stderr, /docker\/unsupported/);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
  const failed = runCli(['build', '--target', 'docker', '-q'], { cwd: dir });
  assert.is(failed.status, 1);
  assert.match(failed.stderr, /^left alone Dockerfile: differs \(edited since deployspec generated it\); re-run with --force to overwrite it$/m);
});

test('a closed pipe ends quietly with the exit code the command would have had', () => {
  for (const cmd of ['schema', 'templates --format json', 'help build']) {
    const r = spawnSync('bash', ['-c', `node "${ROOT}bin/deployspec.js" ${cmd} 2>"$ERR" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"; cat "$ERR"`], {
      encoding: 'utf8',
      env: { ...process.env, ERR: join(mkdtempSync(join(tmpdir(), 'deployspec-pipe-')), 'err') },
    });
    assert.is(r.stdout, '0\n', `${cmd}: ${r.stdout}`);
  }
});

test("bin/deployspec.js caches known commands only: its list is the CLI's", () => {
  const bin = readFileSync(join(ROOT, 'bin/deployspec.js'), 'utf8');
  const list = /const COMMANDS = new Set\((\[[^\]]*\])\)/.exec(bin)![1]!;
  assert.equal([...(JSON.parse(list.replace(/'/g, '"')) as string[])].sort(), [...COMMAND_NAMES].sort());
});

test.run();
