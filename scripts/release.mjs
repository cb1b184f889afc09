// Release: `npm run release -- <version>` bumps the version, regenerates every file that embeds it, commits
// "Release <version>" and tags it `v<version>` (annotated, with the version's CHANGELOG section as its message).
//
// It refuses, changing nothing, unless the working tree is clean, <version> is semver and greater than
// package.json's, CHANGELOG.md's `## [Unreleased]` section has content and the tag does not exist yet.
// Exit codes: 0 released, 1 refused or failed, 2 usage error.
//
// The version reaches generated files through package.json (`pkg.version`, `DEPLOYSPEC_VERSION`): the CI targets'
// `npx deployspec@<version> build --check` step and cache key, and init's schema modeline. So after the bump it
// runs the project's own commands: `npm run gen` and `npm run build` (dist/ embeds package.json), `npm run
// golden:update` (test/golden), the example 07 build (its checked-in files), and `UPDATE_README=1 … derived`
// (README's modeline). Any tracked file still naming the old version (`deployspec@<old>`, `deployspec-<old>`)
// stops the release. A failure after the first write puts the tree back as it was (it was clean).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

class Refusal extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

// Semantic Versioning 2.0.0 (semver.org), without a leading "v".
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Semver precedence: negative, zero or positive as a is lower than, equal to or higher than b. */
function compareVersions(a, b) {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  for (let i = 1; i <= 3; i++) {
    const d = BigInt(pa[i]) - BigInt(pb[i]);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  if (!pa[4] || !pb[4]) return pa[4] ? -1 : pb[4] ? 1 : 0;
  const xa = pa[4].split('.');
  const xb = pb[4].split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    if (xa[i] === undefined) return -1;
    if (xb[i] === undefined) return 1;
    const na = /^\d+$/.test(xa[i]);
    const nb = /^\d+$/.test(xb[i]);
    if (na && nb && xa[i] !== xb[i]) return BigInt(xa[i]) < BigInt(xb[i]) ? -1 : 1;
    if (na !== nb) return na ? -1 : 1;
    if (xa[i] !== xb[i]) return xa[i] < xb[i] ? -1 : 1;
  }
  return 0;
}

const UNRELEASED = /^## \[Unreleased\][ \t]*\r?\n/m;

