/**
 * Documents and files derived from the sources stay in step with them: README's table of targets and the pre-commit
 * hook's file filter (from the target registry), and README's schema modeline (the URL `init` writes, which names
 * the package version). `UPDATE_README=1 npm run test:only -- derived` rewrites all three.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_URL } from '../src/init/render.js';
import { TARGETS } from '../targets/index.js';
import { ROOT } from './helpers/spec.js';

const UPDATE = !!process.env.UPDATE_README;

/** README's table of targets: name, what it writes, description. */
function targetsTable(): string {
  const rows = TARGETS.map((t) => `| \`${t.name}\` | ${t.outputs.map((o) => `\`${o}\``).join(', ')} | ${t.description} |`);
  return ['| target | writes | what it is |', '|---|---|---|', ...rows].join('\n') + '\n';
}

/** A glob of a target's outputs as a regular expression over repository paths. */
function globRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      out += '(.*/)?';
      i += 2;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return `^${out}$`;
}

/** The hook runs when the spec, deployspec's own folder or any file a target writes changes. */
function hookFilter(): string {
  const globs = [...new Set(TARGETS.flatMap((t) => t.outputs))].sort();
  return ['^deploy(spec)?\\.ya?ml$', '^\\.deployspec/', ...globs.map(globRegex)].join('|');
}

function replaceBetween(text: string, start: string, end: string, body: string): string | null {
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return null;
  return text.slice(0, i + start.length) + '\n' + body + text.slice(j);
}

test("README's table of targets is the registry", () => {
  const readme = readFileSync(ROOT + 'README.md', 'utf8');
  const want = replaceBetween(readme, '<!-- targets:start -->', '<!-- targets:end -->', targetsTable());
  assert.ok(want, 'README has the targets table markers');
  if (UPDATE) writeFileSync(ROOT + 'README.md', want!);
  else assert.fixture(readme, want!, 'README targets table is stale: run UPDATE_README=1 npm run test:only -- derived');
});

test("the pre-commit hook's file filter covers every target's outputs", () => {
  const hooks = readFileSync(ROOT + '.pre-commit-hooks.yaml', 'utf8');
  const want = hooks.replace(/^( {2}files: ).*$/m, (_, p: string) => `${p}${hookFilter()}`);
  if (UPDATE) writeFileSync(ROOT + '.pre-commit-hooks.yaml', want);
  else assert.fixture(hooks, want, '.pre-commit-hooks.yaml files filter is stale: run UPDATE_README=1 npm run test:only -- derived');
  const re = new RegExp(hookFilter());
  for (const p of ['deploy.yaml', 'Procfile', '.do/app.yaml', 'mysite/deploy_settings.py', 'backend/requirements-deploy.txt', 'Dockerfile'])
    assert.ok(re.test(p), p);
  assert.not.ok(re.test('mysite/views.py'));
});

test("README's schema modeline is the one init writes, for this version", () => {
  const readme = readFileSync(ROOT + 'README.md', 'utf8');
  const line = /^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/.*$/m;
  assert.match(readme, line, 'README shows the unpkg modeline');
  const want = readme.replace(line, `# yaml-language-server: $schema=${SCHEMA_URL}`);
  if (UPDATE) writeFileSync(ROOT + 'README.md', want);
  else assert.fixture(readme, want, 'README schema modeline is stale: run UPDATE_README=1 npm run test:only -- derived');
});

test.run();
