/**
 * The release procedure, `npm run release -- <version>` (scripts/release.mjs), run in a throwaway
 * `git clone --local` of this repository's last commit, with node_modules symlinked from here so nothing installs;
 * the script run is this working tree's. The refusals come first: each takes well under a second and must leave
 * the clone exactly as it was (files, HEAD, tags). Then one real release, which regenerates everything that embeds
 * the version (gen, build, golden:update, example 07, README): 30 to 45 s on two busy cores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/spec.js';

const current = (JSON.parse(readFileSync(ROOT + 'package.json', 'utf8')) as { version: string }).version;
const [major, minor] = current.split('.').map(Number);
const next = `${major}.${minor! + 1}.0`;

// git run by the tests and the script must see the clone only, whatever the environment says.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
env.NO_COLOR = '1';

let dir = '';
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const release = (...args: string[]) =>
  spawnSync(process.execPath, [ROOT + 'scripts/release.mjs', ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** Everything a release could change: HEAD, the tags, the tree's status and the files it edits. */
function snapshot(): string {
  const files = ['package.json', 'package-lock.json', 'CHANGELOG.md', 'README.md'].map((f) => readFileSync(join(dir, f), 'utf8'));
  return JSON.stringify([git('rev-parse', 'HEAD'), git('tag', '-l'), git('status', '--porcelain', '--untracked-files=all'), files]);
}

function refuses(args: string[], code: number, why: RegExp): void {
  const before = snapshot();
  const r = release(...args);
  assert.is(r.status, code, r.stderr);
  assert.match(r.stderr, why);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.is(snapshot(), before, 'a refused release changes nothing');
}

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'deployspec-release-'));
  execFileSync('git', ['clone', '--quiet', '--local', ROOT, dir], { env, stdio: 'ignore' });
  symlinkSync(ROOT + 'node_modules', join(dir, 'node_modules'));
  appendFileSync(join(dir, '.git/info/exclude'), 'node_modules\n');
  const config: [string, string][] = [
    ['user.name', 'Release Test'],
    ['user.email', 'release@example.invalid'],
    ['commit.gpgSign', 'false'],
    ['tag.gpgSign', 'false'],
  ];
  for (const [k, v] of config) git('config', k, v);
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('usage: one argument, a semantic version without the v (exit 2)', () => {
  refuses([], 2, /^usage: npm run release -- <version>/);
  refuses([next, next], 2, /^usage/);
  refuses([`v${next}`], 2, new RegExp(`"v${next}" is not a semantic version; write ${next}`));
  refuses(['1.2'], 2, /"1\.2" is not a semantic version/);
});

test('refuses a version that is not greater than the current one', () => {
  refuses([current], 1, new RegExp(`${current} is not greater than the current version ${current}`));
  refuses([`${current}-rc.1`], 1, /is not greater than the current version/);
});

test('refuses a tag that exists', () => {
  git('tag', `v${next}`);
  refuses([next], 1, new RegExp(`tag v${next} already exists`));
  git('tag', '-d', `v${next}`);
});

test('refuses a working tree with changes, tracked or untracked', () => {
  const license = readFileSync(join(dir, 'LICENSE'), 'utf8');
  appendFileSync(join(dir, 'LICENSE'), '\n');
  refuses([next], 1, /the working tree has 1 uncommitted change \(LICENSE\); commit or stash first/);
  writeFileSync(join(dir, 'LICENSE'), license);
  writeFileSync(join(dir, 'notes.txt'), 'draft\n');
  refuses([next], 1, /uncommitted change \(notes\.txt\)/);
  rmSync(join(dir, 'notes.txt'));
  assert.is(git('status', '--porcelain'), '');
});

