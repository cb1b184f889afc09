// Build: generated sources (validator, templates), then the bundles in dist/:
// - dist/cli.cjs: the whole CLI as one script, which bin/deployspec.js runs through V8's code cache;
// - dist/index.js: the library API as an ES module;
// - with --types: dist/types/, the library's type declarations, emitted by tsc (tsconfig.types.json).
// An install from git (npm install git+…, a pre-commit hook) gets dist/ from the `postinstall` script, which runs
// this build only in a source checkout without dist/ (never in an installed package, which has no src/). It is
// not a `prepare` script: pre-commit reads `npm pack`'s stdout as the tarball's name, and a prepare script's
// banner and output land there. Progress goes to stderr for the same reason.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [root + 'scripts/gen-validator.mjs'], { stdio: ['ignore', 2, 2] });
execFileSync(process.execPath, [root + 'scripts/gen-templates.mjs'], { stdio: ['ignore', 2, 2] });
rmSync(root + 'dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Full minification: less source for V8 to parse on a cold start.
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      // yaml ships CommonJS for Node and ES modules for everything else; the ES build tree-shakes and starts faster.
      name: 'yaml-esm',
      setup(b) {
        b.onResolve({ filter: /^yaml$/ }, () => ({ path: root + 'node_modules/yaml/browser/index.js' }));
      },
    },
  ],
};

await build({
  ...common,
  entryPoints: [root + 'src/cli.ts'],
  outfile: root + 'dist/cli.cjs',
  format: 'cjs',
  // A script has no import.meta: give it the file URL of the bundle, which sits in dist/ like the ES build would.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({
  ...common,
  entryPoints: [root + 'src/index.ts'],
  outfile: root + 'dist/index.js',
  format: 'esm',
  // Bundled CommonJS dependencies (handlebars) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
// bin/deployspec.js runs the CLI bundle as a vm.Script, which has no dynamic import() on Node 20.
if (/\bimport\s*\(/.test(readFileSync(root + 'dist/cli.cjs', 'utf8'))) {
  console.error('dist/cli.cjs contains a dynamic import(): import Node built-ins statically');
  process.exit(1);
}
if (process.argv.includes('--types')) {
  execFileSync(process.execPath, [root + 'node_modules/typescript/bin/tsc', '-p', root + 'tsconfig.types.json'], { stdio: ['ignore', 2, 2] });
}
console.error('built dist/');
