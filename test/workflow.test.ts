/** The checked-in workflow: manifest, no clobbering, --check/--prune/--force, atomic and confined writes, template overrides. */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILTIN_TEMPLATES } from '../src/generated/templates.js';
import { parseManifest } from '../src/io/manifest.js';
import { planBuild, upToDate } from '../src/io/plan.js';
import { applyChanges, realFs, safeTarget, UnsafePathError } from '../src/io/write.js';
import type { FsOps } from '../src/io/write.js';
import { templateVariables } from '../src/templates/vars.js';
import { templateCatalogue, templatesMarkdown } from '../src/commands/templates.js';
import type { OutputFile } from '../src/target.js';
import { ROOT, runCli } from './helpers/spec.js';

const test = suite('workflow');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'deployspec-wf-'));
}
/** Every file under `dir` with its bytes, for "byte-identical before/after" assertions. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[p + '/'] = '';
        walk(p);
      } else out[p] = e.isSymbolicLink() ? `-> link` : readFileSync(join(dir, p), 'latin1');
    }
  };
  walk('');
  return out;
}
function project(example = '02-heroku-postgres-cloudinary'): string {
  const dir = tmp();
  cpSync(join(ROOT, 'examples', example, 'deploy.yaml'), join(dir, 'deploy.yaml'));
  return dir;
}
const files = (...pairs: [string, string][]): OutputFile[] => pairs.map(([path, contents]) => ({ path, contents, target: 'heroku' }));

// --- library level: deterministic, independent of the registered targets -------------------------------------

test('plan: new files are created, the manifest records their hashes sorted', () => {
  const dir = tmp();
  const plan = planBuild(dir, files(['b.txt', 'B\n'], ['a/x.txt', 'X\n']), { targets: ['heroku'] });
  assert.equal(plan.items.map((i) => `${i.action} ${i.path}`), ['create a/x.txt', 'create b.txt']);
  applyChanges(dir, plan);
  const m = parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'));
  assert.equal(m.files.map((f) => f.path), ['a/x.txt', 'b.txt']);
  assert.match(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'), /"sha256": "[0-9a-f]{64}"/);
  assert.ok(upToDate(planBuild(dir, files(['b.txt', 'B\n'], ['a/x.txt', 'X\n']), { targets: ['heroku'] })));
});

test('plan: a hand-written file is a conflict (blocked) unless --force; an untouched generated file is updated', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'Procfile'), 'web: mine\n');
  const p1 = planBuild(dir, files(['Procfile', 'web: ours\n']), { targets: ['heroku'] });
  assert.is(p1.items[0]!.action, 'conflict');
  assert.is(p1.items[0]!.reason, 'hand-written');
  assert.ok(p1.blocked);
  const p2 = planBuild(dir, files(['Procfile', 'web: ours\n']), { targets: ['heroku'], force: true });
  assert.is(p2.items[0]!.action, 'overwrite');
  applyChanges(dir, p2);
  const p3 = planBuild(dir, files(['Procfile', 'web: ours v2\n']), { targets: ['heroku'] });
  assert.is(p3.items[0]!.action, 'update');
  writeFileSync(join(dir, 'Procfile'), 'web: ours, edited\n');
  const p4 = planBuild(dir, files(['Procfile', 'web: ours v2\n']), { targets: ['heroku'] });
  assert.is(p4.items[0]!.action, 'conflict');
  assert.is(p4.items[0]!.reason, 'edited');
});

test('plan: files no longer produced are stale, removed only with --prune, and edited ones only with --force', () => {
  const dir = tmp();
  // A stale file is pruned only when its target declares it (Target.outputs) or it carries deployspec's header.
  const owned = { heroku: ['*.txt'] };
  applyChanges(dir, planBuild(dir, files(['old.txt', 'O\n'], ['keep.txt', 'K\n']), { targets: ['heroku'], owned }));
  const stale = planBuild(dir, files(['keep.txt', 'K\n']), { targets: ['heroku'], owned });
  assert.equal(stale.items.map((i) => `${i.action} ${i.path}`), ['unchanged keep.txt', 'stale old.txt']);
  assert.not.ok(upToDate(stale));
  applyChanges(dir, stale);
  assert.ok(existsSync(join(dir, 'old.txt')), 'kept without --prune');
  // other targets' files are not stale when only heroku is built
  assert.equal(planBuild(dir, [], { targets: ['docker'] }).items, []);
  writeFileSync(join(dir, 'old.txt'), 'edited\n');
  assert.ok(planBuild(dir, files(['keep.txt', 'K\n']), { targets: ['heroku'], prune: true, owned }).blocked);
  const pruned = planBuild(dir, files(['keep.txt', 'K\n']), { targets: ['heroku'], prune: true, force: true, owned });
  applyChanges(dir, pruned);
  assert.not.ok(existsSync(join(dir, 'old.txt')));
  assert.equal(parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8')).files.map((f) => f.path), ['keep.txt']);
});

test('safeTarget: refuses absolute paths, .., backslashes and symlinks (also one pointing outside)', () => {
  const dir = tmp();
  const outside = tmp();
  for (const bad of ['/etc/passwd', '../x.py', 'a/../../x', 'a\\b', 'a\0b']) assert.throws(() => safeTarget(dir, bad), (e: Error) => e instanceof UnsafePathError, bad);
  symlinkSync(outside, join(dir, 'link'));
  assert.throws(() => safeTarget(dir, 'link/settings.py'), /symbolic link/);
  writeFileSync(join(outside, 'target.txt'), 'outside\n');
  symlinkSync(join(outside, 'target.txt'), join(dir, 'Procfile'));
  assert.throws(() => safeTarget(dir, 'Procfile'), /symbolic link/);
  assert.is(safeTarget(dir, 'ok/new.txt'), join(realFs.realpath(dir), 'ok/new.txt'));
  assert.throws(() => applyChanges(dir, { writes: [{ path: "Procfile", contents: "x\n" }] }), (e: Error) => e instanceof UnsafePathError);
  assert.is(readFileSync(join(outside, 'target.txt'), 'utf8'), 'outside\n');
});

function failingFs(op: 'writeFile' | 'rename', n: number): FsOps {
  let calls = 0;
  return {
    ...realFs,
    [op]: (a: string, b: never) => {
      if (++calls === n) throw new Error(`simulated ${op} failure #${n}`);
      return (realFs[op] as (a: string, b: unknown) => void)(a, b);
    },
  };
}

for (const op of ['writeFile', 'rename'] as const) {
  for (const n of [1, 2, 3]) {
    test(`atomic: a ${op} error on file ${n} leaves the folder exactly as before`, () => {
      const dir = tmp();
      writeFileSync(join(dir, 'existing.txt'), 'before\n');
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub/old.txt'), 'old\n');
      const before = snapshot(dir);
      const changes = {
        writes: [
          { path: 'existing.txt', contents: 'after\n' },
          { path: 'new/deep/file.txt', contents: 'new\n' },
          { path: 'sub/third.txt', contents: '3\n' },
        ],
        deletes: ['sub/old.txt'],
      };
      assert.throws(() => applyChanges(dir, changes, failingFs(op, n)), /simulated/);
      assert.equal(snapshot(dir), before);
    });
  }
}

test('atomic: a failure while removing pruned files restores everything', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  writeFileSync(join(dir, 'gone1.txt'), '1\n');
  writeFileSync(join(dir, 'gone2.txt'), '2\n');
  const before = snapshot(dir);
  assert.throws(() => applyChanges(dir, { writes: [{ path: 'a.txt', contents: 'A\n' }], deletes: ['gone1.txt', 'gone2.txt'] }, failingFs('rename', 3)), /simulated/);
  assert.equal(snapshot(dir), before);
});

// --- templates ---------------------------------------------------------------------------------------------

test('template variables come from the Handlebars AST, with list items and nested blocks', () => {
  const src = '{{header}}\n{{#each processes}}{{name}}: {{command}}{{#if ../release}}{{@index}}{{/if}}\n{{/each}}{{#with db}}{{url}}{{/with}}{{#if hasX}}x{{else}}{{other}}{{/if}}';
  assert.equal(templateVariables(src), ['db.url', 'hasX', 'header', 'other', 'processes[].command', 'processes[].name', 'release']);
});

test('every built-in template parses and the README table matches the templates', () => {
  const list = templateCatalogue();
  assert.ok(list.length === Object.keys(BUILTIN_TEMPLATES).length);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- templates:start -->\n([\s\S]*?)<!-- templates:end -->/.exec(readme);
  assert.ok(m, 'README has the templates table markers');
  const want = templatesMarkdown(list);
  if (process.env.UPDATE_README && m![1] !== want) writeFileSync(join(ROOT, 'README.md'), readme.replace(m![0], `<!-- templates:start -->\n${want}<!-- templates:end -->`));
  else assert.fixture(m![1]!, want, 'README template table is stale: run UPDATE_README=1 npm test -- workflow');
});

// --- CLI, with the registered targets --------------------------------------------------------------------

test('cli: build then --check passes; an edit makes --check fail with a diff; diff exits 0', () => {
  const dir = project();
  assert.is(runCli(['build', '--target', 'all'], { cwd: dir }).status, 0);
  const ok = runCli(['build', '--check'], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /up to date/);
  const generated = parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8')).files;
  assert.ok(generated.length > 0);
  const victim = generated[0]!.path;
  writeFileSync(join(dir, victim), readFileSync(join(dir, victim), 'utf8') + 'hand edit\n');
  const bad = runCli(['build', '--check'], { cwd: dir });
  assert.is(bad.status, 1);
  assert.match(bad.stdout, new RegExp(`--- a/${victim.replace(/[.]/g, '\\.')}\\n\\+\\+\\+ b/`));
  assert.match(bad.stdout, /^-hand edit$/m);
  assert.match(bad.stderr, /out of date/);
  assert.is(runCli(['diff'], { cwd: dir }).status, 0);
  rmSync(join(dir, victim));
  assert.is(runCli(['build', '--check'], { cwd: dir }).status, 1, 'a missing file is stale too');
});

test('cli: a hand-written Procfile survives build (exit 1, message, diff, nothing written); --force overwrites', () => {
  const dir = project();
  writeFileSync(join(dir, 'Procfile'), 'web: gunicorn handmade.wsgi\n');
  const before = snapshot(dir);
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /left alone Procfile: differs \(not generated by deployspec\)/);
  assert.match(r.stdout, /^-web: gunicorn handmade\.wsgi$/m);
  assert.match(r.stderr, /nothing written/);
  assert.equal(snapshot(dir), before, 'all-or-nothing: not even the other files were written');
  const dry = runCli(['build', '--dry-run'], { cwd: dir });
  assert.match(dry.stdout, /would leave alone Procfile/);
  assert.equal(snapshot(dir), before);
  const f = runCli(['build', '--force'], { cwd: dir });
  assert.is(f.status, 0, f.stderr);
  assert.match(f.stderr, /overwrote Procfile/);
  assert.match(readFileSync(join(dir, 'Procfile'), 'utf8'), /generated by deployspec/);
});

test('cli: failing validation writes nothing', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'deploy.yaml'), 'version: 1\nname: BAD NAME\ndjango:\n  project: mysite\n');
  const before = snapshot(dir);
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.equal(snapshot(dir), before);
});

test('cli: a ../ output path is refused with a positioned diagnostic and nothing written', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'deploy.yaml'), 'version: 1\nname: mysite\ndjango:\n  project: mysite\ntargets:\n  django:\n    path: ../x.py\n');
  const before = snapshot(dir);
  const r = runCli(['build', '--target', 'django'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /deploy\.yaml:7:11: error: targets\.django\.path "\.\.\/x\.py" is not valid/);
  assert.match(r.stderr, /hint: Write a path inside the project/);
  assert.equal(snapshot(dir), before);
  assert.not.ok(existsSync(join(dir, '..', 'x.py')));
});

test('cli: a symlinked output folder pointing outside is refused, nothing written on either side', () => {
  const dir = project();
  const outside = tmp();
  symlinkSync(outside, join(dir, 'bookshelf'));
  const before = snapshot(dir);
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /symbolic link/);
  assert.match(r.stderr, /nothing written/);
  assert.equal(snapshot(dir), before);
  assert.equal(readdirSync(outside), []);
});

test('cli: --prune removes files a target no longer produces', () => {
  const dir = project('01-minimal');
  assert.is(runCli(['build', '--target', 'all'], { cwd: dir }).status, 0);
  const files0 = parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8')).files;
  assert.ok(files0.some((f) => f.path === 'compose.yaml'));
  writeFileSync(join(dir, 'deploy.yaml'), readFileSync(join(dir, 'deploy.yaml'), 'utf8') + 'targets:\n  docker:\n    compose: false\n');
  const stale = runCli(['build'], { cwd: dir });
  assert.is(stale.status, 0);
  assert.match(stale.stderr, /stale compose\.yaml: no longer generated; run with --prune/);
  assert.ok(existsSync(join(dir, 'compose.yaml')));
  assert.is(runCli(['build', '--check'], { cwd: dir }).status, 1, 'a stale file fails --check');
  const pruned = runCli(['build', '--prune'], { cwd: dir });
  assert.is(pruned.status, 0, pruned.stderr);
  assert.match(pruned.stderr, /removed compose\.yaml/);
  assert.not.ok(existsSync(join(dir, 'compose.yaml')));
  assert.is(runCli(['build', '--check'], { cwd: dir }).status, 0);
});

test('cli: two builds are byte-identical (deterministic output and manifest)', () => {
  const a = project('06-docker-sentry');
  const b = project('06-docker-sentry');
  assert.is(runCli(['build'], { cwd: a }).status, 0);
  assert.is(runCli(['build'], { cwd: b }).status, 0);
  const sa = snapshot(a);
  assert.ok(Object.keys(sa).length > 3);
  assert.equal(snapshot(b), sa);
  assert.is(runCli(['build'], { cwd: a }).status, 0);
  assert.equal(snapshot(a), sa);
});

test('cli: template override with an unknown variable is an error naming file and variable; typo file warns', () => {
  const name = Object.keys(BUILTIN_TEMPLATES).find((n) => n.startsWith('heroku/')) ?? Object.keys(BUILTIN_TEMPLATES)[0]!;
  const dir = project();
  mkdirSync(join(dir, '.deployspec/templates', name.split('/')[0]!), { recursive: true });
  writeFileSync(join(dir, '.deployspec/templates', name), BUILTIN_TEMPLATES[name] + '{{nope_not_a_var}}\n');
  const before = snapshot(dir);
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, new RegExp(`\\.deployspec/templates/${name.replace('.', '\\.')}:\\d+:\\d+: error: template override ${name.replace('.', '\\.')} uses \\{\\{nope_not_a_var\\}\\}`));
  assert.not.match(r.stderr, /internal error|at .*\.js:\d+/);
  assert.equal(snapshot(dir), before);
  // a valid override is used
  const marker = '# custom override line';
  writeFileSync(join(dir, '.deployspec/templates', name), BUILTIN_TEMPLATES[name] + marker + '\n');
  writeFileSync(join(dir, '.deployspec/templates', name.replace(/\.hbs$/, 'x.hbs')), 'x');
  const ok = runCli(['build'], { cwd: dir });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /warning: template override .* matches no built-in template/);
  const out = parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8')).files.map((f) => readFileSync(join(dir, f.path), 'utf8'));
  assert.ok(out.some((t) => t.includes(marker)));
  const list = runCli(['templates'], { cwd: dir });
  assert.is(list.status, 0);
  assert.match(list.stdout, new RegExp(`${name.replace('.', '\\.')}  \\(overridden`));
});

test('cli: a template override symlinked from outside the project is refused', () => {
  const name = Object.keys(BUILTIN_TEMPLATES)[0]!;
  const dir = project();
  const outside = tmp();
  writeFileSync(join(outside, 'evil.hbs'), 'evil\n');
  mkdirSync(join(dir, '.deployspec/templates', name.split('/')[0]!), { recursive: true });
  symlinkSync(join(outside, 'evil.hbs'), join(dir, '.deployspec/templates', name));
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /symbolic link leading outside the project/);
  assert.ok(lstatSync(join(dir, '.deployspec/templates', name)).isSymbolicLink());
});

test('pre-commit hook definition is shipped', () => {
  const hooks = readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  assert.match(hooks, /id: deployspec-check/);
  assert.match(hooks, /entry: deployspec build --check/);
  assert.match(hooks, /language: node/);
});

test.run();
