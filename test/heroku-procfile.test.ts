/** The Procfile parser used to check generated Procfiles: it must reject what Heroku's CNB parser rejects. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseProcfile } from './helpers/procfile.js';

test('parses entries, skipping comments and blank lines', () => {
  const p = parseProcfile('# header\n\nweb: gunicorn app.wsgi\nrelease:   python manage.py migrate\n');
  assert.equal(p.entries.map((e) => [e.name, e.command, e.line]), [['web', 'gunicorn app.wsgi', 3], ['release', 'python manage.py migrate', 4]]);
  assert.equal(p.warnings, []);
  assert.equal(p.errors, []);
});

test('commands keep colons and shell syntax after the first colon', () => {
  const p = parseProcfile('web: cd a && gunicorn -b 0.0.0.0:$PORT x:app\n');
  assert.is(p.entries[0]!.command, 'cd a && gunicorn -b 0.0.0.0:$PORT x:app');
});

test('upper case and underscores are corrected with a warning', () => {
  const p = parseProcfile('Urgent_Worker: run\n');
  assert.is(p.entries[0]!.name, 'urgent-worker');
  assert.is(p.warnings.length, 1);
  assert.equal(p.errors, []);
});

test('other characters in a name are errors', () => {
  for (const bad of ['web.1: x', '-web: x', 'web-: x', 'we b: x', `${'a'.repeat(64)}: x`]) {
    assert.is(parseProcfile(bad).errors.length, 1, bad);
  }
  assert.is(parseProcfile(`${'a'.repeat(63)}: x`).errors.length, 0);
});

test('empty command, missing name and a line without a colon are errors', () => {
  assert.match(parseProcfile('web:\n').errors[0]!, /empty command/);
  assert.match(parseProcfile('web:   \n').errors[0]!, /empty command/);
  assert.match(parseProcfile(': gunicorn\n').errors[0]!, /missing process type/);
  assert.match(parseProcfile('gunicorn app\n').errors[0]!, /not a/);
});

test('a duplicate key warns and the last one wins', () => {
  const p = parseProcfile('web: one\nweb: two\n');
  assert.equal(p.entries.map((e) => e.command), ['two']);
  assert.match(p.warnings[0]!, /defined again/);
});

test('an empty file warns that no processes are defined', () => {
  assert.equal(parseProcfile('# nothing\n').warnings, ['no processes defined']);
});

test.run();
