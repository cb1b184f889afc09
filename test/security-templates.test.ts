/**
 * Class 12 (template overrides): the override check follows `@root`, `lookup` and refuses what it cannot follow
 * (partials, inline partials, decorators, unknown helpers, computed lookups, `{{log}}`); a render failure points at
 * the override's line; nothing a template does prints; an output path never points into the override folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../src/compile.js';
import { BUILTIN_TEMPLATES } from '../src/generated/templates.js';
import { createRenderer } from '../src/render.js';
import { templateProblems, variableUses } from '../src/templates/vars.js';
import { listTargets, TARGETS } from '../targets/index.js';
import { MINIMAL, runCli } from './helpers/spec.js';

const test = suite('security: template overrides');
const PROCFILE = 'heroku/Procfile.hbs';

function project(override: string, spec = MINIMAL, name = PROCFILE): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-tpl-'));
  writeFileSync(join(dir, 'deploy.yaml'), spec);
  mkdirSync(join(dir, '.deployspec/templates', name, '..'), { recursive: true });
  writeFileSync(join(dir, '.deployspec/templates', name), override);
  return dir;
}

/** Overrides that read what the check cannot see; each must be refused at its line, and nothing written. */
const REFUSED: [string, string, number, RegExp][] = [
  ['@root to an unknown variable', 'x\n{{#each lines}}\n{{@root.secretKey}}\n{{/each}}\n', 3, /template\/unknown-variable/],
  ['@root alone', 'x\n{{@root}}\n', 2, /template\/unknown-variable/],
  ['an inline partial reading an unknown variable', '{{#*inline "p"}}{{nope}}{{/inline}}\n{{#each lines}}{{> p}}{{/each}}\n', 1, /template\/unsupported/],
  ['a partial', 'x\n{{> other}}\n', 2, /template\/unsupported/],
  ['a partial block', 'x\n\n{{#> layout}}hi{{/layout}}\n', 3, /template\/unsupported/],
  ['{{log}}', 'x\n{{log "hello from a template"}}\n', 2, /template\/unsupported/],
  ['an unknown helper', 'x\n{{#each lines}}{{shout name}}{{/each}}\n', 2, /template\/unsupported/],
  ['a literal lookup of an unknown variable', 'x\n{{lookup this "secretKey"}}\n', 2, /template\/unknown-variable/],
  ['a computed lookup', 'x\n{{#each lines}}{{lookup ../this name}}{{/each}}\n', 2, /template\/unsupported/],
  ['a subexpression helper', 'x\n{{#if (eq 1 1)}}y{{/if}}\n', 2, /template\/unsupported/],
  ['@_parent reaching the root past the check', 'x\n{{#each lines}}{{@_parent.root.lines.length}}{{/each}}\n', 2, /template\/unsupported/],
  ['@partial-block', 'x\n\n{{@partial-block}}\n', 3, /template\/unsupported/],
  ['lookup on a data variable', 'x\n{{#each lines}}{{lookup @key "length"}}{{/each}}\n', 2, /template\/unsupported/],
  ['lookup on a string literal', 'x\n{{lookup "abc" "length"}}\n', 2, /template\/unsupported/],
  ['each over a subexpression', 'x\n{{#each (lookup this "lines")}}{{lines}}{{/each}}\n', 2, /template\/unsupported/],
  ['with on a literal', 'x\n{{#with "abc"}}{{length}}{{/with}}\n', 2, /template\/unsupported/],
  ['name=value arguments to a variable', 'x\n{{lines x=1}}\n', 2, /template\/unsupported/],
  ["a path below each's index parameter", 'x\n{{#each lines as |l i|}}{{i.length}}{{/each}}\n', 2, /template\/unknown-variable/],
];

for (const [what, override, line, code] of REFUSED) {
  test(`an override with ${what}: an error at its line in the override, nothing written, nothing printed from the template`, () => {
    const dir = project(override);
    const r = runCli(['build', '--target', 'heroku'], { cwd: dir });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`\\.deployspec/templates/heroku/Procfile\\.hbs:${line}:\\d+: error: .*\\[${code.source.replace(/\\\//g, '/')}\\]`), r.stderr);
    assert.not.match(r.stderr + r.stdout, /hello from a template/);
    assert.equal(readdirSync(dir).sort(), ['.deployspec', 'deploy.yaml']);
  });
}

