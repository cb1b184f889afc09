/**
 * The github-actions target, the pipeline plan it shares with circleci (src/pipeline.ts), the output-path policy's
 * exceptions for CI configuration and example environment files, and the test job run for real: its
 * `deployspec build --check` and `manage.py check --deploy` steps, exactly as the generated workflow writes them, in
 * a copy of examples/07-django-project (Django from the test matrix, scripts/deps/20-django-matrix.sh).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { refuseOutputPath } from '../src/io/output-policy.js';
import { scriptCommand } from '../src/pipeline.js';
import { checkWorkflow } from '../targets/github-actions/conformance.js';
import { ACTIONS, WORKFLOW } from '../targets/github-actions/github-actions.js';
import { shellcheck, shellcheckVersion } from './helpers/ci.js';
import { loadMatrix } from './helpers/django-matrix.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { ROOT, compileText, skipLoudly, yaml } from './helpers/spec.js';

const t = suite('github-actions');
const replaced = (from: string, to: string) => {
  assert.ok(SEED.includes(from), `the seed contains ${JSON.stringify(from)}`);
  return SEED.replace(from, to);
};
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SEED = yaml`
  version: 1
  name: tracker
  django:
    project: tracker
  processes:
    web: {}
    worker:
      command: python manage.py process_tasks
  release:
    command: python manage.py migrate --noinput
  database:
    version: "16"
  monitoring:
    sentry: {}
  hosts:
    - tracker.example.net
  environments:
    staging:
      hosts:
        - staging.tracker.example.net
    review:
      hosts:
        - review.tracker.example.net
  targets:
    heroku:
      build: container
    github-actions:
      image:
        registry: ghcr.io
        repository: acme/tracker
      deploy: [heroku, kubernetes, fly, render, digitalocean]
      environments:
        staging:
          branch: develop
        review:
          approval: true
`;

function workflowOf(text: string): { wf: Obj; text: string; r: ReturnType<typeof compileText> } {
  const r = compileText(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.map((d) => `${d.code} ${d.message}`), []);
  const f = r.files.find((x) => x.path === WORKFLOW)!;
  assert.ok(f, 'workflow written');
  return { wf: parse(f.contents, { version: '1.2' }), text: f.contents, r };
}

t('every example builds a workflow that SchemaStore, GitHub\'s parser and shellcheck accept', () => {
  for (const ex of EXAMPLES) {
    const { text } = workflowOf(exampleText(ex));
    assert.equal(checkWorkflow(WORKFLOW, text), [], ex);
  }
});

t('the conformance check catches what it claims to: a misspelled step, an unpinned action, a shell mistake', () => {
  const bad = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v4\n      - chekout: 1\n      - run: echo $x\n';
  const problems = checkWorkflow('x.yml', bad).join('\n');
  assert.match(problems, /workflow-parser: .*chekout/);
  assert.match(problems, /schema:/);
  assert.match(problems, /not a pinned release/);
  assert.match(problems, /SC2086|SC2154/);
});

t('the seed: test on every branch, image and deploys on main, environments on their branch or approval', () => {
  const { wf, text, r } = workflowOf(SEED);
  assert.equal(checkWorkflow(WORKFLOW, text), []);
  assert.equal(wf.on.push.branches, ['**']);
  assert.equal(Object.keys(wf.jobs), ['test', 'image', 'deploy-heroku', 'deploy-heroku-review', 'deploy-heroku-staging', 'deploy-kubernetes', 'deploy-kubernetes-review', 'deploy-kubernetes-staging', 'deploy-fly', 'deploy-fly-review', 'deploy-fly-staging', 'deploy-render', 'deploy-render-review', 'deploy-render-staging', 'deploy-digitalocean', 'deploy-digitalocean-review', 'deploy-digitalocean-staging']);
  assert.not.ok(wf.jobs.test.if, 'tests run on every branch');
  assert.is(wf.jobs.image.if, "github.event_name == 'push' && (github.ref == 'refs/heads/develop' || github.ref == 'refs/heads/main')");
  assert.equal(wf.jobs.image.permissions, { contents: 'read', packages: 'write' });
  assert.is(wf.jobs['deploy-heroku'].if, "github.event_name == 'push' && (github.ref == 'refs/heads/main')");
  assert.is(wf.jobs['deploy-heroku-staging'].if, "github.event_name == 'push' && (github.ref == 'refs/heads/develop')");
  assert.is(wf.jobs['deploy-heroku-review'].environment, 'review');
  assert.equal(wf.jobs['deploy-heroku'].needs, ['test', 'image']);
  assert.equal(wf.jobs['deploy-fly'].needs, ['test'], 'Fly builds its own image');
  for (const [id, job] of Object.entries(wf.jobs as Obj)) {
    if (!id.startsWith('deploy-')) continue;
    assert.equal(job.concurrency, { group: `deploy-${job.environment}`, 'cancel-in-progress': false }, id);
  }
  // Container stack: web, worker and release pushed and released together, in one formation update.
  const heroku = (wf.jobs['deploy-heroku'].steps as Obj[]).map((s) => s.run ?? '').join('\n');
  for (const type of ['web', 'worker', 'release']) assert.match(heroku, `docker push registry.heroku.com/tracker/${type}`);
  assert.match(heroku, /"updates":\[\{"type":"web".*\{"type":"worker".*\{"type":"release"/);
  assert.match((wf.jobs['deploy-heroku-staging'].steps as Obj[]).map((s) => s.run ?? '').join('\n'), 'registry.heroku.com/tracker-staging/release');
  // Kubernetes: the release Job is applied and awaited before the whole overlay and its rollout.
  const k8s = (wf.jobs['deploy-kubernetes'].steps as Obj[]).map((s) => s.run ?? '').join('\n');
  assert.ok(k8s.indexOf('--selector deployspec/phase=release') < k8s.indexOf('wait --namespace tracker --for=condition=complete'));
  assert.ok(k8s.indexOf('condition=complete') < k8s.indexOf('rollout status --namespace tracker --timeout=600s deployment/tracker-web'));
  // Secrets by name only, each from the secret of the same name; listed in a note.
  const env = (wf.jobs['deploy-render-staging'].steps as Obj[]).find((s) => s.env)!.env;
  assert.is(env.RENDER_DEPLOY_HOOK_URL_STAGING, '${{ secrets.RENDER_DEPLOY_HOOK_URL_STAGING }}');
  const note = r.diagnostics.find((d) => d.code === 'github-actions/secrets')!;
  for (const s of ['HEROKU_API_KEY', 'KUBE_CONFIG_STAGING', 'FLY_API_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_APP_ID_REVIEW', 'GITHUB_TOKEN']) assert.match(note.message, s);
  assert.ok(r.diagnostics.some((d) => d.code === 'github-actions/approval' && d.message.includes('deploy-heroku-review')));
  // Pinned actions and caches.
  const uses = (wf.jobs.test.steps as Obj[]).map((s) => s.uses).filter(Boolean);
  assert.equal(uses, [ACTIONS.checkout, ACTIONS.setupPython, ACTIONS.setupNode, ACTIONS.cache]);
  assert.is((wf.jobs.test.steps as Obj[])[1]!.with.cache, 'pip');
  assert.is(wf.jobs.test.services.postgres.image, 'postgres:16');
});

t('check --deploy runs the production settings module with the build switch and a key made in the job', () => {
  const { wf } = workflowOf(SEED);
  const step = (wf.jobs.test.steps as Obj[]).find((s) => /check --deploy/.test(s.run ?? ''))!;
  assert.equal(step.env, { DEPLOYSPEC_PLATFORM: 'heroku', DJANGO_COLLECTSTATIC: '1', DJANGO_SETTINGS_MODULE: 'tracker.deploy_settings' });
  assert.match(step.run, /^SECRET_KEY="\$\(python -c 'import secrets; print\(secrets.token_urlsafe\(50\)\)'\)" python manage.py check --deploy --fail-level WARNING\n$/);
  const tests = (wf.jobs.test.steps as Obj[]).find((s) => s.name === 'Run the tests')!;
  assert.is(tests.run, 'python manage.py test\n');
  assert.equal(tests.env, { DATABASE_URL: 'postgres://postgres@localhost:5432/postgres' });
});

t('test_command is the project\'s own; a command that is not plain words runs through sh -c, whole', () => {
  const plain = (c: string) => assert.equal(scriptCommand(c), { run: c, env: {} }, c);
  const whole = (c: string) => assert.equal(scriptCommand(c), { run: 'sh -c -- "$DEPLOYSPEC_COMMAND"', env: { DEPLOYSPEC_COMMAND: c } }, c);
  plain('pytest -q');
  plain('./run-tests.sh --fast');
  whole('pytest -q && echo "done $X"');
  whole('-x');
  whole('+%'); // not a program name: shellcheck reads it as one ending in %
  whole('A=1 pytest');
  whole('0.');
  whole('bin/');
  whole('~/bin/test'); // quoted, shellcheck would say the tilde does not expand; sh -c expands it, as the platforms do
  // An argument starting with = after a name: bash passes it on, shellcheck reads a mistyped assignment or test.
  whole('tJ =ziOg 0@x3');
  whole('make +=x');
  whole('check ==x');
  whole('run = x');
  // bash's reserved words, and any case of them (shellcheck: a typo for the keyword).
  for (const w of ['for', 'Do', 'If x', 'DONE', 'Select', 'time pytest', 'Esac', 'then x']) whole(w);
  plain('Doit --fast');
  plain('pytest a=b --ds=x.y a+=b -k=1');
  // Every form above is a script shellcheck accepts as it is emitted.
  const runs = ['pytest -q', './run-tests.sh --fast', 'pytest a=b --ds=x.y a+=b -k=1', 'tJ =ziOg 0@x3', 'make +=x', 'check ==x', 'run = x', '+%', '0.', 'Do', 'If x', 'for', 'Doit --fast'].map((c) => scriptCommand(c).run);
  if (shellcheckVersion) assert.equal(shellcheck(runs.map((run, i) => ({ name: String(i), script: `#!/bin/bash\n${run}\n` }))), []);
  assert.ok(shellcheckVersion || process.env.CI !== 'true', 'CI has shellcheck');
  const { wf } = workflowOf(replaced('  github-actions:\n', '  github-actions:\n    test_command: pytest -q --ds=tracker.settings\n'));
  assert.ok((wf.jobs.test.steps as Obj[]).some((s) => s.run === 'pytest -q --ds=tracker.settings\n'));
});

t('a test command with a GitHub expression is refused: GitHub would evaluate it before the shell', () => {
  const r = compileText(replaced('  github-actions:\n', '  github-actions:\n    test_command: echo ${{ secrets.HEROKU_API_KEY }}\n'));
  const e = r.diagnostics.find((d) => d.code === 'github-actions/expression')!;
  assert.ok(e && e.severity === 'error' && e.line > 1, JSON.stringify(r.diagnostics.map((d) => d.code)));
  assert.not.ok(r.files.some((f) => f.path === '.github/workflows/deploy.yml'));
  // Commands a container deploy bakes into its image reach the workflow too: the release and process commands.
  for (const [from, to, path] of [
    ['command: python manage.py migrate --noinput', 'command: echo ${{ github.token }}', 'release.command'],
    ['command: python manage.py process_tasks', 'command: run ${{ x }}', 'processes.worker.command'],
  ] as const) {
    const c = compileText(replaced(from, to));
    const found = c.diagnostics.find((d) => d.code === 'github-actions/expression');
    assert.ok(found && found.severity === 'error' && found.path?.join('.') === path, `${path}: ${JSON.stringify(c.diagnostics.map((d) => [d.code, d.path]))}`);
  }
});

t('errors: an unknown environment, an image deploy without a registry; notes for environments left out', () => {
  const noImage = compileText(replaced('    image:\n      registry: ghcr.io\n      repository: acme/tracker\n', ''));
  assert.ok(noImage.diagnostics.some((d) => d.severity === 'error' && d.code === 'github-actions/image-registry' && d.hint?.includes('image:')));
  const unknown = compileText(replaced('      review:\n        approval: true\n', '      qa:\n        approval: true\n'));
  const e = unknown.diagnostics.find((d) => d.code === 'github-actions/environment')!;
  assert.ok(e && e.severity === 'error' && e.line > 1);
  const left = compileText(replaced('      review:\n        approval: true\n', ''));
  assert.ok(left.diagnostics.some((d) => d.code === 'github-actions/environments-not-deployed' && d.message.includes('review')));
});

t('no deploy: the workflow is the test job alone, and no secrets are needed', () => {
  const { wf, r } = workflowOf(exampleText('01-minimal'));
  assert.equal(Object.keys(wf.jobs), ['test']);
  assert.not.ok(r.diagnostics.some((d) => d.code === 'github-actions/secrets'));
});

t('a secret of the app never gets a value in the workflow, whatever the options', () => {
  const { text } = workflowOf(SEED);
  assert.not.match(text, /SECRET_KEY:/);
  assert.not.match(text, /SENTRY_DSN/);
});

t('a secret of the app named like a CI secret is referenced, not given a value', () => {
  const r = compileText('version: 1\nname: ab\ndjango:\n  project: ab\nenv:\n  FLY_API_TOKEN:\n    secret: true\ntargets:\n  github-actions:\n    deploy: [fly]\n');
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), []);
  assert.match(r.files.find((f) => f.path === WORKFLOW)!.contents, 'FLY_API_TOKEN: ${{ secrets.FLY_API_TOKEN }}');
});

t('output policy: CI files and example env files only when a target declares the exact path', () => {
  const owned = { 'github-actions': [WORKFLOW], docker: ['Dockerfile', '.env.example'], wild: ['.github/**', '.env.*', '.circleci/*'] };
  assert.is(refuseOutputPath(WORKFLOW, 'github-actions', owned), null);
  assert.is(refuseOutputPath('.env.example', 'docker', owned), null);
  assert.is(refuseOutputPath('.ENV.Example', 'docker', owned), null, 'as the file system folds it');
  for (const [p, target] of [[WORKFLOW, 'docker'], ['.github/workflows/other.yml', 'github-actions'], ['.env.example', 'github-actions'], ['.env', 'docker'], ['.env.local', 'docker'], ['.github/workflows/x.yml', 'wild'], ['.env.example', 'wild'], ['.circleci/config.yml', 'wild'], ['.github/.ssh/id_rsa', 'github-actions'], ['.github/x.pem', 'github-actions']]) {
    assert.ok(refuseOutputPath(p!, target!, owned), `${p} for ${target}`);
  }
  assert.ok(refuseOutputPath('.github/x.pem', 'github-actions', { 'github-actions': ['.github/x.pem'] }), 'a key is never an exception');
});

// --- the test job, run for real ---------------------------------------------------------------------------------

const e2e = suite('github-actions test job (examples/07-django-project)');
const matrix = loadMatrix();
const trixie = 'missing' in matrix ? null : matrix.environments.find((e) => e.rootName === 'trixie' && e.pythonPath === '');
const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
const missing = ['missing' in matrix ? matrix.missing : '', trixie ? '' : 'the trixie root with Django 4.2', python3 ? '' : 'python3', spawnSync('node', [ROOT + 'bin/deployspec.js', '--version']).status === 0 ? '' : 'the built CLI (npm run build)'].filter(Boolean);

if (missing.length) {
  const why = `needs ${missing.join(', ')}`;
  if (process.env.CI === 'true') e2e('the test job runs', () => assert.unreachable(`${why} — CI must run it`));
  else {
    skipLoudly('the generated test job against examples/07-django-project', why);
    e2e.skip('the test job runs', () => {});
  }
} else {
  e2e("the test job's build --check and check --deploy steps pass as written, and build --check fails on a stale file", () => {
    const work = mkdtempSync(join(tmpdir(), 'deployspec-ci-'));
    try {
      const app = join(work, 'app');
      cpSync(ROOT + 'examples/07-django-project', app, { recursive: true });
      const cli = (args: string[]) => spawnSync(process.execPath, [ROOT + 'bin/deployspec.js', ...args], { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const built = cli(['build', '.', '--target', 'all', '--force']);
      assert.is(built.status, 0, built.stderr + built.stdout);
      const wf = parse(readFileSync(join(app, WORKFLOW), 'utf8'), { version: '1.2' }) as Obj;
      const steps = wf.jobs.test.steps as Obj[];
      // `python` as the CI image has it, with the matrix's Django (pure Python) on the path: offline, no pip.
      const bin = join(work, 'bin');
      mkdirSync(bin);
      const py = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(py, join(bin, 'python'));
      const run = (s: Obj, replace: [string, string][] = []) => {
        let script = s.run as string;
        for (const [a, b] of replace) script = script.split(a).join(b);
        return spawnSync('bash', ['-eo', 'pipefail', '-c', script], { cwd: app, encoding: 'utf8', env: { ...process.env, ...(s.env ?? {}), PATH: `${bin}:${process.env.PATH}`, PYTHONPATH: `${trixie!.root}/usr/lib/python3/dist-packages` } });
      };
      const check = steps.find((s) => /manage\.py check --deploy/.test(s.run ?? ''))!;
      const c = run(check);
      assert.is(c.status, 0, c.stderr + c.stdout);
      assert.match(c.stdout + c.stderr, /System check identified no issues/);
      const stale = steps.find((s) => /deployspec@[^ ]+ build --check/.test(s.run ?? ''))!;
      const npx = /npx --yes deployspec@[^ ]+/.exec(stale.run)![0];
      const offline: [string, string][] = [[npx, `${JSON.stringify(process.execPath)} ${JSON.stringify(ROOT + 'bin/deployspec.js')}`]];
      const fresh = run(stale, offline);
      assert.is(fresh.status, 0, fresh.stderr + fresh.stdout);
      appendFileSync(join(app, 'Procfile'), 'extra: sleep 1\n');
      const failed = run(stale, offline);
      assert.is.not(failed.status, 0, 'a stale Procfile fails the job');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

t.run();
e2e.run();
