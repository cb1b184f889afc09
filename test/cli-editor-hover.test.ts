/** Hover in the real yaml-language-server names each enum value once, with its description. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LspClient } from './helpers/lsp.js';
import { SCHEMA_FILE } from './helpers/schema-doc.js';

test('hover lists "`whitenoise`: description", never the value twice', async () => {
  const lsp = new LspClient({ validate: true, completion: true, hover: true, schemaStore: { enable: false } });
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-hover-'));
  await lsp.start(dir);
  try {
    const uri = pathToFileURL(join(dir, 'deploy.yaml')).href;
    await lsp.open(uri, `# yaml-language-server: $schema=${SCHEMA_FILE}\nversion: 1\nname: mysite\ndjango:\n  project: mysite\nstatic:\n  serve: whitenoise\n`);
    const hover = await lsp.hover(uri, 6, 3);
    const values = hover.split('\n').filter((l) => l.startsWith('* `'));
    assert.equal(values, [
      '* `whitenoise`: The Django app serves them with WhiteNoise (compressed, cached forever)',
      '* `static-site`: A separate static site component (App Platform); other targets fall back to WhiteNoise',
    ]);
  } finally {
    await lsp.stop();
  }
});

test.run();
