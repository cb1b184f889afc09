import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyzeText, brief, MINIMAL, yaml } from './helpers/spec.js';

const errors = (text: string, env: string | null = null) => brief(analyzeText(text, env));

test('unknown key: points at the key and suggests the near miss', () => {
  const r = analyzeText(MINIMAL + 'procesess:\n  web: {}\n');
  assert.equal(brief(r), ['5:1 error schema/unknown-key unknown key "procesess" in the top level']);
  assert.is(r.diagnostics[0]!.hint, 'Did you mean "processes"?');
  assert.is(r.diagnostics[0]!.endCol, 10);
});

test('unknown key without a near miss lists the allowed keys', () => {
  const r = analyzeText(MINIMAL + 'database:\n  flavour: x\n');
  assert.match(r.diagnostics[0]!.hint!, /^Expected one of: engine, version, plan, name, env\.$/);
});

test('missing required key points at the parent', () => {
  assert.equal(errors('version: 1\nname: a1\ndjango:\n  root: backend\n'), ['3:1 error schema/missing-key missing required key "project" in django']);
  assert.equal(errors('version: 1\nname: a1\n'), ['1:1 error schema/missing-key missing required key "django" in the top level']);
});

test('wrong type points at the value; a number that should be text suggests quoting the original', () => {
  const r = analyzeText(MINIMAL + 'runtime:\n  python: 3.10\n');
  assert.equal(brief(r), ['6:11 error schema/type runtime.python must be a string, not a number (3.1)']);
  assert.is(r.diagnostics[0]!.hint, 'Quote the value to keep it as text: "3.10".');
});

test('enum errors suggest the closest value', () => {
  const r = analyzeText(MINIMAL + 'targets:\n  digitalocean:\n    region: fra1\n');
  assert.equal(brief(r), ['7:13 error schema/enum targets.digitalocean.region is "fra1"; expected one of: atl, nyc, sfo, tor, ams, fra, lon, blr, sgp, syd']);
  assert.is(r.diagnostics[0]!.hint, 'Did you mean "fra"?');
});

test('bad names point at the key and propose a valid one', () => {
  const r = analyzeText(MINIMAL + 'processes:\n  Celery_Worker:\n    command: celery worker\n');
  assert.equal(brief(r), ['6:3 error schema/bad-name key "Celery_Worker" in processes is not a valid name']);
  assert.match(r.diagnostics[0]!.hint!, /Try "celery-worker"\.$/);
  const e = analyzeText(MINIMAL + 'env:\n  api_key:\n    secret: true\n');
  assert.match(e.diagnostics[0]!.hint!, /Try "API_KEY"\.$/);
});

test('anyOf values report the intended branch, not every branch', () => {
  assert.equal(errors(MINIMAL + 'env:\n  TOKEN:\n    secret: yes\n'), ['7:13 error schema/type env.TOKEN.secret must be a boolean, not a string ("yes")']);
  assert.equal(errors(MINIMAL + 'release: true\n'), ['5:10 error schema/type release must be false or a mapping, not a boolean']);
  assert.equal(errors(MINIMAL + 'env:\n  LIST: [1, 2]\n'), ['6:9 error schema/type env.LIST must be a string, a number or a boolean or a mapping, not a list']);
});

test('hostnames, ranges and duplicates', () => {
  assert.equal(errors(MINIMAL + 'hosts:\n  - Example.COM\n  - ok.example.com\n  - ok.example.com\n'), [
    '6:5 error schema/pattern hosts[0] "Example.COM" is not valid',
    '8:5 error schema/duplicate-item hosts lists "ok.example.com" twice',
  ]);
  assert.equal(errors(MINIMAL + 'processes:\n  web:\n    instances: -1\n'), ['7:16 error schema/range processes.web.instances is -1; it must be at least 0']);
});

test('all errors are reported at once, sorted by position', () => {
  const r = analyzeText('version: 2\nname: A\ndjango:\n  project: 1x\n');
  assert.equal(r.diagnostics.map((d) => `${d.line}:${d.col}`), ['1:10', '2:7', '4:12']);
});

