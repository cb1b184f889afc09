/**
 * Class 1 (secrets reach generated files) and class 2 (secrets reach diagnostics): a secret's value never reaches
 * an output file, a message, a hint, a code frame or `--format json`, whatever option or stage carries it.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Diagnostic } from '../src/diagnostics.js';
import { formatJson, formatText } from '../src/format.js';
import { maskSecrets, secretsWithValues } from '../src/spec/secrets.js';
import { analyzeText, compileText, MINIMAL, runCli } from './helpers/spec.js';

const test = suite('security: secrets');
const S = 'Sentinel7f3a9c41d2';

/** Everything a user or a CI log could see of a result: files, text diagnostics with frames, JSON diagnostics. */
function everything(text: string, r: { diagnostics: Diagnostic[]; files?: { contents: string }[] }): string {
  return [formatText(r.diagnostics, new Map([['deploy.yaml', text]])), formatJson(r.diagnostics), ...(r.files ?? []).map((f) => f.contents)].join('\n');
}
function noSentinel(text: string, r: { diagnostics: Diagnostic[]; files?: { contents: string }[] }, secret = S): void {
  const all = everything(text, r);
  assert.not.ok(all.includes(secret), `secret leaked:\n${all}`);
}
function errorAt(r: { diagnostics: Diagnostic[] }, code: string, line: number): void {
  const hit = r.diagnostics.find((d) => d.severity === 'error' && d.code === code && d.line === line);
  assert.ok(hit, `no ${code} error on line ${line}:\n${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
}

// --- class 1: overrides -------------------------------------------------------------------------------------------

const SECRET_DECLS: [string, string][] = [
  ['secret: true', 'env:\n  STRIPE_API_KEY: {secret: true}\n'],
  ['generate: secret', 'env:\n  SIGNING_SALT: {generate: secret}\n'],
  ['implied AWS_SECRET_ACCESS_KEY', 'media:\n  storage: s3\n  s3:\n    bucket: acme-media\n'],
  ['implied CLOUDINARY_URL', 'media:\n  storage: cloudinary\n'],
  ['implied SENTRY_DSN', 'monitoring:\n  sentry: {}\n'],
  ['implied SECRET_KEY', ''],
];
const NAME_OF: Record<string, string> = {
  'secret: true': 'STRIPE_API_KEY',
  'generate: secret': 'SIGNING_SALT',
  'implied AWS_SECRET_ACCESS_KEY': 'AWS_SECRET_ACCESS_KEY',
  'implied CLOUDINARY_URL': 'CLOUDINARY_URL',
  'implied SENTRY_DSN': 'SENTRY_DSN',
  'implied SECRET_KEY': 'SECRET_KEY',
};
/** Ways each target's overrides can give a variable a value; the line of `overrides:` is where the error points. */
const OVERRIDES: [string, (n: string) => string][] = [
  ['heroku env value', (n) => `targets:\n  heroku:\n    overrides:\n      env:\n        ${n}:\n          value: ${S}\n`],
  ['heroku env shorthand', (n) => `targets:\n  heroku:\n    overrides:\n      env:\n        ${n}: ${S}\n`],
  ['digitalocean app envs', (n) => `targets:\n  digitalocean:\n    overrides:\n      envs:\n        - key: ${n}\n          value: ${S}\n          scope: RUN_TIME\n`],
  ['digitalocean service envs', (n) => `targets:\n  digitalocean:\n    overrides:\n      services:\n        - name: web\n          envs:\n            - key: ${n}\n              value: ${S}\n`],
  ['compose environment map', (n) => `targets:\n  docker:\n    overrides:\n      services:\n        web:\n          environment:\n            ${n}: ${S}\n`],
  ['compose environment list', (n) => `targets:\n  docker:\n    overrides:\n      services:\n        web:\n          environment:\n            - ${n}=${S}\n`],
];

for (const [decl, block] of SECRET_DECLS) {
  for (const [how, overrides] of OVERRIDES) {
    test(`a ${decl} variable given a value through ${how}: error at the overrides, no file, value nowhere`, () => {
      const text = MINIMAL + block + overrides(NAME_OF[decl]!);
      const r = compileText(text);
      // At the overrides: the secret's own entry (found in the output, or as a `NAME=value` item by the rules before
      // any target runs), or (for a shape the platform rejects anyway) `overrides:`.
      const line = text.split('\n').findIndex((l) => l.includes(NAME_OF[decl]!) && l.match(/^\s{6,}/)) + 1;
      const overridesLine = text.split('\n').findIndex((l) => l.trim() === 'overrides:') + 1;
      assert.ok(
        r.diagnostics.some((d) => d.severity === 'error' && ((['output/secret-value', 'rule/secret-assignment'].includes(d.code) && d.line === line) || (d.code.endsWith('/overrides-invalid') && d.line === overridesLine))),
        r.diagnostics.map((d) => `${d.line} ${d.code}`).join('\n'),
      );
      assert.is(r.files.length, 0);
      noSentinel(text, r);
    });
  }
}

test('overrides in an environment overlay: an error at the overlay, for that environment and for builds of every environment', () => {
  for (const [target, block] of [
    ['heroku', `heroku:\n          overrides:\n            env:\n              SECRET_KEY: {value: ${S}}\n`],
    ['digitalocean', `digitalocean:\n          overrides:\n            envs:\n              - {key: SECRET_KEY, value: ${S}}\n`],
  ] as const) {
    const text = MINIMAL + `environments:\n  staging:\n    targets:\n        ${block}`;
    const line = text.split('\n').findIndex((l) => l.includes(S)) + 1;
    const r = compileText(text, { env: 'staging' });
    assert.ok(r.diagnostics.some((d) => d.code === 'output/secret-value' && d.severity === 'error' && Math.abs(d.line - line) <= 1), `${target}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))}`);
    assert.is(r.files.length, 0);
    noSentinel(text, r);
    noSentinel(text, compileText(text));
  }
});

test('a secret-looking name never declared in env gets no value through overrides either', () => {
  const text = MINIMAL + `targets:\n  heroku:\n    overrides:\n      env:\n        GITHUB_TOKEN: {value: ${S}}\n`;
  const r = compileText(text);
  errorAt(r, 'output/secret-value', 9);
  noSentinel(text, r);
});

test('a variable that is public (plain, or secret: false with a reason) keeps its value in overrides and env', () => {
  const text = MINIMAL + 'env:\n  PUBLIC_KEY: {value: pk_test_1, secret: false, reason: publishable key}\ntargets:\n  heroku:\n    overrides:\n      env:\n        PUBLIC_KEY: {value: pk_test_2}\n        LOG_LEVEL: {value: info}\n';
  const r = compileText(text);
  assert.not.ok(r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(r.diagnostics));
  assert.ok(r.files.some((f) => f.path === 'app.json' && f.contents.includes('pk_test_2')));
});

test('platform references and unset secrets are not values', () => {
  const names = new Set(['SECRET_KEY']);
  assert.equal(secretsWithValues('x.yaml', 'envs:\n- key: SECRET_KEY\n  type: SECRET\n  value: ${db.X}\n', names, new Set()), []);
  assert.equal(secretsWithValues('app.json', '{"env":{"SECRET_KEY":{"generator":"secret"}}}', names, new Set()), []);
  assert.equal(secretsWithValues('Dockerfile', 'FROM x\nENV SECRET_KEY=abc\n', names, new Set()), ['SECRET_KEY']);
  assert.equal(secretsWithValues('fly.toml', '[env]\nSECRET_KEY = "abc"\n', names, new Set()), ['SECRET_KEY']);
});

test('an interpolation with a fallback or a literal expression is a value, not a reference', () => {
  const names = new Set(['SECRET_KEY']);
  for (const v of ['${X:-abc}', '${X-abc}', '${X:+abc}', '${X+abc}', "${{ 'abc' }}", "${{ secrets.X || 'abc' }}", '${db.DATABASE_URL}abc']) {
    assert.equal(secretsWithValues('x.yaml', `env:\n  SECRET_KEY: ${JSON.stringify(v)}\n`, names, new Set()), ['SECRET_KEY'], v);
    assert.equal(secretsWithValues('x.yaml', `environment:\n  - ${JSON.stringify(`SECRET_KEY=${v}`)}\n`, names, new Set()), ['SECRET_KEY'], v);
  }
  for (const v of ['${db.DATABASE_URL}', '${my-db.DATABASE_URL}', '${SECRET_KEY}', '${{ secrets.SECRET_KEY }}', 'EV[1:abc:def]']) {
    assert.equal(secretsWithValues('x.yaml', `env:\n  SECRET_KEY: ${JSON.stringify(v)}\n`, names, new Set()), [], v);
  }
  for (const [what, block] of [
    ['compose default', `docker:\n    overrides:\n      services:\n        web:\n          environment:\n            API_TOKEN: "\${API_TOKEN:-${S}}"\n`],
    ['compose list default', `docker:\n    overrides:\n      services:\n        web:\n          environment:\n            - "API_TOKEN=\${X-${S}}"\n`],
    ['App Platform default', `digitalocean:\n    overrides:\n      envs:\n        - {key: API_TOKEN, value: "\${API_TOKEN:-${S}}"}\n`],
    ['a literal expression on Heroku', `heroku:\n    overrides:\n      env:\n        API_TOKEN: {value: "\${{ '${S}' }}"}\n`],
  ]) {
    const text = MINIMAL + `targets:\n  ${block}`;
    const r = compileText(text);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'output/secret-value'), `${what}: ${JSON.stringify(r.diagnostics.map((d) => d.code))}`);
    assert.is(r.files.length, 0, what);
    noSentinel(text, r);
  }
});

// --- class 1: credentials in URLs outside env ---------------------------------------------------------------------

const URL_CASES: [string, string, number][] = [
  ['media.s3.endpoint', `media:\n  storage: s3\n  s3:\n    bucket: acme-media\n    endpoint: https://USER:${S}@host.example.com\n`, 9],
  ['a buildpack URL with a password', `targets:\n  heroku:\n    buildpacks:\n      - https://git:${S}@github.com/acme/buildpack.tgz\n`, 8],
  ['a buildpack URL with a token', `targets:\n  heroku:\n    buildpacks:\n      - https://${S}@github.com/acme/buildpack.tgz\n`, 8],
  ['a kubernetes image with registry credentials', `targets:\n  kubernetes:\n    image: robot:${S}@registry.example.com/acme/app:1.0\n`, 7],
  ['a repository URL in overrides', `targets:\n  heroku:\n    overrides:\n      repository: https://x-access-token:${S}@github.com/acme/app\n`, 8],
  ['a command with a URL', `processes:\n  worker:\n    command: celery -A mysite worker -b amqp://guest:${S}@rabbit/vhost\n`, 7],
];
for (const [what, block, line] of URL_CASES) {
  test(`credentials in ${what}: error at the value, no file, value nowhere`, () => {
    const text = MINIMAL + block;
    const r = compileText(text);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.line === line), JSON.stringify(r.diagnostics.map((d) => [d.line, d.code])));
    assert.is(r.files.length, 0);
    noSentinel(text, r);
  });
}