test("each's second block parameter is the index, not a variable of the view", () => {
  const dir = project('{{#each lines as |line i|}}\n{{line.name}}: {{line.command}} # {{i}}{{#if @first}} first{{/if}}\n{{/each}}\n');
  const r = runCli(['build', '--target', 'heroku'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'Procfile'), 'utf8'), /^web: gunicorn mysite\.wsgi:application # 0 first$/m);
});

test('an override the check accepts still builds: @root and literal lookups of known variables', () => {
  const dir = project('{{#each lines}}\n{{name}}: {{command}}{{#if @root.lines}}{{/if}}\n{{/each}}\n');
  const r = runCli(['build', '--target', 'heroku'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'Procfile')));
});

test('variableUses and templateProblems: @root paths are checked, every built-in template is clean', () => {
  assert.equal(variableUses('{{#each lines}}{{@root.lines}}{{@root.name}}{{/each}}').map((u) => u.name), ['lines', 'lines', 'name']);
  for (const [name, source] of Object.entries(BUILTIN_TEMPLATES)) assert.equal(templateProblems(source), [], name);
});

test('a render failure in an override is reported at the override file and line, not deploy.yaml:1:1', () => {
  for (const [override, line] of [
    ['# header\n\n{{#each lines}}\n{{nope}}\n{{/each}}\n', 4],
    ['{{#each lines}}{{name}}{{/each}}\n{{missing.value}}\n', 2],
  ] as const) {
    const templates = { ...BUILTIN_TEMPLATES, [PROCFILE]: override };
    const heroku = listTargets().filter((t) => t.name === 'heroku');
    const r = compile('app/deploy.yaml', MINIMAL, { targets: heroku, registry: TARGETS, templates, compileTemplate: (s, o) => Handlebars.compile(s, o) });
    const d = r.diagnostics.find((x) => x.code === 'heroku/template');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.is(d!.file, 'app/.deployspec/templates/heroku/Procfile.hbs');
    assert.is(d!.line, line);
    assert.ok(d!.col >= 1);
    assert.not.match(d!.message, /\[object Object\]/);
    assert.is(r.files.length, 0);
  }
});

test('{{log}} in a template renders nothing and prints nothing', () => {
  const calls: unknown[] = [];
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const write = process.stderr.write;
  for (const k of Object.keys(saved) as (keyof typeof saved)[]) console[k] = (...a: unknown[]) => calls.push(a);
  process.stderr.write = ((chunk: unknown) => calls.push(chunk) > 0) as unknown as typeof process.stderr.write;
  try {
    const render = createRenderer({ 'x/t.hbs': 'a{{log "LOGGED" level="error"}}b{{#each xs}}{{log this}}{{/each}}' }, (s, o) => Handlebars.compile(s, o));
    assert.is(render('x/t.hbs', { xs: [1, 2] }), 'ab');
  } finally {
    Object.assign(console, saved);
    process.stderr.write = write;
  }
  assert.equal(calls, []);
});

test('an output path into the override folder (or anywhere in .deployspec/) is refused at the path option', () => {
  for (const [target, path] of [
    ['digitalocean', '.deployspec/templates/digitalocean'],
    ['django', '.deployspec/templates/django'],
    ['render', '.deployspec/templates'],
    ['kubernetes', '.deployspec/templates/x'],
    ['django', '.Deployspec/Templates/django'],
  ] as const) {
    const spec = MINIMAL + `targets:\n  ${target}:\n    path: ${path}\n`;
    const dir = project('{{#each lines}}\n{{name}}: {{command}}\n{{/each}}\n', spec);
    const r = runCli(['build', '--target', target], { cwd: dir });
    assert.is(r.status, 1, `${target} ${path}: ${r.stderr}`);
    assert.match(r.stderr, /deploy\.yaml:\d+:\d+: error: /);
    assert.equal(readdirSync(join(dir, '.deployspec/templates')).sort(), ['heroku'], `${target} ${path} wrote into the override folder`);
  }
});

test.run();