test('semantic rules: secrets never carry committed values, and messages never echo them', () => {
  const r = analyzeText(MINIMAL + 'env:\n  STRIPE_SECRET_KEY: sk_live_abcdef\n  DB:\n    value: postgres://u:hunter2@h/db\n  T:\n    secret: true\n    value: s3cr3t-value\n');
  assert.equal(brief(r), [
    '6:22 error rule/secret-literal STRIPE_SECRET_KEY looks like a secret but has a value written in deploy.yaml',
    '8:12 error rule/secret-literal DB carries a credential (a URL with a password or token, or a secret-looking NAME=value) written in deploy.yaml',
    '11:5 error rule/secret-with-value T is a secret, so its value must not be written in deploy.yaml',
  ]);
  const all = JSON.stringify(r.diagnostics);
  for (const secret of ['sk_live_abcdef', 'hunter2', 's3cr3t-value']) assert.not.ok(all.includes(secret), secret);
});

test('secret: false needs a reason', () => {
  assert.equal(errors(MINIMAL + 'env:\n  PUBLIC_KEY:\n    value: pk_1\n    secret: false\n'), ['8:5 error rule/missing-reason PUBLIC_KEY is marked `secret: false` without a reason']);
  assert.equal(errors(MINIMAL + 'env:\n  PUBLIC_KEY:\n    value: pk_1\n    secret: false\n    reason: publishable\n'), []);
});

test('jobs need a valid cron schedule and a command', () => {
  assert.equal(errors(MINIMAL + 'jobs:\n  nightly:\n    schedule: "0 25 * * *"\n    command: x\n  weekly:\n    command: y\n'), [
    '7:15 error rule/bad-cron invalid cron schedule: hour field "25": 25 is outside 0-23',
    '9:3 error rule/missing-schedule job "weekly" has no schedule',
  ]);
});

test('workers need commands; release is not a process; references need their resource', () => {
  assert.equal(errors(MINIMAL + 'processes:\n  worker:\n    instances: 2\n  release:\n    command: x\n'), [
    '6:3 error rule/missing-command process "worker" has no command',
    '8:3 error rule/reserved-process-name "release" is not a process: the release step has its own key',
  ]);
  assert.equal(errors(MINIMAL + 'env:\n  DB:\n    from: database.url\n'), ['7:11 error rule/missing-resource DB takes the database URL, but the spec has no database']);
});

test('environments: unknown name, and errors inside an overlay point into the overlay', () => {
  const text = yaml`
    version: 1
    name: app1
    django:
      project: app1
    environments:
      staging:
        processes:
          web:
            instances: 1
          worker:
            size: small
  `;
  assert.equal(errors(text), ['10:7 error rule/missing-command process "worker" has no command (in environment "staging")']);
  const r = analyzeText(MINIMAL + 'environments:\n  staging: {}\n', 'prod');
  assert.equal(brief(r), ['5:1 error env/unknown unknown environment "prod"']);
  assert.is(r.diagnostics[0]!.hint, 'Defined environments: staging.');
});

test('environments: overlays merge mappings and replace lists', () => {
  const text = MINIMAL + 'hosts: [a.example.com, b.example.com]\nprocesses:\n  web:\n    instances: 3\n    health_check: /h\nenvironments:\n  staging:\n    hosts: [s.example.com]\n    processes:\n      web:\n        instances: 1\n';
  const base = analyzeText(text).model!;
  const staging = analyzeText(text, 'staging').model!;
  assert.equal(base.hosts.map((h) => h.name), ['a.example.com', 'b.example.com']);
  assert.equal(staging.hosts.map((h) => h.name), ['s.example.com']);
  assert.is(staging.processes[0]!.instances, 1);
  assert.is(staging.processes[0]!.healthCheck, '/h');
  assert.is(staging.environment, 'staging');
});

test('env values that YAML respells are a warning', () => {
  assert.equal(errors(MINIMAL + 'env:\n  PY: 3.10\n  ON: True\n  N: 25\n  X:\n    value: 1.50\n'), [
    '6:7 warning rule/retyped-value PY is written 3.10 but YAML reads it as 3.1',
    '7:7 warning rule/retyped-value ON is written True but YAML reads it as true',
    '10:12 warning rule/retyped-value X is written 1.50 but YAML reads it as 1.5',
  ]);
});

test.run();