test('a password written unencoded (with /, #, ? or @ in it) is a password: refused, masked, in no message', () => {
  for (const pw of [`pa/ss${S}`, `pa#ss${S}`, `pa?ss${S}`, `p@ss${S}`]) {
    for (const [block, line] of [
      [`media:\n  storage: s3\n  s3:\n    bucket: acme-media\n    endpoint: "https://user:${pw}@host.example.com"\n`, 9],
      [`env:\n  UPSTREAM: "postgres://user:${pw}@db.example.com/app"\n`, 6],
      [`media:\n  storage: s3\n  s3:\n    bucket: acme-media\n    endpoint: http://host.example.com  # was https://user:${pw}@host.example.com\n`, 9],
    ] as const) {
      const text = MINIMAL + block;
      const r = compileText(text);
      assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.line === line), `${pw}: ${JSON.stringify(r.diagnostics.map((d) => [d.line, d.code]))}`);
      assert.is(r.files.length, 0);
      noSentinel(text, r);
    }
  }
  // A port followed by a path is not a password.
  const r = compileText(MINIMAL + 'targets:\n  heroku:\n    buildpacks:\n      - https://registry.example.com:8443/@acme/buildpack.tgz\n');
  assert.not.ok(r.diagnostics.some((d) => d.code === 'rule/credentials-in-url'), JSON.stringify(r.diagnostics));
});

