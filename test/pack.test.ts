import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMAL, ROOT } from './helpers/spec.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('the packed tarball holds the CLI, the schema and the templates, and installs with no dependencies', () => {
  const out = mkdtempSync(join(tmpdir(), 'deployspec-pack-'));
  const json = execFileSync(npm, ['pack', '--json', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [info] = JSON.parse(json) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((f) => f.path);
  for (const must of ['bin/deployspec.js', 'dist/cli.cjs', 'dist/index.js', 'schema/deploy.schema.json', 'README.md', 'package.json']) assert.ok(files.includes(must), must);
  assert.ok(files.some((f) => /^targets\/[a-z]+\/.+\.hbs$/.test(f)) || !files.some((f) => f.startsWith('targets/')), 'templates ship when targets have them');
  assert.not.ok(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/.cache')), 'no sources, tests or local caches in the package');

  const app = mkdtempSync(join(tmpdir(), 'deployspec-app-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  writeFileSync(join(app, 'deploy.yaml'), '# yaml-language-server: $schema=./node_modules/deployspec/schema/deploy.schema.json\n' + MINIMAL);
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(out, info.filename)], { cwd: app, stdio: 'ignore' });
  assert.equal(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.')), ['deployspec']);
  const r = spawnSync(npm, ['exec', '--offline', '--', 'deployspec', 'validate'], { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /deploy\.yaml: valid/);
  writeFileSync(join(app, 'deploy.yaml'), MINIMAL + 'oops: 1\n');
  const r2 = spawnSync(npm, ['exec', '--offline', '--', 'deployspec', 'validate'], { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(r2.status, 1);
  assert.match(r2.stderr, /deploy\.yaml:5:1: error: unknown key "oops"/);
  const schema = spawnSync(process.execPath, ['-e', "console.log(require.resolve('deployspec/schema.json'))"], { cwd: app, encoding: 'utf8' });
  assert.match(schema.stdout, /node_modules\/deployspec\/schema\/deploy\.schema\.json/);
});

test.run();
