import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSpec, LIMITS } from '../src/spec/load.js';
import { analyzeText, brief, MINIMAL } from './helpers/spec.js';

const codes = (text: string | Uint8Array) => loadSpec('deploy.yaml', text).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);

test('a minimal spec loads with no diagnostics', () => {
  const r = loadSpec('deploy.yaml', MINIMAL);
  assert.equal(r.diagnostics, []);
  assert.equal(r.data, { version: 1, name: 'mysite', django: { project: 'mysite' } });
});

test('duplicate keys are an error at the second key', () => {
  assert.equal(codes('version: 1\nname: a\nname: b\n'), ['3:1 yaml/duplicate-key']);
});

test('tab indentation is an error at the tab', () => {
  assert.equal(codes('version: 1\ndjango:\n\tproject: x\n'), ['3:1 load/tab']);
});

test('a second YAML document is an error at its marker', () => {
  assert.equal(codes(MINIMAL + '---\nname: other\n'), ['5:1 load/multiple-documents']);
});

test('custom and language tags are rejected', () => {
  assert.equal(codes('version: 1\nname: !!python/object:os.system x\n'), ['2:7 yaml/tag-resolve-failed']);
  const d = loadSpec('deploy.yaml', 'version: 1\nname: !shell x\n').diagnostics[0]!;
  assert.match(d.message, /YAML tag !shell is not allowed/);
});

test('an alias bomb stops at the alias limit without expanding', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const started = Date.now();
  const r = loadSpec('deploy.yaml', lines.join('\n') + '\n');
  assert.ok(Date.now() - started < 2000);
  assert.equal(r.data, undefined);
  assert.equal(r.diagnostics[0]!.code, 'load/too-many-aliases');
});

test('deep flow nesting is refused before parsing', () => {
  const deep = 'x: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n';
  const r = loadSpec('deploy.yaml', deep);
  assert.equal(r.diagnostics.map((d) => d.code), ['load/too-deep']);
  assert.is(r.diagnostics[0]!.line, 1);
});

test('deep block nesting is refused', () => {
  let text = '';
  for (let i = 0; i < LIMITS.maxDepth + 2; i++) text += ' '.repeat(i * 2) + `k${i}:\n`;
  text += ' '.repeat((LIMITS.maxDepth + 2) * 2) + 'v\n';
  assert.ok(codes(text).includes(`${LIMITS.maxDepth}:${(LIMITS.maxDepth - 1) * 2 + 1} load/too-deep`) || codes(text).some((c) => c.endsWith('load/too-deep')));
});

test('files over the size limit are refused without parsing', () => {
  assert.equal(codes('# ' + 'x'.repeat(LIMITS.maxBytes) + '\n'), ['1:1 load/too-large']);
});

test('invalid UTF-8 is reported at the offending byte', () => {
  const bytes = new Uint8Array([...Buffer.from('version: 1\nname: ab'), 0xff, ...Buffer.from('\n')]);
  const d = loadSpec('deploy.yaml', bytes).diagnostics;
  assert.equal(d.map((x) => `${x.line}:${x.col} ${x.code}`), ['2:9 load/encoding']);
  assert.match(d[0]!.message, /0xff/);
});

test('a UTF-8 BOM and CRLF line endings are accepted with correct positions', () => {
  const text = '\ufeffversion: 1\r\nname: mysite\r\ndjango:\r\n  project: mysite\r\n  projct: x\r\n';
  const r = analyzeText(text);
  assert.equal(brief(r), ['5:3 error schema/unknown-key unknown key "projct" in django']);
});

test('an empty file and a file of only comments are errors', () => {
  assert.equal(codes(''), ['1:1 load/empty']);
  assert.equal(codes('# nothing\n'), ['1:1 load/empty']);
});

test('NUL characters are rejected', () => {
  assert.equal(codes('version: 1\nname: a\u0000b\n'), ['2:8 load/control-character']);
});

test('non-string keys are rejected', () => {
  assert.equal(codes('? [a, b]\n: 1\n'), ['1:3 load/complex-key']);
});

test('an undefined alias is an error, not a crash', () => {
  const r = loadSpec('deploy.yaml', 'version: 1\nname: *nope\n');
  assert.ok(r.diagnostics.length > 0);
  assert.equal(r.data, undefined);
});

test.run();
