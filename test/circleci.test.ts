/**
 * The circleci target, Heroku's container stack (heroku.yml) and .env.example, on the seed scenario
 * (examples/08-circleci-heroku-container): CircleCI, a Docker image pushed to Docker Hub, a Heroku container deploy
 * that releases web, the worker and the release phase together, and Sentry.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { checkConfig } from '../targets/circleci/conformance.js';
import { CONFIG } from '../targets/circleci/circleci.js';
import { checkHerokuYml, conformance as herokuConformance } from '../targets/heroku/conformance.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { compileText } from './helpers/spec.js';

const t = suite('circleci');
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SEED = exampleText('08-circleci-heroku-container');

function build(text: string) {
  const r = compileText(text);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), []);
  return r;
}

t('every example builds a config that CircleCI\'s schema, the step check and shellcheck accept', () => {
  for (const ex of EXAMPLES) {
    const f = build(exampleText(ex)).files.find((x) => x.path === CONFIG)!;
    assert.equal(checkConfig(CONFIG, f.contents), [], ex);
  }
});

t('the step check catches a step CircleCI\'s schema lets through', () => {
  const bad = 'version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/base:2024.12\n    steps:\n      - chekout\n      - run: echo $x\nworkflows:\n  w:\n    jobs:\n      - test\n      - deploy:\n          requires: [nope]\n';
  const problems = checkConfig('c.yml', bad).join('\n');
  assert.match(problems, /step 0 is not a known step \("chekout"\)/);
  assert.match(problems, /undefined job deploy/);
  assert.match(problems, /requires nope/);
  assert.match(problems, /SC2086|SC2154/);
});

t('the seed: three jobs, image and deploy only on main, the deploy after the image, one deploy at a time', () => {
  const r = build(SEED);
  const cfg = parse(r.files.find((f) => f.path === CONFIG)!.contents, { merge: true }) as Obj;
  assert.equal(Object.keys(cfg.jobs), ['test', 'image', 'deploy-heroku']);
  const flow = cfg.workflows.pipeline.jobs as unknown[];
  assert.equal(flow[0], 'test');
  assert.equal(flow[1], { image: { requires: ['test'], filters: { branches: { only: ['main'] } } } });
  assert.equal(flow[2], { 'deploy-heroku': { requires: ['test', 'image'], filters: { branches: { only: ['main'] } }, 'serial-group': '<< pipeline.project.slug >>/deploy-production' } });
  const image = (cfg.jobs.image.steps as Obj[]).map((s) => s.run?.command ?? '').join('');
  assert.match(image, 'echo "$DOCKERHUB_PASS" | docker login docker.io --username "$DOCKERHUB_USERNAME" --password-stdin');
  assert.match(image, 'docker push "docker.io/acme/ledger:$CIRCLE_SHA1"');
  const deploy = (cfg.jobs['deploy-heroku'].steps as Obj[]).map((s) => s.run?.command ?? '').join('');
  // web keeps the image's CMD; worker and release get their commands; all three are released in one update.
  assert.match(deploy, 'docker tag "$DEPLOYSPEC_IMAGE" registry.heroku.com/ledger/web');
  assert.match(deploy, `'["sh","-c","python manage.py process_tasks"]' | docker build --tag registry.heroku.com/ledger/worker -`);
  assert.match(deploy, `'["sh","-c","python manage.py migrate --noinput"]' | docker build --tag registry.heroku.com/ledger/release -`);
  assert.match(deploy, /--data '\{"updates":\[\{"type":"web",.*\{"type":"worker",.*\{"type":"release",/);
  assert.match(deploy, 'version=3.docker-releases');
  const secrets = r.diagnostics.find((d) => d.code === 'circleci/secrets')!;
  assert.match(secrets.message, 'DOCKERHUB_PASS, DOCKERHUB_USERNAME, HEROKU_API_KEY');
  assert.ok(r.diagnostics.some((d) => d.code === 'circleci/deploy-setup' && d.message.includes('heroku stack:set container')));
  // Caching of pip and npm.
  const steps = cfg.jobs.test.steps as Obj[];
  assert.ok(steps.some((s) => s.save_cache?.paths?.includes('~/.cache/pip')));
  assert.ok(steps.some((s) => s.save_cache?.paths?.includes('~/.npm')));
});

t('CircleCI parameters: a `<<` in a command is escaped, so CircleCI hands it to the shell unchanged', () => {
  const r = build(SEED.replace('    deploy:\n', '    test_command: python manage.py test <<< x\n    deploy:\n'));
  const cfg = parse(r.files.find((f) => f.path === CONFIG)!.contents) as Obj;
  const step = (cfg.jobs.test.steps as Obj[]).find((s) => s.run?.name === 'Run the tests')!;
  assert.is(step.run.command, 'sh -c -- "$DEPLOYSPEC_COMMAND"\n');
  assert.is(step.run.environment.DEPLOYSPEC_COMMAND, 'python manage.py test \\<<< x');
});

t('heroku.yml: the container stack builds the Dockerfile, runs the release phase, and replaces the Procfile', () => {
  const r = build(SEED);
  assert.not.ok(r.files.some((f) => f.path === 'Procfile' || f.path === '.python-version'));
  const doc = parse(r.files.find((f) => f.path === 'heroku.yml')!.contents) as Obj;
  assert.equal(doc, { build: { docker: { web: 'Dockerfile' } }, release: { image: 'web', command: ['python manage.py migrate --noinput'] }, run: { worker: { command: ['python manage.py process_tasks'], image: 'web' } } });
  assert.equal(checkHerokuYml(doc), []);
  assert.equal(herokuConformance(r), []);
  assert.not.ok('buildpacks' in JSON.parse(r.files.find((f) => f.path === 'app.json')!.contents));
  assert.equal(checkHerokuYml({ build: { docker: { web: 'Dockerfile' } }, release: { image: 'worker', command: ['x'] } }), ['heroku.yml: release.image names image worker, which build.docker does not build']);
  const buildpacks = build(SEED.replace('    build: container\n', '    build: buildpacks\n'));
  assert.ok(buildpacks.files.some((f) => f.path === 'Procfile'));
  assert.not.ok(buildpacks.files.some((f) => f.path === 'heroku.yml'));
});

t('.env.example: every variable with its kind and description, and never a value', () => {
  const text = SEED.replace('env:\n', 'env:\n  PAYMENT_KEY:\n    secret: true\n    description: "Payments\\nINJECTED=1"\n');
  const r = build(text);
  const env = r.files.find((f) => f.path === '.env.example')!.contents;
  assert.match(env, '# SECRET_KEY - ');
  assert.match(env, '(generated secret: make one with');
  assert.match(env, '\nSECRET_KEY=\n');
  assert.match(env, '# PAYMENT_KEY - Payments INJECTED=1\n# (secret: set it in .env, never commit it)\nPAYMENT_KEY=\n');
  assert.match(env, '\n# DEFAULT_FROM_EMAIL=\n');
  assert.not.match(env, 'books@ledger.example.com');
  // Every uncommented line is NAME= with nothing after it.
  for (const line of env.split('\n')) if (line && !line.startsWith('#')) assert.match(line, /^[A-Z_][A-Z0-9_]*=$/);
});

t.run();