test('a command setting a secret-looking variable to a written value is refused at the command, masked, in no output', () => {
  const places: [string, (c: string) => string][] = [
    ['release.command', (c) => `release:\n  command: ${c}\n`],
    ['processes.worker.command', (c) => `processes:\n  web:\n    command: gunicorn mysite.wsgi\n  worker:\n    command: ${c}\n`],
    ['jobs.nightly.command', (c) => `jobs:\n  nightly:\n    schedule: "0 3 * * *"\n    command: ${c}\n`],
    ['client.build', (c) => `client:\n  root: frontend\n  install: npm ci\n  build: ${c}\n  output: frontend/dist\n`],
    ['targets.github-actions.test_command', (c) => `targets:\n  github-actions:\n    test_command: ${c}\n`],
    ['targets.heroku.postdeploy', (c) => `targets:\n  heroku:\n    postdeploy: ${c}\n`],
  ];
  const commands = [
    `STRIPE_API_KEY=${S} python manage.py migrate`,
    `env API_TOKEN=${S} python worker.py`,
    `cd app && DB_PASSWORD='${S} x' ./run.sh`,
    `sh -c "SENTRY_DSN=${S} python x.py"`,
    `docker run --env=API_KEY=${S} app`,
  ];
  for (const [where, block] of places) {
    for (const c of commands) {
      const text = MINIMAL + block(c);
      const r = compileText(text);
      const line = text.split('\n').findIndex((l) => l.includes(S)) + 1;
      const e = r.diagnostics.find((d) => d.code === 'rule/secret-assignment');
      assert.ok(e && e.severity === 'error' && e.line === line && e.path?.join('.') === where, `${where} ${c}: ${r.diagnostics.map((d) => `${d.line} ${d.code} ${d.path?.join('.')}`).join('; ')}`);
      assert.is(r.files.length, 0);
      noSentinel(text, r);
      noSentinel(text, r, S);
    }
  }
  // A value taken from the environment, an empty one, and public names are commands like any other.
  for (const c of ['API_TOKEN=$API_TOKEN python worker.py', 'API_TOKEN="${API_TOKEN}" ./run', 'SECRET_KEY= python x.py', 'DEBUG=1 LOG_LEVEL=info python x.py', 'python manage.py test --keepdb', 'pytest -k test_token --ds=x.settings']) {
    const r = compileText(MINIMAL + `release:\n  command: ${c}\n`);
    assert.not.ok(r.diagnostics.some((d) => d.code === 'rule/secret-assignment'), c);
  }
});

