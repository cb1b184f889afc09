/**
 * Heroku: Procfile, app.json, the Python version pin and the Aptfile.
 * Field choices follow Heroku Dev Center: "Procfile", "Release Phase", "app.json Schema", "Specifying a Python
 * Version" (python-support), "Heroku Postgres" / "Heroku Key-Value Store" plans, "Heroku Scheduler" and "Using
 * Multiple Buildpacks for an App"; the Aptfile follows heroku-buildpack-apt's README (Cedar stacks; Fir apps use
 * the heroku/deb-packages buildpack and project.toml instead).
 */
import { fromRoot, notOneLine, shellQuote, webCommand } from '../../src/model/commands.js';
import type { DeployModel, ProcessModel, Size } from '../../src/model/model.js';
import type { Finding } from '../../src/spec/finding.js';
import { mergeOverrides } from '../../src/model/overrides.js';
import { keysNameComponents } from '../../src/spec/rules.js';
import { aptfile, imageFindings, listed, missingPackages } from '../../src/model/system-packages.js';
import type { EmitContext, EmitResult, Target } from '../../src/target.js';
import { checkAppJson } from './check.js';
import { herokuDeploy } from './deploy.js';
import { herokuYml } from './heroku-yml.js';
import { importers } from './import.js';
import { DEFAULTS } from './options.gen.js';
import { herokuOptions } from './options.js';
import type { HerokuOptions } from './options.js';
import { schedulerChoice } from './scheduler.js';

