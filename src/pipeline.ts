/**
 * A CI pipeline, planned once for every CI target: what the test job runs, whether an image is built and where it
 * goes, and one deploy job per platform and environment, each from the `deploy` offers of the platform targets
 * (src/products.ts). Platform-free and CI-free: a CI target turns the plan into its own file format, and supplies
 * what only it knows (the variable holding the commit, how it logs in to its own registry).
 */
import pkg from '../package.json' with { type: 'json' };
import { RUNTIME_ENV, SETTINGS_MODULE_ENV } from './contract.js';
import { fromRoot, RESERVED_WORD, shellQuote } from './model/commands.js';
import { LOCK_FILE, POETRY_VERSION, UV_VERSION } from './model/python-tools.js';
import type { DeployModel, SpecPath } from './model/model.js';
import type { DeployPlan, DeployProduct, DeploySecret } from './products.js';
import type { Finding } from './spec/finding.js';
import type { EmitContext } from './target.js';

/** A pipeline target's options, normalized. */
export interface PipelineOptions {
  branch: string;
  testCommand: string;
  image: { registry: string; repository: string } | null;
  deploy: readonly string[];
  environments: Readonly<Record<string, { branch: string | null; approval: boolean }>>;
  specPath: SpecPath;
}

/** What only the CI knows. */
export interface CiFlavor {
  /** The CI's name, for messages. */
  name: string;
  /** The variable holding the full commit SHA in every job. */
  shaVariable: string;
  /** Where the user creates the secrets, for the notes. */
  secretsWhere: string;
  /** How to log in to `host`: user and password as shell words reading variables, and the secrets they are. */
  registryLogin(host: string): { user: string; password: string; secrets: DeploySecret[] };
}

export interface ShellStep {
  name: string;
  run: string;
  /** Plain (non-secret) variables of this step. */
  env?: Record<string, string>;
}

export interface TestJob {
  python: string;
  node: string;
  /** Files whose contents key the pip cache. */
  requirementFiles: string[];
  /** A PostgreSQL service for the tests: its image, and the variable the app reads its URL from. */
  database: { image: string; env: string; url: string } | null;
  install: ShellStep[];
  steps: ShellStep[];
}

export interface ImageJob {
  /** Registry host. */
  registry: string;
  /** The image without tag: `docker.io/acme/notes`. */
  name: string;
  /** Shell expression of the pushed reference, tag included: `docker.io/acme/notes:$GITHUB_SHA`. */
  ref: string;
  login: ShellStep;
  secrets: DeploySecret[];
  build: ShellStep;
  branches: string[];
}

export interface DeployJob {
  id: string;
  /** `production` or the spec's environment. */
  environment: string;
  platform: string;
  /** The branch whose pushes run it. */
  branch: string;
  approval: boolean;
  product: DeployProduct;
  plan: DeployPlan;
}

export interface Pipeline {
  test: TestJob;
  image: ImageJob | null;
  deploys: DeployJob[];
  /** Every secret the pipeline reads, with the jobs that read it, by name. */
  secrets: { name: string; description: string; jobs: string[] }[];
  findings: Finding[];
}

/** The pinned deployspec the test job checks the generated files with (the version that generated them). */
export const DEPLOYSPEC_VERSION: string = pkg.version;

/**
 * A first word that reads as a program name or path (`pytest`, `./run-tests.sh`, `bin/check`): `+%`, `0.` or `a=b`
 * alone would be read (and linted by shellcheck) as something else.
 */
const PROGRAM = /^(?:\.{1,2}\/|\/)?(?:[A-Za-z_][A-Za-z0-9_.+-]*\/)*(?:[A-Za-z_][A-Za-z0-9_.+-]*[A-Za-z0-9_]|[A-Za-z_])$/;

/** The step variable that carries a command of the spec which is not plain words (see scriptCommand). */
export const COMMAND_ENV = 'DEPLOYSPEC_COMMAND';

