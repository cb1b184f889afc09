// Build: generated sources (validator, templates), then one bundled ESM CLI in dist/.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [root + 'scripts/gen-validator.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, [root + 'scripts/gen-templates.mjs'], { stdio: 'inherit' });
rmSync(root + 'dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: root + 'src/cli.ts', index: root + 'src/index.ts' },
  outdir: root + 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (handlebars) call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
console.log('built dist/');
