/** The render target: render.yaml from the spec, Render's documented rules, environments, secrets and `init`. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { scanProject } from '../src/init/scan.js';
import type { ProjectFiles } from '../src/init/files.js';
import { checkBlueprint, needsShell, plainWords, unwrapShell, withoutShell } from '../targets/render/check.js';
import { conformance, unavailable } from '../targets/render/conformance.js';
import { TARGETS } from '../targets/index.js';
import { render } from '../targets/render/render.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { brief, compileText, CONFORMANCE, MINIMAL, skipLoudly, unvendored, yaml } from './helpers/spec.js';

const test = suite('render');
type Any = any;

const build = (text: string, env: string | null = null) => {
  const r = compileText(text, { targets: [render], env });
  const f = r.files.find((x) => x.path === 'render.yaml');
  return { r, doc: f ? (parse(f.contents) as Any) : null, text: f?.contents ?? '' };
};
const sample = (name: string) => {
  const p = unvendored(`samples/${name}`) ?? CONFORMANCE + `samples/${name}`;
  return parse(readFileSync(p, 'utf8'));
};
const web = (doc: Any) => doc.services.find((s: Any) => s.type === 'web');

test('own rules: Render\'s valid sample passes, its invalid sample fails', () => {
  assert.equal(checkBlueprint(sample('render-valid.yaml')), []);
  const problems = checkBlueprint(sample('render-invalid.yaml'));
  assert.ok(problems.some((p) => /fromDatabase needs name and property/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /database needs a name/.test(p)));
  assert.ok(problems.some((p) => /ipAllowList/.test(p)));
});

test('own rules: the ones the schema leaves out, one broken document each', () => {
  const base = () => parse(readFileSync(unvendored('samples/render-valid.yaml') ?? CONFORMANCE + 'samples/render-valid.yaml', 'utf8')) as Any;
  const cases: [string, (d: Any) => void, RegExp][] = [
    ['value and sync', (d) => Object.assign(d.services[0].envVars[3], { value: 'x' }), /value, sync are exclusive/],
    ['value and generateValue', (d) => Object.assign(d.services[0].envVars[2], { value: 'x' }), /value, generateValue are exclusive/],
    ['sync and fromDatabase', (d) => Object.assign(d.services[0].envVars[0], { sync: false }), /sync, fromDatabase are exclusive/],
    ['fromService and value', (d) => Object.assign(d.services[0].envVars[1], { value: 'x' }), /value, fromService are exclusive/],
    ['sync: true', (d) => Object.assign(d.services[0].envVars[3], { sync: true }), /sync can only be false/],
    ['healthCheckPath without /', (d) => Object.assign(d.services[0], { healthCheckPath: 'healthz' }), /healthCheckPath must be a path/],
    ['duplicate names', (d) => Object.assign(d.services[1], { name: 'api' }), /already used/],
    ['database named like a service', (d) => Object.assign(d.databases[0], { name: 'jobs' }), /already used/],
    ['cron with four fields', (d) => Object.assign(d.services[4], { schedule: '0 3 * *' }), /5 fields/],
    ['cron out of range', (d) => Object.assign(d.services[4], { schedule: '0 25 * * *' }), /hour field/],
    ['preDeployCommand with &&', (d) => Object.assign(d.services[0], { preDeployCommand: 'cd app && npm run migrate' }), /without a shell/],
    ['preDeployCommand with $VAR', (d) => Object.assign(d.services[0], { preDeployCommand: 'migrate --db $DATABASE_URL' }), /without a shell/],
    ['unknown database', (d) => Object.assign(d.services[0].envVars[0].fromDatabase, { name: 'nope' }), /no databases entry/],
    ['unknown property', (d) => Object.assign(d.services[0].envVars[0].fromDatabase, { property: 'url' }), /not one of/],
    ['fromService without property', (d) => delete d.services[0].envVars[1].fromService.property, /exactly one of property and envVarKey/],
    ['fromService of the wrong type', (d) => Object.assign(d.services[0].envVars[1].fromService, { type: 'pserv' }), /does not define/],
    ['unknown group', (d) => Object.assign(d.services[0].envVars[5], { fromGroup: 'nope' }), /no envVarGroups entry/],
    ['group with a reference', (d) => d.envVarGroups[0].envVars.push({ key: 'DB', fromDatabase: { name: 'db', property: 'connectionString' } }), /groups hold values only/],
    ['multi-line command', (d) => Object.assign(d.services[1], { startCommand: 'a\nb' }), /one non-empty line/],
  ];
  for (const [what, breakIt, want] of cases) {
    const d = base();
    breakIt(d);
    const problems = checkBlueprint(d);
    assert.ok(problems.some((p) => want.test(p)), `${what}: ${problems.join('; ') || 'no problem found'}`);
  }
});

test('Render\'s published schema: the samples (skipped loudly when the schema is absent)', () => {
  if (unavailable) return skipLoudly('render schema samples', unavailable);
  const r = { files: [{ path: 'render.yaml', contents: stringify(sample('render-valid.yaml'), { version: '1.1' }), target: 'render' }] } as Any;
  assert.equal(conformance(r), []);
  const bad = { files: [{ path: 'render.yaml', contents: stringify(sample('render-invalid.yaml')), target: 'render' }] } as Any;
  assert.ok(conformance(bad).some((p) => /schema:/.test(p)));
});

test('every example builds a Blueprint that keeps to the documented rules (always runs)', () => {
  for (const ex of EXAMPLES) {
    const { r, doc } = build(exampleText(ex));
    assert.equal(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], ex);
    assert.equal(checkBlueprint(doc), [], ex);
  }
});

test('preDeployCommand: plain words stay, shell lines are handed to bash, and both run the same without a shell', () => {
  assert.is(withoutShell('python manage.py migrate --noinput'), 'python manage.py migrate --noinput');
  assert.is(withoutShell('cd backend && python manage.py migrate'), "bash -c 'cd backend && python manage.py migrate'");
  assert.is(unwrapShell(withoutShell("cd 'my app' && echo \"it's $HOME\"")), "cd 'my app' && echo \"it's $HOME\"");
  for (const c of ['a && b', 'a; b', 'a | b', 'a > f', 'A=1 a', 'cd x', 'echo $X', 'echo `id`', 'echo *', 'echo "$X"', '~/bin/x', 'a # c']) assert.ok(needsShell(c), c);
  for (const c of ['python manage.py migrate', "echo 'a b' \"c\\\"d\"", 'x --a=1', 'echo a#b']) assert.not.ok(needsShell(c), c);
  assert.equal(plainWords("echo 'a b' \"c\\\"d\" e\\ f"), ['echo', 'a b', 'c"d', 'e f']);
  const python = spawnSync('python3', ['-c', 'import shlex'], { encoding: 'utf8' }).status === 0;
  if (!python) return skipLoudly('preDeployCommand execution', 'python3 is not installed');
  // Each command writes a file; the emitted form is split into words (no shell) and executed directly, as
  // Render does, and must leave the same result as bash running the original line.
  const commands = [
    'printf "%s\\n" ok > out.txt',
    "mkdir -p 'my dir' && cd 'my dir' && printf '%s|' \"it's\" \"$HOME\" '$HOME' > ../out.txt",
    'printf "%s\\n" plain-words-only',
    "X='a b'; printf '[%s]' \"$X\" $X > out.txt; printf '\\n' >> out.txt",
  ];
  const run = (mode: 'shell' | 'words', cmd: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'render-predeploy-'));
    mkdirSync(join(dir, 'x'));
    const script = mode === 'shell' ? ['bash', '-c', cmd] : ['python3', '-c', 'import shlex, subprocess, sys\nsys.exit(subprocess.run(shlex.split(sys.argv[1]), shell=False).returncode)', withoutShell(cmd)];
    const p = spawnSync(script[0]!, script.slice(1), { cwd: join(dir, 'x'), encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/home/render' } });
    let out = '';
    try {
      out = readFileSync(join(dir, 'x', 'out.txt'), 'utf8');
    } catch {
      out = '';
    }
    return { status: p.status, stdout: p.stdout, out };
  };
  for (const c of commands) assert.equal(run('words', c), run('shell', c), c);
});

test('web service: python runtime, build with the settings requirements, client and flagged collectstatic, start, release, health, plan, domains', () => {
  const { r, doc } = build(exampleText('05-monorepo-client'));
  assert.equal(brief(r).filter((l) => / error /.test(l)), []);
  const w = web(doc);
  assert.is(w.runtime, 'python');
  assert.is(w.buildCommand, 'pip install -r backend/requirements.txt -r backend/requirements-deploy.txt && (cd frontend && npm ci && npm run build) && cd backend && DJANGO_COLLECTSTATIC=1 python manage.py collectstatic --noinput');
  assert.is(w.startCommand, 'gunicorn --chdir backend dashboard.wsgi:application');
  assert.is(w.preDeployCommand, "bash -c 'cd backend && python manage.py migrate --noinput'");
  assert.is(w.healthCheckPath, '/api/health');
  assert.is(w.rootDir, undefined, 'the client lives outside backend/, so the service builds from the root');
  const two = build(exampleText('02-heroku-postgres-cloudinary')).doc;
  assert.is(web(two).plan, 'standard');
  assert.is(web(two).numInstances, 2);
  assert.equal(web(two).domains, ['books.example.com']);
  assert.equal(two.databases, [{ name: 'bookshelf-db', plan: 'pro-4gb', postgresMajorVersion: '16', region: 'oregon' }]);
  const seven = build(exampleText('07-django-project')).doc;
  assert.equal(web(seven).domains, ['notes.example.com', '*.notes.example.org']);
});

test('a Poetry or uv lock is exported to a pinned list and installed with the settings requirements, never the project', () => {
  const poetry = web(build(MINIMAL + '  dependencies: poetry\n').doc);
  assert.is(poetry.buildCommand.split(' && DJANGO_COLLECTSTATIC')[0], 'pip install poetry==2.3.4 poetry-plugin-export==1.10.0 && poetry --directory=. export --only main --without-hashes --output /tmp/requirements-poetry.txt && pip install -r /tmp/requirements-poetry.txt -r requirements-deploy.txt');
  const uv = web(build(MINIMAL + '  dependencies: uv\n').doc);
  assert.is(uv.buildCommand.split(' && DJANGO_COLLECTSTATIC')[0], 'pip install uv==0.11.7 && uv export --project . --locked --no-dev --no-emit-project --no-hashes --output-file /tmp/requirements-uv.txt && pip install -r /tmp/requirements-uv.txt -r requirements-deploy.txt');
});

test('rootDir: the Django folder when everything the build needs is inside it', () => {
  const { doc } = build(MINIMAL + 'django:\n  project: mysite\n  root: backend\ndatabase: {}\nprocesses:\n  worker:\n    command: celery -A mysite worker\n'.replace('django:\n  project: mysite\n', ''));
  const w = web(doc);
  assert.is(w.rootDir, 'backend');
  assert.is(w.buildCommand, 'pip install -r requirements.txt -r requirements-deploy.txt && DJANGO_COLLECTSTATIC=1 python manage.py collectstatic --noinput');
  assert.is(w.startCommand, 'gunicorn mysite.wsgi:application');
  assert.is(w.preDeployCommand, 'python manage.py migrate --noinput');
  assert.is(doc.services.find((s: Any) => s.type === 'worker').startCommand, 'celery -A mysite worker');
});

test('workers, cron jobs (UTC schedule), Key Value wired with fromService, Postgres with fromDatabase', () => {
  const { doc } = build(exampleText('06-docker-sentry'), 'staging');
  const names = doc.services.map((s: Any) => `${s.type}:${s.name}`);
  assert.equal(names, ['web:tracker-staging', 'worker:tracker-worker-staging', 'cron:tracker-weekly-report-staging', 'keyvalue:tracker-cache-staging']);
  const cron = doc.services.find((s: Any) => s.type === 'cron');
  assert.is(cron.schedule, '0 7 * * mon');
  assert.is(cron.startCommand, 'python manage.py send_weekly_report');
  assert.equal(doc.services[3].ipAllowList, []);
  for (const s of doc.services.filter((x: Any) => x.type !== 'keyvalue')) {
    assert.equal(s.envVars, [
      { fromGroup: 'tracker-env-staging' },
      { key: 'DATABASE_URL', fromDatabase: { name: 'tracker-db-staging', property: 'connectionString' } },
      { key: 'REDIS_URL', fromService: { type: 'keyvalue', name: 'tracker-cache-staging', property: 'connectionString' } },
    ]);
  }
});

test('variables: plain values, generateValue once in a shared group, sync: false for secrets — never a secret value', () => {
  const secret = 'S3NT1NELrender';
  const { r, doc, text } = build(yaml`
    version: 1
    name: shop
    django:
      project: shop
    processes:
      worker:
        command: python manage.py worker
    env:
      PLAIN: "yes"
      NUMBERISH: "0x1F"
      API_TOKEN:
        secret: true
      SIGNING_KEY:
        generate: secret
  `);
  assert.equal(brief(r).filter((l) => / error /.test(l)), []);
  const group = doc.envVarGroups[0];
  assert.is(group.name, 'shop-env');
  const by = Object.fromEntries(group.envVars.map((v: Any) => [v.key, v]));
  assert.equal(by.PLAIN, { key: 'PLAIN', value: 'yes' });
  assert.equal(by.NUMBERISH, { key: 'NUMBERISH', value: '0x1F' });
  assert.equal(by.API_TOKEN, { key: 'API_TOKEN', sync: false });
  assert.equal(by.SIGNING_KEY, { key: 'SIGNING_KEY', generateValue: true });
  assert.equal(by.SECRET_KEY, { key: 'SECRET_KEY', generateValue: true });
  for (const s of doc.services) assert.equal(s.envVars[0], { fromGroup: 'shop-env' }, 'every service shares the one generated SECRET_KEY');
  assert.not.match(text, secret);
  const leak = compileText(yaml`
    version: 1
    name: shop
    django:
      project: shop
    env:
      API_TOKEN:
        secret: true
        value: ${secret}
  `, { targets: [render] });
  assert.ok(leak.diagnostics.some((d) => d.severity === 'error'));
  assert.not.ok(leak.files.some((f) => f.contents.includes(secret)));
});

test('hostile plain values round-trip exactly (also as YAML 1.1)', () => {
  const values = ['yes', 'on', 'null', '0x1F', '1_000', '2026-01-01', ': x', '- y', '#z', '${X}', "it's \"q\"", '*a', '&b', '!!python/object', '{{x}}', 'é😀', ' lead', 'trail '];
  const env = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
  const { r, text } = build(stringify({ version: 1, name: 'shop', django: { project: 'shop' }, env }));
  assert.equal(brief(r).filter((l) => / error /.test(l)), []);
  for (const version of ['1.1', '1.2'] as const) {
    const doc = parse(text, { version }) as Any;
    const by = Object.fromEntries(doc.envVarGroups[0].envVars.map((v: Any) => [v.key, v.value]));
    values.forEach((v, i) => assert.is(by[`V${i}`], v, `${version} V${i}`));
  }
});

test('environments: one Render project, the base spec as production, other environments suffixed, their hosts and Sentry environment passed at run time', () => {
  const { r, doc } = build(exampleText('06-docker-sentry'));
  assert.ok(brief(r).some((l) => /render\/environments/.test(l)));
  assert.is(doc.services, undefined);
  const [project] = doc.projects;
  assert.is(project.name, 'tracker');
  assert.equal(project.environments.map((e: Any) => e.name), ['production', 'staging']);
  const [prod, staging] = project.environments;
  assert.is(web(prod).name, 'tracker');
  assert.is(web(staging).name, 'tracker-staging');
  assert.equal(web(staging).domains, ['staging.tracker.example.net']);
  const vars = Object.fromEntries(staging.envVarGroups[0].envVars.map((v: Any) => [v.key, v.value]));
  assert.is(vars.DJANGO_ALLOWED_HOSTS, 'staging.tracker.example.net');
  assert.is(vars.SENTRY_ENVIRONMENT, 'staging');
  assert.not.ok(prod.envVarGroups[0].envVars.some((v: Any) => v.key === 'DJANGO_ALLOWED_HOSTS'));
  assert.equal(checkBlueprint(doc), []);
  // A spec environment named like the base one is used for it; base_environment renames the base.
  const spec = yaml`
    version: 1
    name: app
    django:
      project: app
    environments:
      production:
        processes:
          web:
            instances: 3
      staging: {}
    targets:
      render:
        previews: automatic
        preview_expire_days: 3
  `;
  const envs = build(spec).doc;
  assert.equal(envs.projects[0].environments.map((e: Any) => e.name), ['production', 'staging']);
  assert.is(web(envs.projects[0].environments[0]).numInstances, 3);
  assert.equal(envs.previews, { generation: 'automatic', expireAfterDays: 3 });
  const renamed = build(spec.replace('previews: automatic', 'base_environment: main')).doc;
  assert.equal(renamed.projects[0].environments.map((e: Any) => e.name), ['main', 'production', 'staging']);
});

test('findings: a job named like a process, 0 instances, static-site serving, Python version', () => {
  // Names are unique across every environment of the Blueprint: "worker" in staging meets "worker-staging" in production.
  const clash = build(MINIMAL + 'processes:\n  worker-staging:\n    command: python manage.py a\n  worker:\n    command: python manage.py b\nenvironments:\n  staging: {}\n');
  assert.ok(brief(clash.r).some((l) => /error render\/name-conflict/.test(l)), brief(clash.r).join('\n'));
  const zero = build(MINIMAL + 'processes:\n  worker:\n    command: python manage.py worker\n    instances: 0\n');
  assert.ok(brief(zero.r).some((l) => /info render\/instances/.test(l)));
  assert.is(zero.doc.services.length, 1);
  const noWeb = build(MINIMAL + 'processes:\n  web:\n    instances: 0\n');
  assert.ok(brief(noWeb.r).some((l) => /error render\/instances/.test(l)));
  const site = build(exampleText('04-app-platform-static-site'));
  assert.ok(brief(site.r).some((l) => /warning render\/unsupported .*static site/.test(l)));
  const full = build(MINIMAL + 'runtime:\n  python: "3.12.7"\n');
  assert.ok(full.doc.envVarGroups[0].envVars.some((v: Any) => v.key === 'PYTHON_VERSION' && v.value === '3.12.7'));
  assert.not.ok(brief(full.r).some((l) => /render\/python-version/.test(l)));
});

test('options: region on every resource, branch, auto deploy, sizes, plans; unknown size keys are rejected', () => {
  const { doc } = build(exampleText('06-docker-sentry').replace('targets:\n', 'targets:\n  render:\n    region: frankfurt\n    branch: release\n    auto_deploy: checksPass\n    sizes:\n      worker: pro max\n    postgres_plan: basic-1gb\n    keyvalue_plan: pro\n'), 'staging');
  for (const s of doc.services) assert.is(s.region, 'frankfurt');
  assert.is(doc.databases[0].plan, 'basic-1gb');
  assert.is(doc.services.find((s: Any) => s.type === 'worker').plan, 'pro max');
  assert.is(doc.services.find((s: Any) => s.type === 'keyvalue').plan, 'pro');
  assert.is(web(doc).branch, 'release');
  assert.is(web(doc).autoDeployTrigger, 'checksPass');
  const bad = compileText(MINIMAL + 'targets:\n  render:\n    sizes:\n      wrker: pro\n', { targets: [render] });
  assert.ok(bad.diagnostics.some((d) => d.severity === 'error' && /wrker/.test(d.message)));
});

test('platformRuntime: detected by RENDER, served under .onrender.com, own host in RENDER_EXTERNAL_HOSTNAME', () => {
  const r = compileText(MINIMAL + 'database: {}\n');
  const settings = r.files.find((f) => f.path.endsWith('deploy_settings.py'))!.contents;
  assert.match(settings, /"name": "render", "detect": "RENDER", "hosts": \[".onrender.com"\], "host_env": "RENDER_EXTERNAL_HOSTNAME", "database_tls": False/);
});

const memory = (files: Record<string, string>): ProjectFiles => ({ list: Object.keys(files).sort(), read: (p) => files[p] ?? null });

test('init: imports render.yaml (services, jobs, variables, groups, database, Key Value, domains) and lists the rest', () => {
  const d = scanProject(
    memory({
      'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
      'shop/settings.py': '',
      'shop/wsgi.py': '',
      'requirements.txt': 'django\ngunicorn\n',
      'render.yaml': yaml`
        previews:
          generation: manual
        services:
          - type: web
            name: shop
            runtime: python
            plan: pro
            region: frankfurt
            branch: main
            numInstances: 2
            buildCommand: pip install -r requirements.txt
            startCommand: gunicorn shop.wsgi:application
            preDeployCommand: bash -c 'python manage.py migrate --noinput && python manage.py createcachetable'
            healthCheckPath: /healthz
            maxShutdownDelaySeconds: 60
            domains:
              - shop.example.com
            envVars:
              - fromGroup: shop-env
              - key: DATABASE_URL
                fromDatabase:
                  name: shop-db
                  property: connectionString
              - key: STRIPE_KEY
                sync: false
          - type: worker
            name: shop-queue
            runtime: python
            startCommand: python manage.py rqworker
            plan: pro max
          - type: cron
            name: shop-nightly
            runtime: python
            schedule: "0 3 * * *"
            startCommand: python manage.py clearsessions
          - type: keyvalue
            name: shop-cache
            plan: standard
            ipAllowList: []
          - type: pserv
            name: search
            runtime: docker
        databases:
          - name: shop-db
            plan: pro-8gb
            postgresMajorVersion: "15"
            readReplicas:
              - name: r1
        envVarGroups:
          - name: shop-env
            envVars:
              - key: SECRET_KEY
                generateValue: true
              - key: SIGNING_SALT
                generateValue: true
              - key: LOG_FORMAT
                value: json
      `,
    }),
    { folderName: 'folder', importers: TARGETS.flatMap((t) => t.importers ?? []) },
  );
  const s = d.spec as Any;
  assert.is(s.name, 'shop');
  assert.equal(s.processes.web, { command: 'gunicorn shop.wsgi:application', instances: 2, health_check: '/healthz', size: 'large' });
  assert.equal(s.processes.queue, { command: 'python manage.py rqworker' });
  assert.equal(s.jobs.nightly, { schedule: '0 3 * * *', command: 'python manage.py clearsessions' });
  assert.is(s.release.command, 'python manage.py migrate --noinput && python manage.py createcachetable');
  assert.equal(s.hosts, ['shop.example.com']);
  assert.equal(s.database, { version: '15', plan: 'production' });
  assert.equal(s.cache, { plan: 'production' });
  assert.equal(s.env.STRIPE_KEY, { secret: true });
  assert.equal(s.env.SIGNING_SALT, { generate: 'secret' });
  assert.is(s.env.LOG_FORMAT, 'json');
  assert.is(s.env.SECRET_KEY, undefined);
  assert.is(s.env.DATABASE_URL, undefined);
  assert.equal(s.targets.render, { region: 'frankfurt', branch: 'main', sizes: { queue: 'pro max' }, keyvalue_plan: 'standard', postgres_plan: 'pro-8gb', previews: 'manual' });
  for (const want of [/maxShutdownDelaySeconds/, /services\.search \(a private service\)/, /readReplicas/, /buildCommand/]) assert.ok(d.skipped.some((x) => want.test(x)), `${want}: ${d.skipped.join('\n')}`);
  // The imported spec is valid and builds back into an equivalent Blueprint.
  const back = build(stringify(s));
  assert.equal(brief(back.r).filter((l) => / error /.test(l)), []);
  assert.equal(back.doc.services.map((x: Any) => `${x.type}:${x.name}`), ['web:shop', 'worker:shop-queue', 'cron:shop-nightly', 'keyvalue:shop-cache']);
  assert.is(web(back.doc).preDeployCommand, "bash -c 'python manage.py migrate --noinput && python manage.py createcachetable'");
});

test('init: the Blueprint generated for every example imports back to the same processes, jobs and resources', () => {
  for (const ex of EXAMPLES) {
    const { doc, text } = build(exampleText(ex));
    if (doc.projects) continue;
    const spec = parse(exampleText(ex)) as Any;
    const root = spec.django.root ?? '.';
    const inRoot = (f: string) => (root === '.' ? f : `${root}/${f}`);
    const project = spec.django.project;
    const files = { [inRoot('manage.py')]: `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "${project}.settings")\n`, [inRoot(`${project}/settings.py`)]: '', [inRoot(`${project}/wsgi.py`)]: '', [inRoot('requirements.txt')]: 'django\n', 'render.yaml': text };
    const d = scanProject(memory(files), { folderName: 'x', importers: TARGETS.filter((t) => t.name === 'render').flatMap((t) => t.importers ?? []) });
    const s = d.spec as Any;
    assert.equal(Object.keys(s.processes ?? {}).sort(), Object.keys(spec.processes ?? { web: {} }).sort(), ex);
    assert.equal(Object.keys(s.jobs ?? {}), Object.keys(spec.jobs ?? {}), ex);
    assert.is('database' in s, 'database' in spec, ex);
    assert.is('cache' in s, 'cache' in spec, ex);
    assert.equal(s.hosts, spec.hosts, ex);
  }
});

test.run();
