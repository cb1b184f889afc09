/**
 * The architecture, enforced: the target registry matches the folders, a target unknown to the core works end to end,
 * the core names no platform, and the layer rules of ARCHITECTURE.md hold for every import.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanProject } from '../src/init/scan.js';
import { TARGETS } from '../targets/index.js';
import { echo } from './fixtures/echo-target/echo.js';
import { brief, compileText, MINIMAL, ROOT } from './helpers/spec.js';

test('every folder under targets/ is registered, under its own name, and every target lists its outputs', () => {
  const folders = readdirSync(ROOT + 'targets', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.equal(TARGETS.map((t) => t.name).sort(), folders);
  for (const t of TARGETS) {
    assert.ok(existsSync(`${ROOT}targets/${t.name}/options.schema.json`), `${t.name} has an options fragment`);
    assert.ok(t.outputs.length > 0, `${t.name} lists its outputs`);
  }
});

test('a target the core has never heard of builds, offers, reports and imports through the registry alone', () => {
  const registry = [...TARGETS, echo];
  const r = compileText(MINIMAL + 'jobs:\n  nightly:\n    schedule: "0 3 * * *"\n    command: python manage.py clearsessions\n', { targets: [echo, TARGETS.find((t) => t.name === 'django')!], registry });
  assert.equal(r.files.find((f) => f.path === 'echo.txt')?.contents, 'web: gunicorn mysite.wsgi:application\nsettings: mysite/deploy_settings.py\n');
  assert.ok(brief(r).some((l) => l.includes('info echo/unsupported echo cannot schedule job "nightly"')), brief(r).join('\n'));
  // Its runtime facts reach the generated settings module.
  assert.match(r.files.find((f) => f.path.endsWith('deploy_settings.py'))!.contents, /"name": "echo", "detect": "ECHO_PLATFORM", "hosts": \[".echo.example"\]/);
  // Its own rule runs on the spec.
  const bad = compileText(MINIMAL.replace('name: mysite', 'name: forbidden'), { targets: [echo], registry });
  assert.ok(brief(bad).some((l) => l.includes('error echo/name')), brief(bad).join('\n'));
  // Its importer runs in init.
  const d = scanProject({ list: ['manage.py', 'echo.txt'], read: (p) => (p === 'manage.py' ? 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")' : 'x') }, { folderName: 'x', importers: registry.flatMap((t) => t.importers ?? []) });
  assert.ok(d.found.includes('echo.txt'));
});

const PLATFORM = /heroku|digitalocean|app platform|kubernetes|render\.yaml|fly\.toml/i;

test('the core names no platform (src/, generated files aside)', async () => {
  const files = (await fg('src/**/*', { cwd: ROOT, onlyFiles: true })).filter((f) => !f.includes('/generated/') && !/\.gen\.ts$/.test(f));
  const hits = files.filter((f) => PLATFORM.test(readFileSync(ROOT + f, 'utf8')));
  assert.equal(hits, []);
});

/** Relative imports of a module, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(ROOT + file, 'utf8');
  const dir = file.slice(0, file.lastIndexOf('/'));
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = (m[1] ?? m[2])!;
    const parts = [...dir.split('/'), ...spec.split('/')];
    const stack: string[] = [];
    for (const p of parts) {
      if (p === '.' || p === '') continue;
      if (p === '..') stack.pop();
      else stack.push(p);
    }
    out.push(stack.join('/').replace(/\.js$/, '.ts'));
  }
  return out;
}

/** The edge of the program: the only modules that may read the registry, touch files or the terminal. */
const EDGE = /^src\/(cli\.ts|index\.ts|commands\/|io\/)/;

test('layer rules: the core imports no target, targets import no other target, only the edge does IO', async () => {
  const problems: string[] = [];
  const modules = await fg(['src/**/*.ts', 'targets/**/*.ts'], { cwd: ROOT });
  for (const file of modules) {
    const text = readFileSync(ROOT + file, 'utf8');
    for (const dep of importsOf(file)) {
      if (dep.startsWith('test/') && !/^targets\/[^/]+\/conformance\.ts$/.test(file)) problems.push(`${file} imports test code ${dep}`);
      if (file.startsWith('src/') && dep.startsWith('targets/') && !EDGE.test(file)) problems.push(`core module ${file} imports ${dep}: only the CLI, the commands and the library entry read the registry`);
      if (file.startsWith('targets/') && dep.startsWith('targets/')) {
        const [, a] = file.split('/');
        const [, b] = dep.split('/');
        if (b !== 'index.ts' && a !== b && file !== 'targets/index.ts') problems.push(`${file} imports another target's module ${dep}: declare an offer in src/products.ts instead`);
      }
      if (file.startsWith('targets/') && EDGE.test(dep)) problems.push(`${file} imports ${dep}: targets are pure, the edge does the IO`);
    }
    const builtins = [...text.matchAll(/from\s+['"]node:([a-z_/]+)['"]/g)].map((m) => m[1]!);
    const impure = builtins.filter((b) => !['buffer', 'crypto', 'path', 'url'].includes(b));
    const testOnly = /^targets\/[^/]+\/conformance\.ts$/.test(file);
    if (impure.length && !EDGE.test(file) && !testOnly) problems.push(`${file} imports node:${impure.join(', node:')}: IO belongs to src/cli.ts, src/commands/ and src/io/`);
  }
  assert.equal(problems, []);
});

test('every test file runs what it registers: no test is declared after its suite runs', () => {
  const problems: string[] = [];
  for (const file of fg.sync('test/**/*.test.ts', { cwd: ROOT }).sort()) {
    const lines = readFileSync(ROOT + file, 'utf8').split('\n');
    const runs = new Map<string, number>();
    lines.forEach((l, i) => {
      const m = /^(\w+)\.run\(\);/.exec(l);
      if (m) runs.set(m[1]!, i);
    });
    lines.forEach((l, i) => {
      const m = /^(\w+)(?:\.skip|\.only)?\(\s*[`'"]/.exec(l);
      const ran = m ? runs.get(m[1]!) : undefined;
      if (ran !== undefined && i > ran) problems.push(`${file}:${i + 1}: ${m![1]}(...) is declared after ${m![1]}.run() and never runs`);
    });
  }
  assert.equal(problems, []);
});

test.run();
