/**
 * Class 3 (output paths reach sensitive files) and class 4 (the manifest is trusted): the one output-path policy,
 * and a manifest read as untrusted input. Real files, the built CLI.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseManifest } from '../src/io/manifest.js';
import { checkOutputPaths, normalizeOutputPath, refuseOutputPath } from '../src/io/output-policy.js';
import { planBuild } from '../src/io/plan.js';
import { MINIMAL, runCli } from './helpers/spec.js';

const test = suite('security: output paths and manifest');
const SENTINEL = 'SENTINEL_d41d8cd98f00b204';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-sec-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out[p] = readFileSync(join(dir, p), 'latin1');
    }
  };
  walk('');
  return out;
}

const OWNED = { heroku: ['Procfile', 'app.json', '.python-version', 'runtime.txt'], digitalocean: ['.do/*.yaml', '.do/*.yml'], docker: ['Dockerfile', '.dockerignore', 'compose.yaml'], django: ['**/deploy_settings.py', '**/requirements-deploy.txt'] };

test('policy: sensitive, reserved and undeclared dot paths are refused; declared ones pass; paths are normalized', () => {
  const refused = [
    '.env', './.env', '.ENV', '.env.', '.env.production', 'config/.env.local', 'prod.env', '.git/config', '.git/hooks/pre-commit.yaml', 'a/.ssh/authorized_keys',
    '.npmrc', '.netrc', '.pypirc', 'keys/server.pem', 'deploy/id_rsa', 'tls.key', '.deployspec/manifest.json', '.deployspec//manifest.json', '.deployspec/templates/heroku/Procfile.hbs',
    'deploy.yaml', 'DEPLOY.YML', '.github/workflows/ci.yaml', '../x.yaml', '/etc/passwd', 'a\\b.yaml', 'a\nb.yaml', '', '.', 'node_modules/x.yaml', '.hidden.yaml', '.do/../.env',
  ];
  for (const p of refused) assert.ok(refuseOutputPath(p, 'digitalocean', OWNED), `should refuse ${JSON.stringify(p)}`);
  for (const [p, t] of [['.do/app.yaml', 'digitalocean'], ['.do/staging.yaml', 'digitalocean'], ['deploy/do.yaml', 'digitalocean'], ['.dockerignore', 'docker'], ['.python-version', 'heroku'], ['backend/mysite/deploy_settings.py', 'django']]) {
    assert.is(refuseOutputPath(p!, t!, OWNED), null, `${p} for ${t}`);
  }
  assert.ok(refuseOutputPath('.dockerignore', 'heroku', OWNED), 'a dot path belongs only to the target that declares it');
  assert.ok(refuseOutputPath('.env', 'docker', { docker: ['.env', '**'] }), 'sensitive even when declared');
  assert.is(normalizeOutputPath('./a//b/'), 'a/b');
  assert.equal(checkOutputPaths([{ path: 'Procfile', target: 'heroku' }, { path: '.env', target: 'heroku' }], OWNED).map((r) => r.code), ['output/sensitive']);
});

