/**
 * Environments beside production for the platforms that keep one file for all of them: compose gets an override
 * file per environment (checked by docker-compose v1 merging it over compose.yaml), Heroku's review apps get
 * app.json's environments.review, and every other Heroku environment a note naming what to set on its app.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { compile } from '../src/compile.js';
import { BUILTIN_TEMPLATES } from '../src/generated/templates.js';
import { TARGETS } from '../targets/index.js';
import { composeSchemaErrors, herokuSchemaErrors } from './helpers/paas.js';
import { brief, MINIMAL, runCli } from './helpers/spec.js';

const target = (name: string) => TARGETS.find((t) => t.name === name)!;
const build = (text: string, names: string[], env: string | null = null) =>
  compile('deploy.yaml', text, { env, environments: env === null, targets: names.map(target), registry: TARGETS, templates: BUILTIN_TEMPLATES });
const fileOf = (r: ReturnType<typeof build>, path: string) => r.files.find((f) => f.path === path);

const SPEC = `version: 1
name: mysite
django:
  project: mysite
env:
  FEATURE: "on"
  LEVEL: info
  PRICE: "$5"
database:
  version: "16"
processes:
  web:
    instances: 2
  worker:
    command: celery -A mysite worker
environments:
  staging:
    env:
      LEVEL: debug
      EXTRA: "1"
    database:
      version: "17"
    processes:
      worker:
        command: celery -A mysite worker -l debug
      beat:
        command: celery -A mysite beat
    targets:
      docker:
        port: 9000
  qa:
    env:
      LEVEL: warning
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ds-env-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** `docker-compose config` of the files, as data. */
function composeConfig(files: Record<string, string>): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'ds-compose-env-'));
  try {
    writeFileSync(join(dir, '.env'), '');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const args = Object.keys(files).flatMap((f) => ['-f', f]);
    const res = spawnSync('docker-compose', [...args, 'config'], { cwd: dir, encoding: 'utf8' });
    assert.is(res.status, 0, res.stderr);
    return parse(res.stdout.split(dir).join('<project>')) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('compose: one override file per environment, valid, holding only what differs', () => {
  const r = build(SPEC, ['docker']);
  // staging's port is the one difference an override cannot express (see below).
  assert.equal(brief(r).filter((l) => !l.includes(' info ') && !l.includes('services.web.ports')), []);
  assert.equal(
    r.files.filter((f) => f.path.startsWith('compose')).map((f) => [f.path, f.environment]),
    [['compose.qa.yaml', 'qa'], ['compose.staging.yaml', 'staging'], ['compose.yaml', undefined]],
  );
  const qa = parse(fileOf(r, 'compose.qa.yaml')!.contents, { version: '1.1' });
  // qa changes one variable: every app service gets it, nothing else is repeated.
  assert.equal(qa, { services: { web: { environment: { LEVEL: 'warning' } }, worker: { environment: { LEVEL: 'warning' } }, release: { environment: { LEVEL: 'warning' } } } });
  const staging = parse(fileOf(r, 'compose.staging.yaml')!.contents, { version: '1.1' }) as { services: Record<string, Record<string, unknown>> };
  assert.equal(Object.keys(staging.services).sort(), ['beat', 'db', 'release', 'web', 'worker']);
  assert.equal(staging.services.db, { image: 'postgres:17' });
  assert.equal(staging.services.worker!.command, ['celery', '-A', 'mysite', 'worker', '-l', 'debug']);
  for (const f of r.files.filter((f) => /^compose\..+\.yaml$/.test(f.path))) {
    assert.equal(composeSchemaErrors(parse(f.contents, { version: '1.1' })), [], f.path);
    assert.match(f.contents, new RegExp(`docker compose -f compose.yaml -f ${f.path.replace(/\./g, '\\.')} up --build`));
  }
});

test('compose: compose.yaml merged with an override by docker-compose v1 is the environment compiled on its own', () => {
  if (!has('docker-compose')) {
    if (process.env.CI === 'true') throw new Error('docker-compose is not installed, but CI must run this check');
    console.warn('\n!!!!! SKIPPED: compose overrides not merged by docker-compose — `docker-compose` is not installed. Run `bash scripts/system-deps.sh` as root. !!!!!\n');
    return;
  }
  // Without the port change: a published port is a list item compose appends to, so it is reported instead (below).
  const spec = SPEC.replace('    targets:\n      docker:\n        port: 9000\n', '');
  const all = build(spec, ['docker']);
  for (const env of ['qa', 'staging']) {
    const merged = composeConfig({ 'compose.yaml': fileOf(all, 'compose.yaml')!.contents, [`compose.${env}.yaml`]: fileOf(all, `compose.${env}.yaml`)!.contents });
    const alone = composeConfig({ 'compose.yaml': fileOf(build(spec, ['docker'], env), 'compose.yaml')!.contents });
    assert.equal(merged, alone, env);
  }
  // The check can fail: production's compose.yaml alone is not staging.
  const production = composeConfig({ 'compose.yaml': fileOf(all, 'compose.yaml')!.contents });
  const staging = composeConfig({ 'compose.yaml': fileOf(build(spec, ['docker'], 'staging'), 'compose.yaml')!.contents });
  assert.not.equal(production, staging);
});

test('compose: an environment that changes nothing in compose gets an override docker-compose v1 merges to compose.yaml', () => {
  if (!has('docker-compose')) {
    if (process.env.CI === 'true') throw new Error('docker-compose is not installed, but CI must run this check');
    console.warn('\n!!!!! SKIPPED: empty compose override not merged by docker-compose — `docker-compose` is not installed. !!!!!\n');
    return;
  }
  // Hosts do not reach compose (it answers on localhost): the override has nothing to say. An empty `services:`
  // is docker-compose v1's version 1 format, which it refuses to merge ("Version mismatch").
  const all = build(`version: 1\nname: mysite\ndjango:\n  project: mysite\nhosts: [a.example.com]\nenvironments:\n  same:\n    hosts: [b.example.com]\n`, ['docker']);
  const override = fileOf(all, 'compose.same.yaml')!.contents;
  const merged = composeConfig({ 'compose.yaml': fileOf(all, 'compose.yaml')!.contents, 'compose.same.yaml': override });
  assert.equal(merged, composeConfig({ 'compose.yaml': fileOf(all, 'compose.yaml')!.contents }), override);
});

test('compose: what an override cannot remove is a warning naming it', () => {
  const r = build(`${SPEC}  lean:\n    media:\n      storage: cloudinary\n`, ['docker']);
  const notes = brief(r).filter((l) => l.includes('docker/compose-override'));
  assert.is(notes.length, 2, brief(r).join('\n'));
  // The published port: compose appends list items, so production's port stays beside staging's.
  assert.ok(notes.some((l) => l.includes('warning docker/compose-override environment "staging"') && l.endsWith('services.web.ports: "127.0.0.1:8000:8000"')), notes.join('\n'));
  // Media in Cloudinary: production's local media volume stays mounted, and no override can unmount it.
  const lean = notes.find((l) => l.includes('environment "lean"'))!;
  assert.ok(lean.includes("services.web.volumes, services.worker.volumes, services.release.volumes") && lean.includes('volumes.media'), lean);
});

const HEROKU = `version: 1
name: mysite
django:
  project: mysite
env:
  LEVEL: info
  MODE: full
  STRIPE_KEY: {secret: true}
database:
  version: "16"
  plan: production
processes:
  web:
    instances: 2
    size: medium
environments:
  review:
    env:
      LEVEL: debug
      DEMO: "yes it is"
  staging:
    env:
      LEVEL: "it's staging"
      WEBHOOK_TOKEN: {secret: true}
    database:
      plan: dev
    processes:
      web:
        instances: 1
`;

test('heroku: the review environment is app.json environments.review; the others get a note naming exactly what to set', () => {
  const r = build(HEROKU, ['heroku']);
  const app = JSON.parse(fileOf(r, 'app.json')!.contents);
  assert.equal(herokuSchemaErrors(app), []);
  assert.equal(app.environments, {
    review: {
      env: { DEMO: { value: 'yes it is' }, LEVEL: { value: 'debug' } },
      formation: { web: { quantity: 2, size: 'standard-2x' } },
      addons: [{ plan: 'heroku-postgresql:standard-0', as: 'DATABASE', options: { version: '16' } }],
    },
  });
  // No file per environment: Heroku reads none per app.
  assert.equal(r.files.map((f) => f.path), ['.python-version', 'Procfile', 'app.json']);
  const notes = brief(r).filter((l) => l.includes('heroku/environment'));
  assert.equal(notes, [
    `21:3 info heroku/environment environment "staging" is a Heroku app of its own (mysite-staging) that app.json does not change: heroku config:set --app mysite-staging LEVEL='it'\\''s staging'; set the secret WEBHOOK_TOKEN on mysite-staging with heroku config:set (values are not in deploy.yaml); heroku ps:scale --app mysite-staging web=1:standard-2x; add-ons heroku-postgresql:essential-0 (heroku addons:create or addons:upgrade --app mysite-staging)`,
  ]);
  assert.not.ok(notes.join('').includes('MODE'), 'only what differs');
});

test('heroku: review_apps keeps the smallest plans for the review environment; review_environment picks another; a missing one is an error', () => {
  const small = JSON.parse(fileOf(build(`${HEROKU}targets:\n  heroku:\n    review_apps: true\n`, ['heroku']), 'app.json')!.contents);
  assert.equal(herokuSchemaErrors(small), []);
  assert.equal(small.environments.review.formation, { web: { quantity: 1, size: 'basic' } });
  assert.equal(small.environments.review.addons, [{ plan: 'heroku-postgresql:essential-0', as: 'DATABASE', options: { version: '16' } }]);
  assert.equal(small.environments.review.env, { DEMO: { value: 'yes it is' }, LEVEL: { value: 'debug' } });
  const picked = build(`${HEROKU}targets:\n  heroku:\n    review_environment: staging\n`, ['heroku']);
  const app = JSON.parse(fileOf(picked, 'app.json')!.contents);
  assert.equal(herokuSchemaErrors(app), []);
  assert.equal(app.environments.review.env, { LEVEL: { value: "it's staging" }, WEBHOOK_TOKEN: { required: true } });
  assert.equal(app.environments.review.formation, { web: { quantity: 1, size: 'standard-2x' } });
  assert.ok(brief(picked).some((l) => l.includes('heroku/environment environment "review"') && l.includes('DEMO=\'yes it is\'')), brief(picked).join('\n'));
  const missing = build(`${HEROKU}targets:\n  heroku:\n    review_environment: preview\n`, ['heroku']);
  assert.ok(brief(missing).some((l) => l.includes('warning heroku/review-environment review_environment names "preview"')), brief(missing).join('\n'));
  // The check can fail: app.json's schema knows only test, review and production under environments.
  assert.ok(herokuSchemaErrors({ ...app, environments: { staging: {} } }).length > 0);
});

test('heroku: a top-level variable the review environment drops is a warning, since environments.review cannot remove it', () => {
  const none = build(HEROKU, ['heroku']);
  assert.not.ok(brief(none).some((l) => l.includes('heroku/review-env-kept')), brief(none).join('\n'));
  // LEVEL becomes a reference (Heroku sets only the add-on's own variable), and collectstatic at build time drops
  // DISABLE_COLLECTSTATIC: app.json's top level still has both, and review apps would get them.
  const text = HEROKU.replace('name: mysite\n', 'name: mysite\nstatic:\n  collectstatic: skip\n').replace('      LEVEL: debug\n', '      LEVEL: {from: database.url}\n').replace('      DEMO: "yes it is"\n', '      DEMO: "yes it is"\n    static:\n      collectstatic: build\n');
  const r = build(text, ['heroku']);
  const app = JSON.parse(fileOf(r, 'app.json')!.contents);
  assert.ok(app.env.LEVEL && app.env.DISABLE_COLLECTSTATIC, JSON.stringify(app.env));
  assert.not.ok(app.environments.review.env?.LEVEL);
  const kept = brief(r).filter((l) => l.includes('heroku/review-env-kept'));
  assert.equal(kept.length, 1, brief(r).join('\n'));
  assert.match(kept[0]!, /^\d+:3 warning heroku\/review-env-kept review apps still get LEVEL, DISABLE_COLLECTSTATIC from app.json's top-level env: environment "review" does not set them/);
});

test('compose: build writes compose.<env>.yaml overrides beside compose.yaml; --check covers them; --env picks one', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + 'env:\n  LEVEL: info\nenvironments:\n  staging:\n    env:\n      LEVEL: debug\n  qa:\n    env:\n      LEVEL: warning\n' });
  assert.is(runCli(['build', '--target', 'docker'], { cwd: dir }).status, 0);
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('compose')).sort(), ['compose.qa.yaml', 'compose.staging.yaml', 'compose.yaml']);
  const staging = readFileSync(join(dir, 'compose.staging.yaml'), 'utf8');
  assert.match(staging, /^ {6}LEVEL: debug$/m);
  assert.not.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /LEVEL: debug/);
  assert.is(runCli(['build', '--check', '--target', 'docker'], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'compose.staging.yaml'), staging.replace('LEVEL: debug', 'LEVEL: error'));
  assert.is(runCli(['build', '--check', '--target', 'docker'], { cwd: dir }).status, 1);
  assert.is(runCli(['build', '--check', '--env', 'qa', '--target', 'docker'], { cwd: dir }).status, 0);
  assert.is(runCli(['build', '--check', '--env', 'staging', '--target', 'docker'], { cwd: dir }).status, 1);
  const qa = readFileSync(join(dir, 'compose.qa.yaml'), 'utf8');
  assert.is(runCli(['build', '--env', 'staging', '--target', 'docker', '--force'], { cwd: dir }).status, 0);
  assert.is(readFileSync(join(dir, 'compose.staging.yaml'), 'utf8'), staging);
  assert.is(readFileSync(join(dir, 'compose.qa.yaml'), 'utf8'), qa);
  assert.is(runCli(['build', '--check', '--target', 'docker'], { cwd: dir }).status, 0);
});

test.run();