test('refuses an empty Unreleased section', () => {
  const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
  const start = changelog.indexOf('## [Unreleased]\n');
  const end = changelog.indexOf('\n## [', start + 1);
  assert.ok(start >= 0 && end > start, 'CHANGELOG.md has an Unreleased section followed by a release');
  writeFileSync(join(dir, 'CHANGELOG.md'), changelog.slice(0, start) + '## [Unreleased]\n\n' + changelog.slice(end + 1));
  git('commit', '--quiet', '-am', 'Empty Unreleased');
  refuses([next], 1, /`## \[Unreleased\]` section is empty/);
  git('reset', '--quiet', '--hard', 'HEAD~1');
});

test('a step that fails after the bump puts the tree back', () => {
  writeFileSync(join(dir, 'targets/heroku/options.schema.json'), '{ not json\n');
  git('commit', '--quiet', '-am', 'Broken schema fragment');
  const before = snapshot();
  const r = release(next);
  assert.is(r.status, 1);
  assert.match(r.stderr, /`npm run --silent gen` failed .*nothing changed: the tree is back at the last commit/);
  assert.is(snapshot(), before);
  git('reset', '--quiet', '--hard', 'HEAD~1');
});

test('a release commits the bump and everything regenerated, and tags it with its CHANGELOG section', () => {
  const base = git('rev-parse', 'HEAD');
  const unreleased = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
  const r = release(next);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^released ${next}: commit [0-9a-f]+ \\(\\d+ files\\), tag v${next}\n`));

  assert.is(git('status', '--porcelain', '--untracked-files=all'), '', 'the release leaves nothing uncommitted');
  assert.is(git('log', '-1', '--format=%s'), `Release ${next}`);
  assert.is(git('rev-parse', 'HEAD~1'), base);
  assert.is(git('cat-file', '-t', `v${next}`), 'tag', 'an annotated tag');
  assert.is(git('rev-parse', `v${next}^{commit}`), git('rev-parse', 'HEAD'));

  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  assert.is(pkg.version, next);
  assert.is(lock.version, next);
  assert.is(lock.packages[''].version, next);

  const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
  const heading = new RegExp(`^## \\[Unreleased\\]\\n\\n## \\[${next.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}\\n`, 'm');
  assert.match(changelog, heading, 'a fresh Unreleased heading above the dated release');
  assert.is(changelog.replace(heading, '## [Unreleased]\n'), unreleased, 'the rest of CHANGELOG.md is unchanged');
  const start = changelog.indexOf(`## [${next}]`);
  const section = changelog.slice(start, changelog.indexOf('\n## [', start) + 1).trim() + '\n';
  assert.is(git('for-each-ref', `refs/tags/v${next}`, '--format=%(contents)') + '\n', section, "the tag's message is the version's section");

  const changed = git('diff', '--name-only', base, 'HEAD').split('\n');
  for (const f of ['package.json', 'package-lock.json', 'CHANGELOG.md', 'README.md', 'examples/07-django-project/.github/workflows/deploy.yml'])
    assert.ok(changed.includes(f), f);
  assert.ok(changed.some((f) => f.startsWith('test/golden/')));
  for (const f of changed) assert.match(f, /^(package(-lock)?\.json|CHANGELOG\.md|README\.md|test\/golden\/|examples\/07-django-project\/)/, f);
  const stale = spawnSync('git', ['grep', '-l', '-e', `deployspec@${current}`, '-e', `deployspec-${current}`], { cwd: dir, env, encoding: 'utf8' });
  assert.is(stale.stdout, '', 'no file names the previous version');
  assert.ok(readFileSync(join(dir, 'examples/07-django-project/.github/workflows/deploy.yml'), 'utf8').includes(`npx --yes deployspec@${next} build --check`));
  assert.ok(readFileSync(join(dir, 'README.md'), 'utf8').includes(`unpkg.com/deployspec@${next}/schema/deploy.schema.json`));

  const check = spawnSync(process.execPath, ['bin/deployspec.js', 'build', 'examples/07-django-project', '--check'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(check.status, 0, check.stdout + check.stderr);
  const version = spawnSync(process.execPath, ['bin/deployspec.js', '--version'], { cwd: dir, env, encoding: 'utf8' });
  assert.is(version.stdout, `${next}\n`);
});

test.run();