/**
 * A command of the spec as a line of a CI script: as written when it is plain words; otherwise the step hands it to
 * `sh -c` through a variable, so it means in CI what it means on the platforms (which run commands through a shell),
 * and its own syntax never mixes with the script around it, nor needs quoting a linter could misread.
 */
export function scriptCommand(command: string): { run: string; env: Record<string, string> } {
  const words = command.trim().split(/[ \t]+/);
  // An argument starting with `=`, `+=` or `==` after a name reads to shellcheck as a mistyped assignment or test;
  // a first word that is a reserved word of bash in any case (`for`, `Do`, `time`) is syntax, or a typo to it.
  const plain =
    PROGRAM.test(words[0]!) && !RESERVED_WORD.test(words[0]!.toLowerCase()) && words.every((w) => /^[A-Za-z0-9_@%+=:,./-]+$/.test(w)) && !words.slice(1).some((w) => /^\+?=/.test(w));
  if (plain) return { run: words.join(' '), env: {} };
  return { run: `sh -c -- "$${COMMAND_ENV}"`, env: { [COMMAND_ENV]: command } };
}

export function planPipeline(model: DeployModel, o: PipelineOptions, ctx: EmitContext, ci: CiFlavor): Pipeline {
  const findings: Finding[] = [];
  const at = (...rest: (string | number)[]): SpecPath => (model.targets[o.specPath[1] as string] !== undefined ? [...o.specPath, ...rest] : ['name']);

  // --- deploy jobs --------------------------------------------------------------------------------------------
  const offers = ctx.products('deploy');
  const deploys: DeployJob[] = [];
  for (const [i, platform] of o.deploy.entries()) {
    const product = offers.find((p) => p.platform === platform);
    if (!product) {
      findings.push({ severity: 'error', code: `${ci.name}/deploy-platform`, message: `no registered target offers a deploy to "${platform}"`, hint: `Choose from: ${offers.map((p) => p.platform).join(', ') || 'none'}.`, path: at('deploy', i) });
      continue;
    }
    deploys.push({ id: `deploy-${platform}`, environment: 'production', platform, branch: o.branch, approval: false, product, plan: product.plan(null) });
    for (const [env, rule] of Object.entries(o.environments).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!ctx.environments.includes(env)) continue;
      deploys.push({ id: `deploy-${platform}-${env}`, environment: env, platform, branch: rule.branch ?? o.branch, approval: rule.approval, product, plan: product.plan(env) });
    }
  }
  for (const env of Object.keys(o.environments).sort()) {
    if (!ctx.environments.includes(env)) {
      findings.push({ severity: 'error', code: `${ci.name}/environment`, message: `"${env}" is not an environment of the spec`, hint: `Name one of: ${ctx.environments.join(', ') || '(the spec defines none under environments:)'}.`, path: at('environments', env), at: 'key' });
    }
  }
  const unmapped = ctx.environments.filter((e) => !Object.hasOwn(o.environments, e));
  if (deploys.length && unmapped.length) {
    findings.push({ severity: 'info', code: `${ci.name}/environments-not-deployed`, message: `the pipeline does not deploy environment${unmapped.length > 1 ? 's' : ''} ${unmapped.join(', ')}`, hint: `Map ${unmapped.length > 1 ? 'them' : 'it'} under targets.${o.specPath[1]}.environments to a branch or a manual approval, e.g. \`${unmapped[0]}: {branch: develop}\`.`, path: at('deploy'), at: 'key' });
  }
  for (const d of deploys) {
    if (d.branch === o.branch && d.environment !== 'production' && !d.approval) {
      findings.push({ severity: 'warning', code: `${ci.name}/environment-branch`, message: `environment ${d.environment} deploys from ${o.branch}, like production`, hint: 'Give it its own branch, or `approval: true`.', path: at('environments', d.environment) });
    }
  }

  // --- image job ----------------------------------------------------------------------------------------------
  const imageProduct = ctx.product('image');
  const needImage = deploys.filter((d) => d.product.needsImage);
  let image: ImageJob | null = null;
  if ((needImage.length || o.image) && !imageProduct) {
    findings.push({ severity: 'error', code: `${ci.name}/no-image`, message: 'the pipeline builds a Docker image, but no registered target writes a Dockerfile', hint: 'Register the docker target (targets/index.ts).', path: at('image') });
  } else if (needImage.length && !o.image) {
    findings.push({ severity: 'error', code: `${ci.name}/image-registry`, message: `deploying to ${[...new Set(needImage.map((d) => d.platform))].join(', ')} runs a Docker image, but targets.${o.specPath[1]}.image names no registry to push it to`, hint: `Add \`image: {registry: docker.io, repository: <namespace>/${model.name}}\` (or ghcr.io, or your registry's host).`, path: at('deploy'), at: 'key' });
  } else if (o.image && imageProduct) {
    const name = `${o.image.registry}/${o.image.repository}`;
    const login = ci.registryLogin(o.image.registry);
    const ref = `${name}:$${ci.shaVariable}`;
    const branches = [...new Set((needImage.length ? needImage : deploys).map((d) => d.branch))];
    if (!branches.length) branches.push(o.branch);
    image = {
      registry: o.image.registry,
      name,
      ref,
      secrets: login.secrets,
      branches: branches.sort(),
      login: { name: `Log in to ${o.image.registry}`, run: `echo ${login.password} | docker login ${o.image.registry} --username ${login.user} --password-stdin\n` },
      build: {
        name: `Build and push ${name}`,
        run: [`docker build --file ${shellQuote(imageProduct.dockerfile)} --tag "${ref}" ${shellQuote(imageProduct.context)}`, `docker push "${ref}"`].join('\n') + '\n',
      },
    };
  }

  // --- test job -----------------------------------------------------------------------------------------------
  const settings = ctx.product('settings');
  const dj = model.django;
  const depDir = dj.dependencyFile.includes('/') ? dj.dependencyFile.slice(0, dj.dependencyFile.lastIndexOf('/')) : '.';
  const install: ShellStep[] = [{ name: 'Install pip', run: 'python -m pip install --upgrade pip\n' }];
  if (dj.dependencies === 'requirements') install.push({ name: 'Install the requirements', run: `python -m pip install -r ${shellQuote(dj.dependencyFile)}\n` });
  else if (dj.dependencies === 'pyproject') install.push({ name: 'Install the project', run: `python -m pip install ${shellQuote(depDir === '.' ? '.' : `./${depDir}`)}\n` });
  // The tests run with the dev dependencies: the whole lock, into the job's Python, without the project itself.
  else if (dj.dependencies === 'poetry') install.push({ name: 'Install the poetry.lock', run: `python -m pip install poetry==${POETRY_VERSION}\npoetry config virtualenvs.create false\n${fromRoot(depDir, 'poetry install --no-root --no-interaction')}\n` });
  else if (dj.dependencies === 'uv') install.push({ name: 'Install the uv.lock', run: `python -m pip install uv==${UV_VERSION}\n${fromRoot(depDir, 'uv export --locked --no-emit-project --output-file /tmp/requirements-uv.txt')}\npython -m pip install -r /tmp/requirements-uv.txt\n` });
  else install.push({ name: 'Install the Pipfile.lock', run: `python -m pip install pipenv\n${fromRoot(depDir, 'pipenv install --system --deploy')}\n` });
  if (settings) install.push({ name: 'Install what the production settings import', run: `python -m pip install -r ${shellQuote(settings.requirementsFile)}\n` });
  else findings.push({ severity: 'warning', code: `${ci.name}/no-settings`, message: 'no registered target generates the production settings, so `check --deploy` runs the project\'s own settings module', hint: 'Register the django target (targets/index.ts).', path: at() });

  const platforms = new Set(ctx.products('platformRuntime').map((p) => p.name));
  const runtime = deploys.map((d) => d.platform).find((p) => platforms.has(p)) ?? null;
  const failLevel = model.hosts.length || runtime ? ' --fail-level WARNING' : '';
  if (!failLevel) {
    findings.push({ severity: 'info', code: `${ci.name}/check-deploy`, message: '`manage.py check --deploy` fails the test job on errors only: without hosts or a deploy, ALLOWED_HOSTS is empty in CI (security.W020)', hint: 'List the app\'s domains under hosts:, or add a platform to deploy:, and the check fails on warnings too.', path: ['hosts'], at: 'key' });
  }
  const checkEnv: Record<string, string> = { [SETTINGS_MODULE_ENV]: settings?.module ?? dj.settingsModule, [RUNTIME_ENV.build]: '1' };
  if (runtime) checkEnv[RUNTIME_ENV.platform] = runtime;
  const key = `${dj.secretKeyEnv}="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"`;
  const database = model.database ? { image: `postgres:${model.database.version}`, env: model.database.env, url: 'postgres://postgres@localhost:5432/postgres' } : null;
  const testCommand = scriptCommand(o.testCommand);
  const steps: ShellStep[] = [
    { name: 'Run the tests', run: fromRoot(dj.root, testCommand.run) + '\n', ...(database || Object.keys(testCommand.env).length ? { env: { ...testCommand.env, ...(database ? { [database.env]: database.url } : {}) } } : {}) },
    // A random key, made in the job and never written: check --deploy reads the settings as production does; the
    // build switch lets them load without the platform's secrets and database (the check needs neither).
    { name: 'Check the production settings (manage.py check --deploy)', run: fromRoot(dj.root, `${key} python manage.py check --deploy${failLevel}`) + '\n', env: checkEnv },
    { name: 'Check the generated deploy files are up to date', run: `npx --yes deployspec@${DEPLOYSPEC_VERSION} build --check\n` },
  ];
  const lockFile = dj.dependencies === 'requirements' || dj.dependencies === 'pyproject' ? dj.dependencyFile : `${depDir === '.' ? '' : `${depDir}/`}${LOCK_FILE[dj.dependencies]}`;
  const requirementFiles = [lockFile, ...(settings ? [settings.requirementsFile] : [])];
  const test: TestJob = { python: model.runtime.python, node: model.runtime.node, requirementFiles, database, install, steps };

  // --- secrets ------------------------------------------------------------------------------------------------
  const secrets = new Map<string, { name: string; description: string; jobs: string[] }>();
  const use = (s: DeploySecret, job: string) => {
    const e = secrets.get(s.name) ?? { name: s.name, description: s.description, jobs: [] };
    if (!e.jobs.includes(job)) e.jobs.push(job);
    secrets.set(s.name, e);
  };
  if (image) for (const s of image.secrets) use(s, 'image');
  for (const d of deploys) {
    for (const s of d.plan.secrets) use(s, d.id);
    if (d.product.needsImage && image) for (const s of image.secrets) use(s, d.id);
  }
  const list = [...secrets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (list.length) {
    findings.push({ severity: 'info', code: `${ci.name}/secrets`, message: `the pipeline reads these secrets by name, never from a file: ${list.map((s) => s.name).join(', ')}`, hint: `Create them in ${ci.secretsWhere}: ${list.map((s) => `${s.name} (${s.description})`).join('; ')}.`, path: at('deploy'), at: 'key' });
  }
  for (const d of deploys) {
    for (const note of d.product.notes) {
      const code = `${ci.name}/deploy-setup`;
      if (!findings.some((f) => f.code === code && f.message.endsWith(note))) findings.push({ severity: 'info', code, message: `before the first ${d.platform} deploy: ${note}`, hint: `The ${d.id} job assumes it is done.`, path: at('deploy'), at: 'key' });
    }
  }
  return { test, image, deploys, secrets: list, findings };
}