for (const [path, existing] of <[string, string][]>[
  ['.env', '.env'],
  ['.git/config', '.git/config'],
  ['.ENV', '.ENV'],
  ['.deployspec/manifest.json', '.deployspec/manifest.json'],
  ['config/.npmrc', 'config/.npmrc'],
]) {
  test(`cli: targets.digitalocean.path ${path} is refused; the file is never printed or touched (build, --check, diff, --force)`, () => {
    const secret = `API_TOKEN=${SENTINEL}\n`;
    const dir = project({ 'deploy.yaml': `${MINIMAL}targets:\n  digitalocean:\n    path: "${path}"\n`, [existing]: secret });
    const before = snapshot(dir);
    for (const args of [['build'], ['build', '--check'], ['diff'], ['build', '--force'], ['build', '--dry-run'], ['build', '--force', '--target', 'digitalocean']]) {
      const r = runCli(args, { cwd: dir });
      assert.ok(r.status === 1, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.not.ok((r.stdout + r.stderr).includes(SENTINEL), `${args.join(' ')} printed the file:\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /output\/(sensitive|reserved|dot-path)/);
      assert.not.match(r.stderr, /internal error|\n\s+at /);
    }
    assert.equal(snapshot(dir), before);
  });
}

test('cli: the default dot outputs (.dockerignore, .python-version, .do/app.yaml) still build', () => {
  const dir = project({ 'deploy.yaml': MINIMAL });
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  for (const f of ['.dockerignore', '.python-version', '.do/app.yaml']) assert.ok(existsSync(join(dir, f)), f);
  assert.is(runCli(['build', '--check'], { cwd: dir }).status, 0);
});

// --- class 4: the manifest is untrusted ------------------------------------------------------------------------

function built(): string {
  const dir = project({ 'deploy.yaml': MINIMAL, 'manage.py': '#!/usr/bin/env python\nimport os\n', 'mysite/settings.py': 'SECRET = 1\n' });
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  return dir;
}
function forge(dir: string, extra: { path: string; sha256: string; target: string }[]): void {
  const m = JSON.parse(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'));
  m.files.push(...extra);
  writeFileSync(join(dir, '.deployspec/manifest.json'), JSON.stringify(m, null, 2) + '\n');
}

test('manifest: forged entries whose hashes match manage.py, settings.py and deploy.yaml never make --prune delete them', () => {
  const dir = built();
  const files = ['manage.py', 'mysite/settings.py', 'deploy.yaml'];
  const entries = files.flatMap((p) => ['django', 'heroku', 'docker', 'digitalocean'].map((target) => ({ path: p, sha256: sha(readFileSync(join(dir, p), 'utf8')), target })));
  entries.push({ path: './manage.py', sha256: sha(readFileSync(join(dir, 'manage.py'), 'utf8')), target: 'django' });
  forge(dir, entries);
  const before = Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  for (const args of [['build', '--prune'], ['build', '--prune', '--force']]) {
    runCli(args, { cwd: dir });
    for (const f of files) assert.is(existsSync(join(dir, f)) && readFileSync(join(dir, f), 'utf8'), before[f], `${args.join(' ')} removed or changed ${f}`);
  }
  const kept = parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'), OWNED).files.map((f) => f.path);
  for (const f of files) assert.not.ok(kept.includes(f), `${f} dropped from the manifest`);
});

test('manifest: a forged entry for a hand-written Procfile does not let build overwrite it', () => {
  const dir = project({ 'deploy.yaml': MINIMAL, Procfile: 'web: gunicorn handmade.wsgi\n' });
  mkdirSync(join(dir, '.deployspec'));
  writeFileSync(join(dir, '.deployspec/manifest.json'), JSON.stringify({ version: 1, files: [{ path: 'Procfile', sha256: sha('web: gunicorn handmade.wsgi\n'), target: 'heroku' }] }));
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.is(readFileSync(join(dir, 'Procfile'), 'utf8'), 'web: gunicorn handmade.wsgi\n');
});

test('manifest: unnormalized, reserved and duplicate entries are normalized or dropped; a build never writes then deletes', () => {
  const dir = built();
  const procfile = readFileSync(join(dir, 'Procfile'), 'utf8');
  const manifest = readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8');
  forge(dir, [
    { path: './Procfile', sha256: sha(procfile), target: 'heroku' },
    { path: 'Procfile/', sha256: sha(procfile), target: 'heroku' },
    { path: '.deployspec//manifest.json', sha256: sha(manifest), target: 'heroku' },
    { path: '.deployspec/manifest.json', sha256: sha(manifest), target: 'heroku' },
    { path: '../outside.txt', sha256: sha('x'), target: 'heroku' },
    { path: '/etc/passwd', sha256: sha('x'), target: 'heroku' },
    { path: '.env', sha256: sha('x'), target: 'docker' },
  ]);
  for (const args of [['build', '--prune'], ['build', '--prune'], ['build', '--check']]) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(existsSync(join(dir, 'Procfile')), 'Procfile survives');
    assert.ok(existsSync(join(dir, '.deployspec/manifest.json')), 'manifest survives');
  }
  const m = parseManifest(readFileSync(join(dir, '.deployspec/manifest.json'), 'utf8'), OWNED);
  assert.equal(m.files.filter((f) => f.path === 'Procfile').length, 1);
});

test('manifest: parse drops malformed entries and cancels conflicting claims', () => {
  const text = JSON.stringify({
    version: 1,
    files: [
      { path: 'a.txt', sha256: 'a'.repeat(64), target: 'heroku' },
      { path: './a.txt', sha256: 'b'.repeat(64), target: 'heroku' },
      { path: 'b.txt', sha256: 'c'.repeat(64), target: 'heroku' },
      { path: 'b.txt', sha256: 'c'.repeat(64), target: 'heroku' },
      { path: 'c.txt', sha256: 'nothex', target: 'heroku' },
      { path: 'd.txt', sha256: 'd'.repeat(64), target: '__proto__' },
      { path: 42, sha256: 'd'.repeat(64), target: 'heroku' },
      null,
    ],
  });
  assert.equal(parseManifest(text).files, [{ path: 'b.txt', sha256: 'c'.repeat(64), target: 'heroku' }]);
});

test('manifest: a stale entry of a selected target is pruned only when declared or carrying the header', () => {
  const dir = project({ 'notes.py': 'print(1)\n', 'old.yaml': '# generated by deployspec from deploy.yaml\nx: 1\n' });
  mkdirSync(join(dir, '.deployspec'));
  writeFileSync(join(dir, '.deployspec/manifest.json'), JSON.stringify({ version: 1, files: [{ path: 'notes.py', sha256: sha('print(1)\n'), target: 'django' }, { path: 'old.yaml', sha256: sha('# generated by deployspec from deploy.yaml\nx: 1\n'), target: 'digitalocean' }] }));
  const plan = planBuild(dir, [], { targets: ['django', 'digitalocean'], prune: true, owned: OWNED });
  assert.equal(plan.items.map((i) => `${i.action} ${i.path}`), ['forget notes.py', 'prune old.yaml']);
  assert.is(plan.items[0]!.before, null, 'an unverified file is never shown');
  assert.equal(plan.deletes, ['old.yaml']);
});

test('manifest: a huge manifest is one clear error, exit 1', () => {
  const dir = project({ 'deploy.yaml': MINIMAL });
  mkdirSync(join(dir, '.deployspec'));
  writeFileSync(join(dir, '.deployspec/manifest.json'), '{"version":1,"files":[' + '{"path":"a","sha256":"x","target":"y"},'.repeat(150_000) + '{}]}');
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /manifest\.json: it is larger than any manifest/);
  assert.not.match(r.stderr, /internal error|\n\s+at /);
});

test.run();