const DYNO: Record<Size, string> = { tiny: 'basic', small: 'standard-1x', medium: 'standard-2x', large: 'performance-m', xlarge: 'performance-l' };
/** Dyno types that run one dyno per process type at most (Dev Center "Dyno Types"). */
const SINGLE = new Set(['eco', 'basic']);
const POSTGRES_PLAN = { dev: 'essential-0', production: 'standard-0' } as const;
const REDIS_PLAN = { dev: 'mini', production: 'premium-0' } as const;
/** The apt buildpack's registry name; it reads the Aptfile and must run before the Python buildpack. */
const APT_BUILDPACK = 'heroku-community/apt';
const isAptBuildpack = (b: string) => b === APT_BUILDPACK || /^https:\/\/github\.com\/heroku\/heroku-buildpack-apt(\.git)?(#.*)?$/.test(b);
const isPythonBuildpack = (b: string) => b === 'heroku/python' || /^https:\/\/github\.com\/heroku\/heroku-buildpack-python(\.git)?(#.*)?$/.test(b);

type Json = Record<string, unknown>;

export const heroku: Target<'heroku', HerokuOptions> = {
  name: 'heroku',
  description: 'Procfile, app.json and .python-version for Heroku',
  capabilities: {
    // Jobs get the Scheduler add-on and one finding each (emit), so no generic note here.
    cron: true,
    release: true,
    workers: true,
    staticSite: {
      severity: 'info',
      message: (subject) => `Heroku has no static site component: ${subject} falls back to WhiteNoise in the web dyno`,
      hint: () => 'Keep whitenoise installed (the generated settings use it on Heroku), or put a CDN in front of the app.',
    },
    // Config vars, add-on URLs included, are exported to the build (Dev Center "Buildpack API": ENV_DIR);
    // they exist only once the add-on is provisioned, and the build dyno must be able to reach the resource.
    buildTimeResourceUrls: {
      severity: 'info',
      message: (subject) => `Heroku passes ${subject} to the build as a config var, but only after the add-on exists`,
      hint: () => 'Build steps that need the database must tolerate its absence on the very first build of a new app.',
    },
    generatedSecrets: true,
  },
  options: herokuOptions,
  rules: (spec) => keysNameComponents(spec, 'heroku', 'sizes'),
  emit,
  offers: {
    // Heroku sets DYNO in every dyno; apps are served under <app>.herokuapp.com, Heroku Postgres requires TLS and
    // Heroku Key-Value Store serves TLS with a self-signed certificate (Dev Center "Heroku Key-Value Store").
    platformRuntime: () => ({ name: 'heroku', detect: 'DYNO', hosts: ['.herokuapp.com'], hostEnv: null, databaseTls: true, redisSelfSigned: true }),
    deploy: herokuDeploy,
    // What the Aptfile installs; nothing on the container stack, where the image is built from the Dockerfile.
    systemPackages: (_model, h) => ({ platform: 'heroku', option: [...h.specPath, 'system_packages'], packages: h.build === 'container' ? [] : h.systemPackages }),
  },
  importers,
  outputs: ['Procfile', 'app.json', '.python-version', 'runtime.txt', 'heroku.yml', 'Aptfile'],
  nextSteps: (model, h) => {
    const later = "(app.json's add-ons and formation apply to review apps and the Heroku Button; on an existing app, add them with heroku addons:create)";
    if (h.build === 'container' || !h.systemPackages.length) return [`heroku create ${model.name} && git push heroku main   ${later}`];
    // An app with no buildpack set detects one; once one is added, every buildpack must be, in order.
    const adds = buildpackList(model, h).map((b) => `heroku buildpacks:add ${b}`).join(' && ');
    return [`heroku create ${model.name} && ${adds} && git push heroku main   ${later}`, `heroku buildpacks:add --index 1 ${APT_BUILDPACK}   (an app created before: the Aptfile is read only by the apt buildpack, which must run before heroku/python)`];
  },
};

/**
 * Production's files, and what each environment (`environments:`) is on Heroku: the review-app environment goes into
 * app.json's `environments.review`; every other one is an app of its own that no file describes, so a note lists
 * what to set on it. The Procfile and the Python version file are one for every app.
 */
function emit(model: DeployModel, h: HerokuOptions, ctx: EmitContext): EmitResult {
  const out = emitFiles(model, h, ctx);
  if (model.environment !== null) return out;
  const envs = ctx.environments;
  if (h.reviewEnvironment !== DEFAULTS.review_environment && !envs.includes(h.reviewEnvironment)) {
    out.findings.push({ severity: 'warning', code: 'heroku/review-environment', message: `review_environment names "${h.reviewEnvironment}", which is not an environment: review apps get production's values`, hint: `Define environments.${h.reviewEnvironment}, or name one of: ${envs.join(', ') || '(none defined)'}.`, path: [...h.specPath, 'review_environment'] });
  }
  const app = out.files.find((f) => f.path === 'app.json');
  for (const env of envs) {
    const m = ctx.modelFor(env);
    const eh = herokuOptions(m.targets.heroku);
    const own = emitFiles(m, eh, ctx);
    if (env === h.reviewEnvironment) {
      if (app) app.contents = JSON.stringify(withReview(JSON.parse(app.contents) as Json, m, eh, h.reviewApps, out.findings), null, 2) + '\n';
      continue;
    }
    const note = environmentNote(model, h, m, eh, out.files, own.files);
    if (note) out.findings.push(note);
  }
  return out;
}

/**
 * app.json with `environments.review` from the review-app environment's model: what differs from the top level.
 * Heroku overlays `environments.review.env` on the top-level variables and has no way to remove one, so a variable
 * the environment no longer has is a warning instead of silently reaching review apps.
 */
function withReview(app: Json, m: DeployModel, eh: HerokuOptions, smallest: boolean, findings: Finding[]): Json {
  const review: Json = {};
  const top = (app.env ?? {}) as Json;
  const own = envBlock(m, []);
  const env = Object.fromEntries(Object.entries(own).filter(([k, v]) => JSON.stringify(top[k]) !== JSON.stringify(v)));
  if (Object.keys(env).length) review.env = env;
  const kept = Object.keys(top).filter((k) => !Object.hasOwn(own, k));
  if (kept.length) {
    findings.push({
      severity: 'warning',
      code: 'heroku/review-env-kept',
      message: `review apps still get ${kept.join(', ')} from app.json's top-level env: environment "${m.environment}" does not set ${kept.length > 1 ? 'them' : 'it'}, and app.json's environments.review cannot remove a variable`,
      hint: `Give ${kept.length > 1 ? 'each' : 'it'} the value review apps need under environments.${m.environment}.env, or run heroku config:unset ${kept.join(' ')} on each review app.`,
      path: ['environments', m.environment!],
      at: 'key',
    });
  }
  review.formation = formation(m, eh, [], smallest);
  const addons = addonList(m, eh, [], smallest);
  if (addons.length) review.addons = addons;
  return { ...app, environments: { review } };
}

/** The note for an environment that is an app of its own: the commands that make it what the environment says. */
function environmentNote(model: DeployModel, h: HerokuOptions, m: DeployModel, eh: HerokuOptions, baseFiles: EmitResult['files'], ownFiles: EmitResult['files']): Finding | null {
  const env = m.environment!;
  const app = `${model.name}-${env}`;
  const steps: string[] = [];
  const plain: string[] = [];
  const secrets: string[] = [];
  for (const v of m.env) {
    const was = model.env.find((b) => b.name === v.name);
    if (v.kind === 'plain') {
      if (was?.kind !== 'plain' || was.value !== v.value) plain.push(`${v.name}=${shellQuote(v.value ?? '')}`);
    } else if ((v.kind === 'secret' || v.kind === 'generated') && was?.kind !== v.kind) secrets.push(v.name);
  }
  const unset = model.env.filter((b) => b.kind === 'plain' && !m.env.some((v) => v.name === b.name && v.kind !== 'reference')).map((b) => b.name);
  if (plain.length) steps.push(`heroku config:set --app ${app} ${plain.join(' ')}`);
  if (secrets.length) steps.push(`set the secret${secrets.length > 1 ? 's' : ''} ${secrets.join(', ')} on ${app} with heroku config:set (values are not in deploy.yaml)`);
  if (unset.length) steps.push(`heroku config:unset --app ${app} ${unset.join(' ')}`);
  const baseForm = formation(model, h, [], false);
  const ownForm = formation(m, eh, [], false);
  const scale = Object.entries(ownForm).filter(([k, v]) => JSON.stringify(baseForm[k]) !== JSON.stringify(v)).map(([k, v]) => `${k}=${(v as Json).quantity}:${(v as Json).size}`);
  if (scale.length) steps.push(`heroku ps:scale --app ${app} ${scale.join(' ')}`);
  const baseAddons = addonList(model, h, [], false).map((a) => JSON.stringify(a));
  const addons = addonList(m, eh, [], false).filter((a) => !baseAddons.includes(JSON.stringify(a))).map((a) => (typeof a === 'string' ? a : (a as Json).plan));
  if (addons.length) steps.push(`add-ons ${addons.join(', ')} (heroku addons:create or addons:upgrade --app ${app})`);
  const shared = ownFiles.filter((f) => f.path !== 'app.json' && baseFiles.find((b) => b.path === f.path)?.contents !== f.contents).map((f) => f.path);
  if (!steps.length && !shared.length) return null;
  const sharedText = shared.length ? `; its ${shared.join(', ')} would differ, but every app deploys the repository's one ${shared.length > 1 ? 'set' : 'file'}` : '';
  return {
    severity: 'info',
    code: 'heroku/environment',
    message: `environment "${env}" is a Heroku app of its own (${app}) that app.json does not change${steps.length ? `: ${steps.join('; ')}` : ''}${sharedText}`,
    hint: `app.json applies only to new review apps and Heroku Button apps; run these once on ${app}, or make "${env}" the review apps' environment with targets.heroku.review_environment.`,
    path: ['environments', env],
    at: 'key',
  };
}

function emitFiles(model: DeployModel, h: HerokuOptions, ctx: EmitContext): EmitResult {
  const findings: Finding[] = [];
  const root = model.django.root;
  const lines: { name: string; command: string }[] = [];
  const line = (name: string, command: string, path: Finding['path']) => {
    if (notOneLine(command)) {
      findings.push({ severity: 'error', code: 'heroku/procfile-command', message: `the ${name} command cannot be written on one Procfile line`, hint: 'Write the command on one line, or move it into a script and run that.', path });
      return;
    }
    lines.push({ name, command });
  };
  if (model.release) line('release', fromRoot(root, model.release.command), model.release.path);
  for (const p of model.processes) {
    if (p.kind === 'web') {
      line('web', webCommand(model, p, root), p.path);
      if (!p.defaultCommand && !/\bgunicorn\b|\$\{?PORT\b/.test(p.command)) {
        findings.push({ severity: 'warning', code: 'heroku/web-port', message: 'the web command does not mention $PORT', hint: 'Heroku routes traffic only to the port in $PORT: bind to it, e.g. `--port $PORT`.', path: [...p.path, 'command'] });
      }
    } else line(p.name, fromRoot(root, p.command), p.path);
  }
  const procfile = ctx.render('Procfile.hbs', { lines });

  let app = appJson(model, h, findings);
  const overrides = h.overrides;
  if (Object.keys(overrides).length) {
    const merged = mergeOverrides(app, overrides) as Json;
    const problems = checkAppJson(merged);
    if (problems.length) {
      findings.push({ severity: 'error', code: 'heroku/overrides-invalid', message: `targets.heroku.overrides make app.json invalid: ${problems.join('; ')}`, hint: 'Fix the override so app.json keeps to Heroku\'s schema (https://devcenter.heroku.com/articles/app-json-schema).', path: [...h.specPath, 'overrides'], at: 'key' });
    } else app = merged;
  }

  if (h.build === 'container') {
    // The container stack: heroku.yml replaces the Procfile and the buildpacks' Python version file.
    const image = ctx.product('image');
    if (!image) {
      findings.push({ severity: 'error', code: 'heroku/no-image', message: 'the container stack builds the Docker image, but no registered target offers one', hint: 'Register the docker target (targets/index.ts), or use `build: buildpacks`.', path: [...h.specPath, 'build'] });
      return { files: [], findings };
    }
    delete app.buildpacks;
    if (h.systemPackages.length) {
      findings.push({ severity: 'warning', code: 'heroku/system-packages-container', message: `the container stack builds the docker target's image, so targets.heroku.system_packages is not used and no Aptfile is written`, hint: 'List the packages in targets.docker.system_packages (`build:` for compilers and -dev headers, `runtime:` for the libraries the app loads), and remove them here.', path: [...h.specPath, 'system_packages'], at: 'key' });
    }
    findings.push(...imageFindings(image, ctx.products('systemPackages'), 'heroku'));
    const yml = herokuYml(model, image, findings);
    findings.push({ severity: 'info', code: 'heroku/container-stack', message: `heroku.yml builds ${image.dockerfile} on Heroku's container stack and runs the release phase from it; no Procfile is written`, hint: `Switch the app once: \`heroku stack:set container -a ${model.name}\`, then deploy with \`git push heroku main\` (or from CI through the pipeline targets).`, path: [...h.specPath, 'build'] });
    findings.push(...scheduleFindings(model, h));
    return { files: [{ path: 'heroku.yml', contents: yml }, { path: 'app.json', contents: JSON.stringify(app, null, 2) + '\n' }], findings };
  }
  const files = [
    { path: 'Procfile', contents: procfile },
    { path: 'app.json', contents: JSON.stringify(app, null, 2) + '\n' },
  ];
  // "Specifying a Python Version": `.python-version` is current; runtime.txt is deprecated but still read first.
  // The major form (`3.12`, `python-3.12`) gets security patches; runtime.txt accepts it since the classic buildpack
  // added .python-version (heroku-buildpack-python#1664). Both files hold just the version, no comments.
  if (h.runtimeFile === 'runtime.txt') {
    files.push({ path: 'runtime.txt', contents: `python-${model.runtime.python}\n` });
    findings.push({ severity: 'info', code: 'heroku/runtime-txt', message: 'runtime.txt is deprecated by the Heroku Python buildpack', hint: 'Use `runtime_file: python-version` (the default) to write .python-version instead.', path: [...h.specPath, 'runtime_file'] });
  } else files.push({ path: '.python-version', contents: `${model.runtime.python}\n` });
  if (h.systemPackages.length) files.push({ path: 'Aptfile', contents: aptfile(h.systemPackages) });
  findings.push(...aptFindings(h, ctx));

  findings.push(...scheduleFindings(model, h), ...layoutFindings(model, h));
  return { files, findings };
}

function appJson(model: DeployModel, h: HerokuOptions, findings: Finding[]): Json {
  const app: Json = { name: model.name };
  if (model.description) app.description = model.description;
  app.stack = h.stack;
  app.env = envBlock(model, findings);
  app.formation = formation(model, h, findings, false);
  const addons = addonList(model, h, findings, false);
  if (addons.length) app.addons = addons;
  app.buildpacks = buildpackList(model, h).map((url) => ({ url }));
  if (h.postdeploy) {
    if (notOneLine(h.postdeploy)) findings.push({ severity: 'error', code: 'heroku/postdeploy', message: 'the postdeploy command is not one line', hint: 'Write it on one line.', path: [...h.specPath, 'postdeploy'] });
    // Scripts run from the app root; like every command in the spec, postdeploy is meant for the Django folder.
    else app.scripts = { postdeploy: fromRoot(model.django.root, h.postdeploy) };
  }
  if (h.reviewApps && model.environment === null) {
    // "Review Apps": keys under environments.review replace the top-level ones for review apps: smallest plans.
    const review: Json = { formation: formation(model, h, [], true) };
    const reviewAddons = addonList(model, h, [], true);
    if (reviewAddons.length) review.addons = reviewAddons;
    app.environments = { review };
  }
  return app;
}

/** The buildpacks in order: the explicit list, or apt (with an Aptfile), Node.js (with a client), then Python. */
function buildpackList(model: DeployModel, h: HerokuOptions): string[] {
  return h.buildpacks ?? [...(h.systemPackages.length ? [APT_BUILDPACK] : []), ...(model.client ? ['heroku/nodejs'] : []), 'heroku/python'];
}

/**
 * The Aptfile and what keeps it from working: heroku-buildpack-apt installs its packages into the slug for the
 * build and for run time, but only when it runs, and before heroku/python so pip builds against them.
 */
function aptFindings(h: HerokuOptions, ctx: EmitContext): Finding[] {
  const out: Finding[] = [];
  if (h.systemPackages.length && h.buildpacks) {
    const apt = h.buildpacks.findIndex(isAptBuildpack);
    const python = h.buildpacks.findIndex(isPythonBuildpack);
    if (apt < 0) out.push({ severity: 'warning', code: 'heroku/apt-buildpack', message: `the Aptfile is read only by the apt buildpack, which targets.heroku.buildpacks leaves out: ${listed(h.systemPackages)} would not be installed`, hint: `Add ${APT_BUILDPACK} first in targets.heroku.buildpacks.`, path: [...h.specPath, 'buildpacks'] });
    else if (python >= 0 && apt > python) out.push({ severity: 'warning', code: 'heroku/apt-buildpack', message: `the apt buildpack runs after the Python buildpack in targets.heroku.buildpacks, so pip builds without ${listed(h.systemPackages)}`, hint: `Move ${h.buildpacks[apt]} before ${h.buildpacks[python]}.`, path: [...h.specPath, 'buildpacks', apt] });
  }
  const ubuntu = h.stack === 'heroku-22' ? '22.04' : '24.04';
  out.push(
    ...missingPackages(ctx.products('systemPackages'), h.systemPackages, 'heroku', (missing, options) => ({
      severity: 'warning',
      code: 'heroku/system-packages',
      message: `${options} ${listed(missing)}, which targets.heroku.system_packages does not: the app would run on Heroku without ${missing.length > 1 ? 'them' : 'it'}`,
      hint: `Add the Ubuntu ${ubuntu} package${missing.length > 1 ? 's' : ''} the app needs to targets.heroku.system_packages (${h.stack} is Ubuntu ${ubuntu}), or acknowledge this note if the stack has ${missing.length > 1 ? 'them' : 'it'} already.`,
    })),
  );
  return out;
}

function envBlock(model: DeployModel, findings: Finding[]): Json {
  const env: Json = {};
  const addonVars = new Set([model.database?.env, model.cache?.env].filter(Boolean));
  for (const v of model.env) {
    const entry: Json = {};
    if (v.description) entry.description = v.description;
    if (v.kind === 'plain') entry.value = v.value ?? '';
    else if (v.kind === 'generated') entry.generator = 'secret';
    else if (v.kind === 'secret') entry.required = v.required;
    else {
      // References are config vars the add-ons set; only the add-on's own name can be wired (see addonList).
      if (!addonVars.has(v.name)) {
        const source = v.ref === 'database.url' ? model.database?.env : model.cache?.env;
        findings.push({ severity: 'warning', code: 'heroku/reference', message: `Heroku sets ${source ?? 'the resource URL'}, not ${v.name}`, hint: `Read ${source ?? 'the add-on URL'} in settings, or copy it by hand: heroku config:set ${v.name}=$(heroku config:get ${source ?? 'DATABASE_URL'}).`, path: v.path, at: 'key' });
      }
      continue;
    }
    env[v.name] = entry;
  }
  if (model.static.collectstatic === 'skip' && !('DISABLE_COLLECTSTATIC' in env)) {
    env.DISABLE_COLLECTSTATIC = { description: 'Skip the Python buildpack\'s collectstatic step.', value: '1' };
  }
  return env;
}

function formation(model: DeployModel, h: HerokuOptions, findings: Finding[], review: boolean): Json {
  const out: Json = {};
  for (const p of model.processes) out[p.name] = review ? { quantity: 1, size: 'basic' } : { quantity: p.instances, size: dynoSize(h, p, findings) };
  return out;
}

function dynoSize(h: HerokuOptions, p: ProcessModel, findings: Finding[]): string {
  const explicit = h.sizes[p.name];
  if (explicit) {
    if (SINGLE.has(explicit) && p.instances > 1) {
      findings.push({ severity: 'warning', code: 'heroku/dyno-scale', message: `${explicit} dynos run one per process type, but "${p.name}" asks for ${p.instances}`, hint: `Choose standard-1x or larger in targets.heroku.sizes.${p.name}, or set instances: 1.`, path: [...h.specPath, 'sizes', p.name] });
    }
    return explicit;
  }
  const size = DYNO[p.size];
  if (SINGLE.has(size) && p.instances > 1) {
    findings.push({ severity: 'info', code: 'heroku/dyno-scale', message: `"${p.name}" runs ${p.instances} instances, which basic dynos cannot: app.json uses standard-1x`, hint: `Set targets.heroku.sizes.${p.name} to choose another dyno type.`, path: p.path, at: 'key' });
    return 'standard-1x';
  }
  return size;
}

/** "app.json Schema" addons: `as` names the attachment; Heroku sets `<AS>_URL`, so DATABASE → DATABASE_URL. */
function addonList(model: DeployModel, h: HerokuOptions, findings: Finding[], review: boolean): unknown[] {
  const list: unknown[] = [];
  const attach = (env: string, path: Finding['path']) => {
    if (/^[A-Z][A-Z0-9_]*_URL$/.test(env)) return env.slice(0, -4);
    findings.push({ severity: 'warning', code: 'heroku/addon-var', message: `Heroku add-ons set a variable ending in _URL, so ${env} cannot be set by the add-on`, hint: `Rename the variable to end in _URL (e.g. ${env}_URL), or set it by hand after provisioning.`, path, at: 'key' });
    return null;
  };
  if (model.database) {
    const plan = review ? POSTGRES_PLAN.dev : h.postgresPlan ?? POSTGRES_PLAN[model.database.plan];
    const as = attach(model.database.env, model.database.path);
    list.push({ plan: `heroku-postgresql:${plan}`, ...(as ? { as } : {}), options: { version: model.database.version } });
  }
  if (model.cache) {
    const plan = review ? REDIS_PLAN.dev : h.redisPlan ?? REDIS_PLAN[model.cache.plan];
    const as = attach(model.cache.env, model.cache.path);
    list.push({ plan: `heroku-redis:${plan}`, ...(as ? { as } : {}) });
  }
  if (model.jobs.length && !review) list.push(`scheduler:${h.schedulerPlan}`);
  return list;
}

/** Heroku Scheduler jobs are created in its dashboard, not in app.json: say exactly what to enter. */
function scheduleFindings(model: DeployModel, h: HerokuOptions): Finding[] {
  return model.jobs.map((j) => {
    const c = schedulerChoice(j.schedule);
    const command = fromRoot(model.django.root, j.command);
    const size = h.sizes[j.name] ?? DYNO[j.size];
    if (c.exact) {
      return { severity: 'info' as const, code: 'heroku/scheduler', message: `job "${j.name}" needs an entry in Heroku Scheduler: run \`${command}\` ${c.option}`, hint: `After the first deploy run \`heroku addons:open scheduler\`, add the job with that command and frequency, dyno size ${size}.`, path: j.path, at: 'key' as const };
    }
    return { severity: 'warning' as const, code: 'heroku/scheduler-inexact', message: `Heroku Scheduler cannot run "${j.schedule}" exactly; the nearest option is ${c.option}`, hint: `In \`heroku addons:open scheduler\` add \`${command}\` ${c.option} and make the command skip the runs it should not do (e.g. test \`date +%u\`), or run a clock process instead.`, path: j.path, at: 'key' as const };
  });
}

/** Buildpacks read their manifest files at the repository root (Dev Center "Deploying with Git", buildpack detection). */
function layoutFindings(model: DeployModel, h: HerokuOptions): Finding[] {
  const out: Finding[] = [];
  const depFile = model.django.dependencyFile;
  if (depFile.includes('/')) {
    // The Python buildpack detects the app by a dependency file at the repository root only.
    const hint = model.django.dependencies === 'requirements' ? `Add a root requirements.txt containing \`-r ${depFile}\`.` : `Move ${depFile} to the repository root.`;
    out.push({ severity: 'info', code: 'heroku/monorepo-python', message: `the Heroku Python buildpack looks for its dependency file at the repository root, not ${depFile}`, hint, path: [...model.django.path, 'root'], at: 'key' });
  }
  if (model.client && model.client.root !== '.' && !h.buildpacks) {
    const c = model.client;
    out.push({ severity: 'info', code: 'heroku/client-package-json', message: `the Heroku Node.js buildpack needs a package.json at the repository root to build ${c.root}/ before collectstatic`, hint: `Add a root package.json with "engines": {"node": "${model.runtime.node}.x"} and "scripts": {"heroku-postbuild": "cd ${c.root} && ${c.install} && ${c.build}"}.`, path: c.path, at: 'key' });
  }
  return out;
}