test('snake_case secret names are secrets too: in overrides, in commands and in code frames', () => {
  for (const [how, block] of [
    ['heroku env', `targets:\n  heroku:\n    overrides:\n      env:\n        stripe_api_key:\n          value: ${S}\n`],
    ['compose environment', `targets:\n  docker:\n    overrides:\n      services:\n        web:\n          environment:\n            db_password: ${S}\n`],
    ['digitalocean envs', `targets:\n  digitalocean:\n    overrides:\n      envs:\n        - key: webhook_token\n          value: ${S}\n`],
    ['a command', `release:\n  command: api_key=${S} python manage.py migrate\n`],
  ] as const) {
    const text = MINIMAL + block;
    const r = compileText(text);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && (d.code === 'output/secret-value' || d.code === 'rule/secret-assignment')), `${how}: ${r.diagnostics.map((d) => d.code).join(', ')}`);
    assert.is(r.files.length, 0, how);
    noSentinel(text, r);
    assert.not.ok(maskSecrets(text).includes(S), how);
  }
  // Field names of platform files are not variable names: a bare key or secret, camelCase, or a word inside a name.
  for (const name of ['key', 'secret', 'secretKeyRef', 'monkey', 'keyboard_layout', 'tokenizer']) {
    const r = compileText(MINIMAL + `targets:\n  heroku:\n    overrides:\n      env:\n        ${name}:\n          value: plain-value\n`);
    assert.not.ok(r.diagnostics.some((d) => d.severity === 'error'), `${name}: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  }
});

test('a URL with a user but no password, and a digest-pinned image, are fine', () => {
  const text = MINIMAL + 'targets:\n  kubernetes:\n    image: registry.example.com/acme/app:1.0@sha256:' + 'a'.repeat(64) + '\n  heroku:\n    buildpacks:\n      - heroku/python\n';
  const r = compileText(text);
  assert.not.ok(r.diagnostics.some((d) => d.code === 'rule/credentials-in-url'), JSON.stringify(r.diagnostics));
});

// --- class 2: diagnostics ----------------------------------------------------------------------------------------

const DIAG_CASES: [string, string][] = [
  ['a schema error on the secret line', `env:\n  STRIPE_API_KEY: {value: ${S}, secrte: true}\n`],
  ['a schema error beside the secret in a flow mapping', `env: {STRIPE_API_KEY: ${S}, bad-name: 1}\n`],
  ['a warning on a neighbouring key of the same line', `env: {STRIPE_API_KEY: ${S}, LOG_LEVEL: {value: info, reason: because}}\n`],
  ['masking past " #"', `env:\n  STRIPE_API_KEY: "abc #${S}"\n`],
  ['an unquoted value cut by " #" (the rest is a comment)', `env:\n  STRIPE_API_KEY: abc #${S}\n`],
  ['an unquoted value cut by " #" in a flow mapping', `env: {STRIPE_API_KEY: abc #${S}\n  , bad-name: 1}\n`],
  ['masking past " #" in a single-quoted value', `env:\n  STRIPE_API_KEY: 'x # y ${S}'  # comment\n`],
  ['a URL with a password in a neighbouring error', `env: {REMOTE_URL: "postgres://u:${S}@db/x", BAD: [1]}\n`],
  ['a secret value in an environment overlay', `environments:\n  staging:\n    env: {STRIPE_API_KEY: ${S}, bad-name: 1}\n`],
  ['a load error (tab indentation) after a secret', `env:\n  STRIPE_API_KEY: ${S}\n\tOTHER: 1\n`],
  ['a YAML syntax error on the secret line', `env:\n  STRIPE_API_KEY: ${S} : : [\n`],
  ['a secret: true entry with a value and an unknown key', `env:\n  SESSION_SALT: {secret: true, value: ${S}, descripton: x}\n`],
];
for (const [what, block] of DIAG_CASES) {
  test(`${what}: the value is in no frame, message, hint or JSON`, () => {
    const text = MINIMAL + block;
    noSentinel(text, analyzeText(text));
    noSentinel(text, compileText(text));
  });
}

test('the retyped-value warning never repeats a numeric secret (text and JSON)', () => {
  for (const v of ['0x5EC12E7A', '1234567e3', '0o17171717', '12_345_678']) {
    for (const decl of [`STRIPE_API_KEY: ${v}`, `SESSION_SALT: {secret: true, value: ${v}}`, `OTHER: 1\n  API_TOKEN: {value: ${v}}`]) {
      const text = MINIMAL + `env:\n  ${decl}\n`;
      const r = analyzeText(text);
      const all = everything(text, r);
      const read = String(Number(v.replace(/_/g, '')));
      assert.not.ok(all.includes(v), `${v} leaked:\n${all}`);
      if (read.length >= 4 && read !== 'NaN') assert.not.ok(all.includes(read), `${read} leaked:\n${all}`);
    }
  }
});

test('the retyped-value warning still helps with public values', () => {
  const r = analyzeText(MINIMAL + 'env:\n  PY_VERSION: 3.10\n');
  assert.ok(r.diagnostics.some((d) => d.code === 'rule/retyped-value' && d.message.includes('3.10')));
});

test('maskSecrets keeps the layout: same length and lines, keys visible', () => {
  const text = MINIMAL + `env:\n  STRIPE_API_KEY: "a #${S}"  # note\n  DEBUG: "false"\n`;
  const masked = maskSecrets(text);
  assert.is(masked.length, text.length);
  assert.is(masked.split('\n').length, text.split('\n').length);
  assert.ok(masked.includes('STRIPE_API_KEY: '));
  assert.ok(masked.includes('DEBUG: "false"'));
  assert.not.ok(masked.includes(S));
});

test('CLI: validate and build print no secret, in text and in --format json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-secrets-'));
  const text = MINIMAL + `env: {STRIPE_API_KEY: ${S}, bad-name: 1}\n`;
  writeFileSync(join(dir, 'deploy.yaml'), text);
  for (const args of [['validate'], ['validate', '--format', 'json'], ['build', '--target', 'all']]) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, 1, r.stderr);
    assert.not.ok((r.stdout + r.stderr).includes(S), r.stdout + r.stderr);
  }
  const text2 = MINIMAL + `env:\n  STRIPE_API_KEY: {secret: true}\ntargets:\n  heroku:\n    overrides:\n      env:\n        STRIPE_API_KEY: {value: ${S}}\n`;
  writeFileSync(join(dir, 'deploy.yaml'), text2);
  const r = runCli(['build', '--target', 'all'], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.not.ok((r.stdout + r.stderr).includes(S));
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile() && f.name !== 'deploy.yaml') assert.not.ok(readFileSync(join(f.parentPath, f.name), 'utf8').includes(S), f.name);
  }
  assert.equal(readdirSync(dir), ['deploy.yaml']);
});