/** The `## [Unreleased]` section's body (up to the next `## ` heading), or null when the heading is missing. */
function unreleasedBody(changelog) {
  const m = UNRELEASED.exec(changelog);
  if (!m) return null;
  const rest = changelog.slice(m.index + m[0].length);
  const next = /^## /m.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

function git(args, opts = {}) {
  return execFileSync('git', args, { encoding: 'utf8', stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...opts }).trimEnd();
}

/** Runs a step quietly; its output is shown only when it fails. */
function step(title, cmd, args, env = {}) {
  process.stderr.write(`release: ${title}\n`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stderr.write((r.stdout ?? '') + (r.stderr ?? ''));
    throw new Refusal(`\`${[cmd, ...args].join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
}

function checks(argv) {
  if (argv.length !== 1 || argv[0].startsWith('-')) throw new Refusal('usage: npm run release -- <version>   (e.g. 0.2.0)', 2);
  const version = argv[0];
  if (!SEMVER.test(version)) {
    const hint = /^v\d/.test(version) ? `; write ${version.slice(1)}, the tag gets the v` : '; e.g. 0.2.0 or 1.0.0-rc.1';
    throw new Refusal(`release: "${version}" is not a semantic version${hint}`, 2);
  }
  let top;
  try {
    top = git(['rev-parse', '--show-toplevel']);
  } catch {
    throw new Refusal('release: not inside a git repository');
  }
  process.chdir(top);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  if (pkg.name !== 'deployspec') throw new Refusal(`release: ${top} is not the deployspec repository`);
  const dirty = git(['status', '--porcelain', '--untracked-files=all']).split('\n').filter(Boolean);
  if (dirty.length) {
    const n = dirty.length;
    throw new Refusal(
      `release: the working tree has ${n} uncommitted change${n > 1 ? 's' : ''} (${dirty[0].slice(3)}${n > 1 ? ', …' : ''}); commit or stash first`,
    );
  }
  if (!SEMVER.test(pkg.version)) throw new Refusal(`release: package.json's version "${pkg.version}" is not a semantic version`);
  if (compareVersions(version, pkg.version) <= 0) throw new Refusal(`release: ${version} is not greater than the current version ${pkg.version}`);
  const tag = `v${version}`;
  if (spawnSync('git', ['rev-parse', '-q', '--verify', `refs/tags/${tag}`], { stdio: 'ignore' }).status === 0) {
    throw new Refusal(`release: tag ${tag} already exists`);
  }
  const body = unreleasedBody(readFileSync('CHANGELOG.md', 'utf8'));
  if (body === null) throw new Refusal('release: CHANGELOG.md has no `## [Unreleased]` heading');
  if (!body.trim()) throw new Refusal("release: CHANGELOG.md's `## [Unreleased]` section is empty; list the changes first");
  return { version, previous: pkg.version, tag, head: git(['rev-parse', 'HEAD']) };
}

function setJsonVersion(file, version, lock) {
  const text = readFileSync(file, 'utf8');
  const data = JSON.parse(text);
  data.version = version;
  if (lock) {
    if (!data.packages?.['']) throw new Refusal(`release: ${file} has no packages[""] entry`);
    data.packages[''].version = version;
  }
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

function release({ version, previous, tag }) {
  setJsonVersion('package.json', version, false);
  setJsonVersion('package-lock.json', version, true);

  const changelog = readFileSync('CHANGELOG.md', 'utf8');
  const date = new Date().toISOString().slice(0, 10);
  const heading = `## [${version}] - ${date}`;
  writeFileSync('CHANGELOG.md', changelog.replace(UNRELEASED, `## [Unreleased]\n\n${heading}\n`));
  const released = readFileSync('CHANGELOG.md', 'utf8');
  const start = released.indexOf(heading);
  const next = /^## /m.exec(released.slice(start + heading.length));
  const section = released.slice(start, next ? start + heading.length + next.index : undefined).trim() + '\n';

  step('npm run gen', npm, ['run', '--silent', 'gen']);
  step('npm run build', npm, ['run', '--silent', 'build']);
  step('npm run golden:update', npm, ['run', '--silent', 'golden:update']);
  step('build examples/07-django-project', process.execPath, ['bin/deployspec.js', 'build', 'examples/07-django-project', '--target', 'all'], {
    NO_COLOR: '1',
  });
  step('UPDATE_README=1 derived', npx, ['--no-install', 'tsx', 'test/run.ts', 'derived'], { UPDATE_README: '1' });

  const stale = spawnSync('git', ['grep', '-l', '-F', '-e', `deployspec@${previous}`, '-e', `deployspec-${previous}`], { encoding: 'utf8' }).stdout.trim();
  if (stale) {
    const list = stale.split('\n');
    throw new Refusal(`release: ${list.length} files still name ${previous} after regenerating (${list.slice(0, 2).join(', ')}${list.length > 2 ? ', …' : ''})`);
  }

  git(['add', '--all']);
  git(['commit', '--quiet', '-m', `Release ${version}`]);
  git(['tag', '--annotate', '--cleanup=verbatim', '--file', '-', tag], { input: section });
  return { section };
}

let state = null;
try {
  state = checks(process.argv.slice(2));
  release(state);
  const files = git(['diff', '--name-only', state.head, 'HEAD']).split('\n').length;
  process.stdout.write(`released ${state.version}: commit ${git(['rev-parse', '--short', 'HEAD'])} (${files} files), tag ${state.tag}\n`);
  process.stdout.write(`next: git push --atomic origin HEAD ${state.tag}, then npm publish\n`);
} catch (e) {
  if (state) {
    // The tree was clean: put back the tracked files and remove the untracked ones this run made (ignored files,
    // such as dist/, stay rebuilt), and drop the commit and tag if they were made.
    spawnSync('git', ['tag', '-d', state.tag], { stdio: 'ignore' });
    spawnSync('git', ['reset', '--quiet', '--hard', state.head], { stdio: 'ignore' });
    spawnSync('git', ['clean', '--quiet', '-fd'], { stdio: 'ignore' });
  }
  const message = e instanceof Refusal ? e.message : `release: ${e.message.split('\n')[0]}`;
  process.stderr.write(message + (state ? ' (nothing changed: the tree is back at the last commit)' : '') + '\n');
  process.exitCode = e instanceof Refusal ? e.code : 1;
}
