/** The README's examples are real: its spec validates and builds, and its broken spec prints exactly what is shown. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileText, ROOT, runCli } from './helpers/spec.js';

const readme = readFileSync(ROOT + 'README.md', 'utf8');
const section = (title: string) => readme.slice(readme.indexOf(`## ${title}`), readme.indexOf('\n## ', readme.indexOf(`## ${title}`) + 3));
const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

test('the spec by example validates and builds every target, also with its environment', () => {
  const [spec] = blocks(section('The spec by example'), 'yaml');
  for (const env of [null, 'staging']) {
    const r = compileText(spec!, { env });
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(r.files.length >= 9);
  }
});

test('the broken spec prints the diagnostics the README shows', () => {
  const text = section('What a mistake looks like');
  const [broken] = blocks(text, 'yaml');
  const [first, second] = blocks(text, 'console');
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-readme-'));
  writeFileSync(join(dir, 'deploy.yaml'), broken!);
  const r = runCli(['validate'], { cwd: dir });
  assert.is(r.status, 1);
  assert.fixture(r.stderr, first!.replace(/^\$ deployspec validate\n/, ''));
  writeFileSync(join(dir, 'deploy.yaml'), broken!.replace('procesess:', 'processes:').replace('version: 16', 'version: "16"'));
  assert.fixture(runCli(['validate'], { cwd: dir }).stderr, second!.replace(/^\$ deployspec validate\n/, ''));
});

test.run();