test('CLI: config prints a valid spec without the secret values only the build refuses (overrides)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-secrets-'));
  writeFileSync(join(dir, 'deploy.yaml'), MINIMAL + `env:\n  STRIPE_API_KEY: {secret: true}\ntargets:\n  heroku:\n    overrides:\n      env:\n        STRIPE_API_KEY: {value: ${S}}\n        GITHUB_TOKEN: ${S}x\n`);
  for (const args of [['config'], ['config', '--format', 'json']]) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    assert.not.ok((r.stdout + r.stderr).includes(S), r.stdout);
    assert.ok(r.stdout.includes('STRIPE_API_KEY'), r.stdout);
  }
});

// --- values under a secret's name in any shape, credentials in any env string, diffs of committed files -----------

const SHAPES: [string, string][] = [
  ['a misspelt value key', `env:\n  API_TOKEN:\n    valeu: ${S}\n`],
  ['an unknown key beside secret: true', `env:\n  API_TOKEN: {secret: true, default: ${S}}\n`],
  ['a flow list', `env:\n  API_TOKEN: [${S}]\n`],
  ['a block list', `env:\n  STRIPE_KEY:\n    - ${S}\n`],
  ['secret: false without a reason, in an overlay', `env:\n  API_TOKEN: {secret: true}\nenvironments:\n  staging:\n    env:\n      API_TOKEN: {secret: false, value: ${S}}\n`],
];
for (const [how, block] of SHAPES) {
  test(`a secret's value as ${how}: an error, the value in no frame, message or JSON`, () => {
    const text = MINIMAL + block;
    const r = compileText(text);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
    noSentinel(text, r);
  });
}

const CARRIED: [string, string][] = [
  ['a token as the user of a URL in a plain value', `env:\n  PIP_EXTRA_INDEX_URL: https://ghp_${S}@github.com/acme/pkgs\n`],
  ['a secret-looking NAME=value in a plain value', `env:\n  GUNICORN_CMD_ARGS: "--env SECRET_KEY=${S}"\n`],
  ['a URL with a password in a description', `env:\n  STRIPE_API_KEY: {secret: true, description: "from https://bot:${S}@vault.example.com/x"}\n`],
  ['an assignment in a description', `env:\n  GREETING: {value: hi, description: "export API_TOKEN=${S} first"}\n`],
  ["bash's += assignment in a command", `client:\n  root: frontend\n  build: API_TOKEN+=${S} npm run build\n`],
];
for (const [how, block] of CARRIED) {
  test(`${how}: an error at its line, no file, value nowhere`, () => {
    const text = MINIMAL + block;
    const r = compileText(text);
    const line = text.split('\n').findIndex((l) => l.includes(S)) + 1;
    assert.ok(
      r.diagnostics.some((d) => d.severity === 'error' && ['rule/secret-literal', 'rule/secret-assignment', 'rule/credentials-in-url'].includes(d.code) && d.line === line),
      r.diagnostics.map((d) => `${d.line} ${d.code}`).join('\n'),
    );
    assert.is(r.files.length, 0);
    noSentinel(text, r);
  });
}

test('CLI: build --check and diff mask a secret that a committed file on disk gives a value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-secret-diff-'));
  writeFileSync(join(dir, 'deploy.yaml'), MINIMAL + 'env:\n  API_TOKEN: {secret: true}\n  BILLING: {secret: true}\n');
  assert.is(runCli(['build', '--target', 'heroku'], { cwd: dir }).status, 0);
  const app = JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8'));
  app.env.API_TOKEN = { value: S };
  app.env.BILLING = { value: `${S}"b` };
  writeFileSync(join(dir, 'app.json'), JSON.stringify(app, null, 2));
  for (const args of [['build', '--check', '--target', 'heroku'], ['diff'], ['build', '--check', '--format', 'json']]) {
    const r = runCli(args, { cwd: dir });
    assert.is(r.status, args[0] === 'diff' ? 0 : 1, r.stderr);
    assert.ok(r.stdout.includes('***'), r.stdout);
    assert.not.ok((r.stdout + r.stderr).includes(S), `${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  }
});

test('init: a project value carrying a token URL or a secret assignment is declared secret, never copied', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-secret-init-'));
  writeFileSync(join(dir, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n');
  writeFileSync(join(dir, 'requirements.txt'), 'django>=4.2\ngunicorn\n');
  writeFileSync(join(dir, 'app.json'), JSON.stringify({ name: 'mysite', env: { SIGNUP_URL: { value: `https://tok${S}@github.com/x` }, GUNICORN_CMD_ARGS: `--env API_TOKEN=${S}` } }));
  const r = runCli(['init', '--stdout', '--name', 'mysite', '--project', 'mysite'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.ok(/SIGNUP_URL:\n\s+secret: true/.test(r.stdout), r.stdout);
  assert.not.ok((r.stdout + r.stderr).includes(S), r.stdout + r.stderr);
});

test('generated YAML: merge keys pair a fragment with the merging map, and thousands of merges are all read', () => {
  const scan = (text: string) => secretsWithValues('compose.yaml', text, new Set(['SECRET_KEY']), new Set());
  // The name comes from the merged fragment, the value from the merging map (and the reverse, and a list of merges).
  assert.equal(scan('x: &a {name: SECRET_KEY}\ny:\n  <<: *a\n  value: s3cr3t\n'), ['SECRET_KEY']);
  assert.equal(scan('x: &a {value: s3cr3t}\ny:\n  <<: *a\n  name: SECRET_KEY\n'), ['SECRET_KEY']);
  assert.equal(scan('x: &a {image: app}\nv: &v {value: s3cr3t}\ny:\n  <<: [*a, *v]\n  key: SECRET_KEY\n'), ['SECRET_KEY']);
  assert.equal(scan('x: &a {value: s3cr3t}\ny:\n  SECRET_KEY:\n    <<: *a\n'), ['SECRET_KEY']);
  // The merging map's own key wins, as in every YAML 1.1 reader: no secret is named here.
  assert.equal(scan('x: &a {name: SECRET_KEY}\ny:\n  <<: *a\n  name: DEBUG\n  value: "1"\n'), []);
  assert.equal(scan('x: &a {name: SECRET_KEY}\n'), []);
  // compose.yaml merges x-app into every service: with 3,000 services the secret in the last one is still found.
  const services = Array.from({ length: 3000 }, (_, i) => `  s${i}:\n    <<: *app\n    command: run ${i}\n`).join('');
  assert.equal(scan(`x-app: &app\n  image: app\nservices:\n${services}  last:\n    <<: *app\n    environment:\n      SECRET_KEY: s3cr3t\n`), ['SECRET_KEY']);
  // Merges of merges, doubling at each level, are searched once each.
  let bomb = 'm0: &m0 {image: app}\n';
  for (let i = 1; i < 40; i++) bomb += `m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}]}\n`;
  assert.equal(scan(bomb + 'y:\n  <<: *m39\n  name: SECRET_KEY\n'), []);
});

test.run();
