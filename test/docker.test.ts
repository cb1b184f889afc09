/** Docker target: examples build cleanly, outputs pass real validators, goldens, escaping and findings. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { lintDockerfile } from '../targets/docker/lint.js';
import { django } from '../targets/django/django.js';
import { docker } from '../targets/docker/docker.js';
import { commandArgv, dockerQuote, imageTagProblem } from '../targets/docker/escape.js';
import { composeSchemaErrors } from './helpers/paas.js';
import { brief, compileText, MINIMAL, ROOT, runCli, CONFORMANCE, yaml } from './helpers/spec.js';

// CommonJS packages: under NodeNext the constructors sit on `.default`.
const EXAMPLES = readdirSync(ROOT + 'examples').filter((d) => !d.startsWith('.')).sort();
const build = (text: string) => compileText(text, { targets: [docker] });
const file = (r: ReturnType<typeof build>, path: string) => r.files.find((f) => f.path === path)?.contents ?? '';
const exampleResults = new Map(EXAMPLES.map((e) => [e, build(readFileSync(`${ROOT}examples/${e}/deploy.yaml`, 'utf8'))]));

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
function loudSkip(tool: string, what: string): void {
  // CI installs every tool (.ci/run): there a missing one is a failure, not a skip.
  if (process.env.CI === 'true') throw new Error(`${what}: \`${tool}\` is not installed, but CI must run this check`);
  console.warn(`\n!!!!! SKIPPED: ${what} — \`${tool}\` is not installed. Run \`bash scripts/system-deps.sh\` as root. !!!!!\n`);
}

test('every example builds for docker with no errors or warnings', () => {
  for (const [name, r] of exampleResults) {
    const bad = r.diagnostics.filter((d) => d.severity !== 'info');
    assert.equal(bad.map((d) => `${d.code} ${d.message}`), [], name);
    assert.equal(r.files.map((f) => f.path), ['.dockerignore', '.env.example', 'Dockerfile', 'compose.yaml'], name);
  }
});

test('every compose file validates against the compose-spec schema', () => {
  assert.ok(composeSchemaErrors(parse(readFileSync(CONFORMANCE + 'samples/compose-invalid.yaml', 'utf8'))).length > 0, 'the schema rejects the invalid sample');
  for (const [name, r] of exampleResults) {
    assert.equal(composeSchemaErrors(parse(file(r, 'compose.yaml'), { version: '1.1' })), [], name);
  }
});

test('every compose file is accepted by docker-compose v1 `config -q`', () => {
  if (!has('docker-compose')) return loudSkip('docker-compose', 'compose files not checked by docker-compose');
  for (const [name, r] of exampleResults) {
    const dir = mkdtempSync(join(tmpdir(), 'ds-compose-'));
    try {
      writeFileSync(join(dir, 'compose.yaml'), file(r, 'compose.yaml'));
      writeFileSync(join(dir, '.env'), ''); // the user's secrets file, never generated
      const res = spawnSync('docker-compose', ['-f', 'compose.yaml', 'config', '-q'], { cwd: dir, encoding: 'utf8' });
      assert.is(res.status, 0, `${name}: ${res.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The check can fail: v1 rejects what it cannot read.
  const dir = mkdtempSync(join(tmpdir(), 'ds-compose-'));
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: x:1\n    restart: no\n');
  assert.is.not(spawnSync('docker-compose', ['-f', 'compose.yaml', 'config', '-q'], { cwd: dir }).status, 0);
  rmSync(dir, { recursive: true, force: true });
});

test('every Dockerfile: dockerfile-utils validate() and our lint rules find nothing', () => {
  for (const [name, r] of exampleResults) {
    const text = file(r, 'Dockerfile');
    assert.equal(validateDockerfile(text), [], name);
    assert.equal(lintDockerfile(text), [], name);
  }
});

test('every RUN line passes shellcheck', () => {
  if (!has('shellcheck')) return loudSkip('shellcheck', 'RUN lines not checked by shellcheck');
  const dir = mkdtempSync(join(tmpdir(), 'ds-shellcheck-'));
  try {
    let n = 0;
    for (const [name, r] of exampleResults) {
      const dockerfile = DockerfileParser.parse(file(r, 'Dockerfile'));
      let shell = 'sh';
      for (const inst of dockerfile.getInstructions()) {
        if (inst.getKeyword() === 'FROM') shell = 'sh';
        if (inst.getKeyword() === 'SHELL') shell = 'bash';
        if (inst.getKeyword() !== 'RUN') continue;
        const script = join(dir, `run${n++}.sh`);
        writeFileSync(script, `#!/bin/${shell}\n${inst.getArgumentsContent()}\n`);
        const res = spawnSync('shellcheck', ['-s', shell, script], { encoding: 'utf8' });
        assert.is(res.status, 0, `${name}: ${inst.getArgumentsContent()}\n${res.stdout}`);
      }
    }
    assert.ok(n >= 20, `checked ${n} RUN lines`);
    writeFileSync(join(dir, 'bad.sh'), '#!/bin/sh\necho $1\n');
    assert.is.not(spawnSync('shellcheck', ['-s', 'sh', join(dir, 'bad.sh')]).status, 0, 'shellcheck can fail');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`deployspec build <example> --target docker --dry-run` works for every example', () => {
  for (const name of EXAMPLES) {
    const res = runCli(['build', `examples/${name}`, '--target', 'docker', '--dry-run']);
    assert.is(res.status, 0, `${name}: ${res.stderr}`);
    assert.match(res.stdout, 'Dockerfile', name);
    assert.match(res.stdout, 'compose.yaml', name);
  }
});

test('Dockerfile shape: stages, non-root user, env, healthcheck, exec CMD', () => {
  const df = file(exampleResults.get('05-monorepo-client')!, 'Dockerfile');
  assert.match(df, /^# generated by deployspec from deploy\.yaml/);
  assert.match(df, 'FROM node:20-bookworm-slim AS client\n');
  assert.match(df, /COPY frontend\/package\.json frontend\/package-lock\.jso\[n\] [^\n]*\.\/\nRUN npm ci\nCOPY frontend\/ \.\/\nRUN npm run build\n/, 'the install step sees only the package files');
  assert.match(df, 'COPY backend/ /app/backend/\n', 'the runtime image copies the Django folder, not the frontend sources');
  assert.match(df, 'WORKDIR /app/backend\n');
  assert.match(df, 'COPY --from=client /app/frontend/dist /app/frontend/dist\n');
  assert.match(df, 'ARG VITE_API_BASE="/api"\n');
  assert.match(df, 'RUN SECRET_KEY=build-only-not-a-secret DJANGO_COLLECTSTATIC=1 python manage.py collectstatic --noinput\n');
  assert.match(df, 'ENV PYTHONDONTWRITEBYTECODE="1" PYTHONUNBUFFERED="1"\n');
  assert.match(df, /USER app\nEXPOSE 8000\nHEALTHCHECK .*\/api\/health.*\n# .*\nENTRYPOINT \["python","-c","import os, signal, sys\\n.*"\]\nCMD \["\/bin\/sh","-c","exec gunicorn dashboard\.wsgi:application --workers \\"\$\{WEB_CONCURRENCY:-\$\(nproc\)\}\\""\]\n$/);
  assert.match(df, 'ENV GUNICORN_CMD_ARGS="--worker-class gthread --threads 4 --graceful-timeout 8 --access-logfile -"\n');
  assert.match(df, 'install -d -o app -g app /app/backend/media\n', 'local media is writable by the app user');
  assert.not.match(df, 'migrate', 'the release step is not run in the image');
  const minimal = file(build(MINIMAL), 'Dockerfile');
  assert.not.match(minimal, 'HEALTHCHECK');
  assert.not.match(minimal, 'AS client');
  assert.match(minimal, 'FROM python:3.12-slim-bookworm AS deps\n');
});

test('ENV and ARG values are quoted and escaped; unsafe values are errors at their path', () => {
  const r = build(MINIMAL + 'env:\n  GREETING: \'say "hi" $HOME \\ x\'\n');
  assert.match(file(r, 'Dockerfile'), 'ENV GREETING="say \\"hi\\" \\$HOME \\\\ x"\n');
  assert.match(file(r, 'compose.yaml'), 'GREETING: say "hi" $$HOME \\ x');
  assert.is(dockerQuote('a$b"c\\'), '"a\\$b\\"c\\\\"');
  const bad = build(MINIMAL + 'env:\n  BANNER: "two\\nlines"\n');
  assert.equal(bad.files, []);
  assert.ok(brief(bad).some((l) => /^6:\d+ error docker\/unsafe-value the value of BANNER/.test(l)), brief(bad).join('\n'));
});

test('commands: plain words run in exec form, shell syntax through sh -c with exec when safe', () => {
  assert.equal(commandArgv('gunicorn app.wsgi:application --workers 3'), ['gunicorn', 'app.wsgi:application', '--workers', '3']);
  assert.equal(commandArgv('gunicorn app.wsgi --bind 0.0.0.0:$PORT'), ['/bin/sh', '-c', 'exec gunicorn app.wsgi --bind 0.0.0.0:$PORT']);
  assert.equal(commandArgv('python manage.py migrate && python manage.py seed'), ['/bin/sh', '-c', 'python manage.py migrate && python manage.py seed']);
  assert.equal(commandArgv('DEBUG=0 gunicorn x'), ['/bin/sh', '-c', 'DEBUG=0 gunicorn x']);
  const r = build(MINIMAL + 'processes:\n  web:\n    command: gunicorn mysite.wsgi --bind 0.0.0.0:$PORT\n  worker:\n    command: celery -A mysite worker --concurrency $WORKERS\n');
  assert.match(file(r, 'Dockerfile'), 'CMD ["/bin/sh","-c","exec gunicorn mysite.wsgi --bind 0.0.0.0:$PORT"]\n');
  assert.match(file(r, 'compose.yaml'), 'exec celery -A mysite worker --concurrency $$WORKERS');
  assert.equal(lintDockerfile(file(r, 'Dockerfile')), []);
});

test('RUN lines cannot be extended: a trailing backslash or a here-document marker is an error at its key', () => {
  const tail = build(MINIMAL + 'client:\n  build: npm run build \\\n');
  assert.ok(brief(tail).some((l) => l.startsWith('6:10 error docker/unsafe-value client.build ends with a backslash')), brief(tail).join('\n'));
  assert.equal(tail.files, []);
  const heredoc = build(MINIMAL + 'client:\n  install: cat <<EOF\n');
  assert.ok(brief(heredoc).some((l) => l.startsWith('6:12 error docker/unsafe-value client.install contains `<<`')), brief(heredoc).join('\n'));
});

test('a client command holding a pipe in any spelling runs under pipefail, and the Dockerfile lint agrees', () => {
  // `\|` is an escaped bar, the `|` after it a pipe: npm's failure must fail the build, not be hidden by tee.
  for (const [key, command] of [['install', 'npm ci \\||tee log'], ['build', 'npm run build |& tee log'], ['build', "npm run build '|' | tee log"]] as const) {
    const r = build(MINIMAL + `client:\n  ${key}: ${JSON.stringify(command)}\n`);
    const df = file(r, 'Dockerfile');
    assert.match(df, /AS client\n[\s\S]*SHELL \["\/bin\/bash", "-o", "pipefail", "-c"\]\n[\s\S]*RUN npm/, command);
    assert.equal(lintDockerfile(df), [], command);
    // The step runs as the image builder would run it, under the stage's SHELL: npm failing fails the step.
    const shell = JSON.parse(/^SHELL (.*)$/m.exec(df)?.[1] ?? '["/bin/sh", "-c"]') as string[];
    const run = df.split('\n').find((l) => l.startsWith('RUN ') && l.includes('tee log'))!;
    const dir = mkdtempSync(join(tmpdir(), 'pipefail-'));
    writeFileSync(join(dir, 'npm'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const step = spawnSync(shell[0]!, [...shell.slice(1), run.slice(4)], { cwd: dir, env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    rmSync(dir, { recursive: true, force: true });
    assert.is.not(step.status, 0, command);
  }
  const plain = build(MINIMAL + 'client:\n  build: npm run build\n');
  assert.not.match(file(plain, 'Dockerfile'), 'SHELL [');
});

test('a src/ layout installs the dependencies where pyproject.toml is, with the settings requirements from the Django folder', () => {
  const src = MINIMAL.replace('  project: mysite\n', '  project: mysite\n  root: src\n');
  const r = compileText(src, { targets: [docker], facts: { exists: (p) => p === 'pyproject.toml' } });
  const df = file(r, 'Dockerfile');
  assert.match(df, /FROM python:3\.12-slim-bookworm AS deps\n[\s\S]*?WORKDIR \/app\nCOPY pyproject\.toml src\/requirements-deploy\.tx\[t\] \.\/\nRUN python -c '[^\n]*tomllib[^\n]*' > \/tmp\/requirements\.txt && set -- -r \/tmp\/requirements\.txt && if \[ -f requirements-deploy\.txt \]; then set -- "\$@" -r requirements-deploy\.txt; fi && pip install --no-cache-dir "\$@"\n/);
  assert.match(df, /WORKDIR \/app\/src\nCOPY \. \/app\//);
  assert.not.ok(r.diagnostics.some((d) => d.code === 'docker/dependencies'), brief(r).join('\n'));
  // Without a settings target nothing installs what the settings import: the user is told where to list it.
  const alone = compileText(src, { targets: [docker], registry: [docker], facts: { exists: (p) => p === 'pyproject.toml' } });
  assert.ok(brief(alone).some((l) => l.includes('info docker/dependencies the image installs the dependencies declared in pyproject.toml, outside the Django folder src/')), brief(alone).join('\n'));
});

test('base images must carry a version tag', () => {
  assert.is(imageTagProblem('python:3.12-slim'), null);
  assert.is(imageTagProblem('registry.local:5000/python@sha256:' + 'a'.repeat(64)), null);
  assert.ok(imageTagProblem('registry.local:5000/python'));
  const latest = build(MINIMAL + 'targets:\n  docker:\n    base_image: python:latest\n');
  assert.ok(brief(latest).some((l) => l.startsWith('7:') && l.includes('error docker/image-tag base_image "python:latest"')), brief(latest).join('\n'));
  const untagged = build(MINIMAL + 'targets:\n  docker:\n    base_image: python\n');
  // An untagged image is already outside the schema (the editor flags it too); :latest is the target's rule.
  assert.ok(brief(untagged).some((l) => l.startsWith('7:17 error schema/pattern targets.docker.base_image "python" is not valid')), brief(untagged).join('\n'));
  assert.equal(untagged.files, []);
});

test('compose: services, release ordering, db/redis, secrets via .env, workers', () => {
  const c = parse(file(exampleResults.get('06-docker-sentry')!, 'compose.yaml'), { version: '1.1' }) as { services: Record<string, Record<string, unknown>>; volumes: object; name?: string };
  assert.equal(Object.keys(c.services).sort(), ['db', 'redis', 'release', 'web', 'worker']);
  assert.is(c.name, undefined, 'no top-level name: docker-compose v1 does not know it');
  const web = c.services.web!;
  assert.equal(web.ports, ['127.0.0.1:8000:8000']);
  assert.equal(web.env_file, ['.env']);
  assert.equal(web.depends_on, { db: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' }, release: { condition: 'service_completed_successfully' } });
  const env = web.environment as Record<string, string>;
  assert.is(env.DATABASE_URL, 'postgres://app:app@db:5432/app');
  assert.is(env.REDIS_URL, 'redis://redis:6379/0');
  assert.is(env.DEFAULT_FROM_EMAIL, 'tracker@example.net');
  assert.not.ok('SECRET_KEY' in env || 'SENTRY_DSN' in env, 'secrets never get a value');
  assert.equal(c.services.release!.depends_on, { db: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  assert.equal(c.services.worker!.command, ['python', 'manage.py', 'process_tasks']);
  assert.equal(c.services.worker!.healthcheck, { disable: true });
  assert.equal((c.services.db!.healthcheck as { test: string[] }).test, ['CMD-SHELL', 'pg_isready -U app -d app']);
  assert.is(c.services.db!.image, 'postgres:16');
  assert.match(file(exampleResults.get('06-docker-sentry')!, 'compose.yaml'), /^# generated by deployspec[^\n]*\n# .*\n# Secrets are read from \.env .*SECRET_KEY, SENTRY_DSN/);
});

test('compose: overrides deep-merge, compose: false, reserved names, YAML 1.1 quoting', () => {
  const r = build(MINIMAL + 'env:\n  FLAG: "no"\ntargets:\n  docker:\n    overrides:\n      services:\n        web:\n          ports: ["127.0.0.1:9000:8000"]\n          restart: unless-stopped\n');
  const c = parse(file(r, 'compose.yaml'), { version: '1.1' }) as { services: { web: Record<string, unknown> } };
  assert.equal(c.services.web.ports, ['127.0.0.1:9000:8000']);
  assert.is(c.services.web.restart, 'unless-stopped');
  assert.equal(c.services.web.env_file, ['.env'], 'untouched keys survive the merge');
  assert.match(file(r, 'compose.yaml'), 'FLAG: "no"');
  const off = build(MINIMAL + 'targets:\n  docker:\n    compose: false\n');
  assert.equal(off.files.map((f) => f.path), ['.dockerignore', 'Dockerfile']);
  const clash = build(MINIMAL + 'cache: {}\nprocesses:\n  redis:\n    command: python worker.py\n');
  assert.ok(brief(clash).some((l) => l.includes('error docker/service-name process "redis"')), brief(clash).join('\n'));
});

test('capability findings: cron lists the command, static site, generated secrets, build-time URLs', () => {
  const r = build(yaml`
    version: 1
    name: mysite
    django:
      project: mysite
    database: {}
    static:
      serve: static-site
    jobs:
      nightly:
        schedule: "0 3 * * *"
        command: python manage.py clearsessions
    env:
      BUILD_DB:
        from: database.url
        scope: build
      API_TOKEN:
        secret: true
        scope: both
  `);
  const lines = brief(r);
  assert.ok(lines.some((l) => l.includes('info docker/unsupported') && l.includes('python manage.py clearsessions')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('info docker/unsupported') && l.includes('WhiteNoise')));
  assert.ok(lines.some((l) => l.includes('info docker/unsupported') && l.includes('SECRET_KEY must be set in .env')));
  assert.ok(lines.some((l) => l.includes('warning docker/unsupported') && l.includes('BUILD_DB')));
  assert.ok(lines.some((l) => l.includes('warning docker/build-secret') && l.includes('API_TOKEN')));
  const gen = r.diagnostics.find((d) => d.message.includes('SECRET_KEY must be set'));
  assert.match(gen?.hint ?? '', "print('SECRET_KEY=' + secrets.token_urlsafe(50))");
});

test('collectstatic skip, dependency managers, .dockerignore', () => {
  const skip = file(build(MINIMAL + 'static:\n  collectstatic: skip\n'), 'Dockerfile');
  assert.not.match(skip, 'collectstatic');
  const pipenv = file(build(MINIMAL + '  dependencies: pipenv\n'), 'Dockerfile');
  assert.match(pipenv, 'COPY Pipfile Pipfile.lock requirements-deploy.tx[t] ./\n');
  assert.match(pipenv, 'RUN python -m venv /opt/pipenv && /opt/pipenv/bin/pip install --no-cache-dir pipenv==', 'pipenv stays out of the app virtualenv');
  assert.match(pipenv, '/opt/pipenv/bin/pipenv requirements > /tmp/requirements-pipenv.txt && set -- -r /tmp/requirements-pipenv.txt && if [ -f requirements-deploy.txt ]; then set -- "$@" -r requirements-deploy.txt; fi && pip install --no-cache-dir "$@"\n');
  assert.equal(lintDockerfile(pipenv), []);
  const pyproject = file(build(MINIMAL + '  dependencies: pyproject\n'), 'Dockerfile');
  assert.match(pyproject, 'COPY pyproject.toml requirements-deploy.tx[t] ./\n', 'the deps stage copies the dependency list only');
  assert.not.match(pyproject, 'pip install --no-cache-dir .\n', 'no build of the project itself');
  assert.equal(lintDockerfile(pyproject), []);
  const ignore = file(exampleResults.get('05-monorepo-client')!, '.dockerignore');
  for (const p of ['**/.env', '**/.npmrc', '**/.netrc', '**/.pypirc', '**/id_rsa*', '**/.aws', '**/.ssh', '**/*.pem', '.git', '**/.venv', '**/node_modules', '**/db.sqlite3', 'backend/media', 'frontend/dist', 'deploy.yaml', 'Procfile', 'app.json', '.do']) {
    assert.ok(ignore.split('\n').includes(p), `.dockerignore keeps out ${p}`);
  }
  assert.not.ok(ignore.split('\n').includes('**/env.py'), 'code is never excluded by name');
  const spaced = build(MINIMAL.replace('  project: mysite\n', '  project: mysite\n  root: my app\n'));
  assert.ok(brief(spaced).some((l) => l.includes('error docker/unsafe-value django.root "my app"')), brief(spaced).join('\n'));
});

/** The deps stage of a Dockerfile: its COPY sources and RUN commands, read with dockerfile-ast. */
function depsStage(text: string): { copy: string[]; run: string[] } {
  const out = { copy: [] as string[], run: [] as string[] };
  let inDeps = false;
  for (const inst of DockerfileParser.parse(text).getInstructions()) {
    const kw = inst.getKeyword();
    if (kw === 'FROM') inDeps = / AS deps$/i.test(inst.getArgumentsContent() ?? '');
    else if (inDeps && kw === 'COPY') out.copy.push(...inst.getArguments().map((a) => a.getValue()).slice(0, -1));
    else if (inDeps && kw === 'RUN') out.run.push(inst.getArgumentsContent() ?? '');
  }
  return out;
}
const withSettings = (text: string, files: string[]) => compileText(text, { targets: [docker, django], facts: { exists: (p) => files.includes(p) } });

test('poetry: the deps stage sees pyproject.toml and poetry.lock only, installs the lock without the project, then the settings requirements constrained to it', () => {
  const r = withSettings(MINIMAL, ['pyproject.toml', 'poetry.lock']);
  const df = file(r, 'Dockerfile');
  const deps = depsStage(df);
  assert.equal(deps.copy, ['pyproject.toml', 'poetry.lock', 'requirements-deploy.tx[t]'], 'no sources: a code edit keeps the layer');
  const install = deps.run[1]!;
  assert.match(install, 'python -m venv /opt/poetry && /opt/poetry/bin/pip install --no-cache-dir poetry==2.3.4 && ');
  assert.match(install, 'VIRTUAL_ENV=/opt/venv /opt/poetry/bin/poetry install --only main --no-root --no-interaction --no-ansi && ');
  assert.match(install, 'if [ -f requirements-deploy.txt ]; then pip list --format=freeze > /tmp/locked.txt && pip install --no-cache-dir -c /tmp/locked.txt -r requirements-deploy.txt; fi');
  assert.not.match(install, /pip install[^|&;]* \.( |$)/, 'never a build of the project (non-package mode has none)');
  assert.equal(lintDockerfile(df), []);
  assert.equal(validateDockerfile(df), []);
  const info = r.diagnostics.find((d) => d.code === 'docker/extra-requirements');
  assert.ok(info, brief(r).join('\n'));
  assert.is(info!.severity, 'info');
  assert.match(info!.message, 'installs requirements-deploy.txt (what the generated settings import) with pip beside poetry.lock');
  assert.match(info!.hint ?? '', /^Add them to poetry\.lock so every install resolves them together: poetry add 'gunicorn>=[^']+' 'whitenoise>=[^']+'/);
  const pinned = file(withSettings(MINIMAL + 'targets:\n  docker:\n    poetry_version: 2.1.2\n', ['pyproject.toml', 'poetry.lock']), 'Dockerfile');
  assert.match(pinned, 'poetry==2.1.2 && ');
  const bad = withSettings(MINIMAL + 'targets:\n  docker:\n    poetry_version: 2.1; curl x\n', ['pyproject.toml', 'poetry.lock']);
  assert.ok(brief(bad).some((l) => l.startsWith('7:21 error')), brief(bad).join('\n'));
  assert.equal(bad.files, []);
});

test('uv: the lock is synced frozen to its pyproject.toml, without dev dependencies or the project, into the app virtualenv', () => {
  const r = withSettings(MINIMAL.replace('  project: mysite\n', '  project: mysite\n  root: src\n'), ['pyproject.toml', 'uv.lock']);
  const df = file(r, 'Dockerfile');
  const deps = depsStage(df);
  assert.equal(deps.copy, ['pyproject.toml', 'uv.lock', 'src/requirements-deploy.tx[t]']);
  assert.match(deps.run[1]!, 'python -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir uv==0.11.7 && UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never /opt/uv/bin/uv sync --locked --no-dev --no-install-project --inexact --no-cache && if [ -f requirements-deploy.txt ]; then pip list --format=freeze > /tmp/locked.txt && pip install --no-cache-dir -c /tmp/locked.txt -r requirements-deploy.txt; fi');
  assert.equal(lintDockerfile(df), []);
  assert.ok(r.diagnostics.some((d) => d.code === 'docker/extra-requirements' && (d.hint ?? '').includes(': uv add ')), brief(r).join('\n'));
  // Without the settings target there is nothing extra to install or announce.
  const alone = compileText(MINIMAL, { targets: [docker], registry: [docker], facts: { exists: (p) => p === 'pyproject.toml' || p === 'uv.lock' } });
  assert.not.match(depsStage(file(alone, 'Dockerfile')).run[1]!, 'requirements-deploy');
  assert.not.ok(alone.diagnostics.some((d) => d.code === 'docker/extra-requirements'));
});

test('requirements, pyproject and pipenv install the settings requirements in the same pip run', () => {
  const req = depsStage(file(withSettings(MINIMAL, ['requirements.txt']), 'Dockerfile'));
  assert.match(req.run[1]!, /^set -- -r requirements\.txt && if \[ -f requirements-deploy\.txt \]; then set -- "\$@" -r requirements-deploy\.txt; fi && pip install --no-cache-dir "\$@"$/);
  const py = withSettings(MINIMAL, ['pyproject.toml']);
  assert.match(depsStage(file(py, 'Dockerfile')).run[1]!, /> \/tmp\/requirements\.txt && set -- -r \/tmp\/requirements\.txt && if \[ -f requirements-deploy\.txt \]; then set -- "\$@" -r requirements-deploy\.txt; fi && pip install --no-cache-dir "\$@"$/);
  assert.not.ok(py.diagnostics.some((d) => d.code === 'docker/extra-requirements'), 'no lock to tell about');
  const pipenv = withSettings(MINIMAL, ['Pipfile']);
  assert.equal(depsStage(file(pipenv, 'Dockerfile')).copy, ['Pipfile', 'Pipfile.lock', 'requirements-deploy.tx[t]']);
  assert.match(depsStage(file(pipenv, 'Dockerfile')).run[1]!, 'set -- -r /tmp/requirements-pipenv.txt && if [ -f requirements-deploy.txt ]; then');
  assert.ok(pipenv.diagnostics.some((d) => d.code === 'docker/extra-requirements' && (d.hint ?? '').includes(': pipenv install ')), brief(pipenv).join('\n'));
});

test('system packages: build ones in the deps stage, runtime ones in the final image, apt-get with --no-install-recommends and cleanup', () => {
  const r = build(MINIMAL + 'targets:\n  docker:\n    system_packages:\n      build: [libpq-dev, build-essential]\n      runtime: [libpq5=15.10-0+deb12u1]\n');
  const df = file(r, 'Dockerfile');
  assert.equal(depsStage(df).run[0], 'apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/* && python -m venv /opt/venv');
  const stages = df.split(/^FROM /m);
  const final = stages[stages.length - 1]!;
  assert.match(final, 'RUN apt-get update && apt-get install -y --no-install-recommends libpq5=15.10-0+deb12u1 && rm -rf /var/lib/apt/lists/* && useradd ');
  assert.not.match(final, 'libpq-dev', 'build packages stay in the build stage');
  assert.equal(lintDockerfile(df), []);
  assert.equal(validateDockerfile(df), []);
  assert.not.match(file(build(MINIMAL), 'Dockerfile'), 'apt-get', 'none asked, none installed');
  // A name is a Debian package name and nothing else: no shell can ride along.
  for (const bad of ['"libpq-dev; rm -rf /"', 'Libpq', 'x', '"-o=evil"', '"libpq5=$(id)"']) {
    const res = build(MINIMAL + `targets:\n  docker:\n    system_packages:\n      build: [${bad}]\n`);
    assert.ok(brief(res).some((l) => l.startsWith('8:15 error')), `${bad}: ${brief(res).join('\n')}`);
    assert.equal(res.files, []);
  }
});

/** docker-compose v1's `config` of compose.yaml, as data. */
function composeConfigOf(text: string): Record<string, any> {
  const dir = mkdtempSync(join(tmpdir(), 'ds-compose-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), text);
    writeFileSync(join(dir, '.env'), '');
    const res = spawnSync('docker-compose', ['-f', 'compose.yaml', 'config'], { cwd: dir, encoding: 'utf8' });
    assert.is(res.status, 0, `${res.stderr}\n${text}`);
    return parse(res.stdout) as Record<string, any>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('overrides of x-app reach every app service through the merge key, which stays a merge key', () => {
  if (!has('docker-compose')) return loudSkip('docker-compose', 'x-app override not checked by docker-compose');
  const r = build(`${MINIMAL}processes:\n  worker:\n    command: celery -A mysite worker\ntargets:\n  docker:\n    overrides:\n      x-app:\n        labels: {team: api}\n`);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const text = file(r, 'compose.yaml');
  assert.not.match(text, /"<<"/);
  const c = composeConfigOf(text);
  for (const s of ['web', 'worker']) {
    assert.equal(c.services[s].labels, { team: 'api' }, s);
    assert.equal(c.services[s].build.dockerfile, 'Dockerfile', s);
  }
});

test('a `<<` key in the docker overrides is an error at its line, not a literal key compose refuses', () => {
  for (const [over, line] of [
    ['      services:\n        web:\n          "<<": {labels: {a: b}}\n', 10],
    ['      "<<": {services: {web: {command: x}}}\n', 8],
    ['      x-m: &m {labels: {a: b}}\n      services:\n        web:\n          "<<": *m\n', 11],
  ] as const) {
    const r = build(`${MINIMAL}targets:\n  docker:\n    overrides:\n${over}`);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.code === 'docker/overrides-invalid' && d.line === line), `${over}: ${JSON.stringify(r.diagnostics.map((d) => [d.line, d.code]))}`);
    assert.is(r.files.length, 0);
  }
  const gone = build(`${MINIMAL}targets:\n  docker:\n    overrides:\n      x-app: null\n`);
  assert.ok(gone.diagnostics.some((d) => d.severity === 'error' && d.code === 'docker/overrides-invalid' && d.line === 8), JSON.stringify(gone.diagnostics.map((d) => [d.line, d.code])));
});

test('PATH and PORT in env are errors at their name: the image sets both, and a later ENV would replace them', () => {
  const r = build(`${MINIMAL}env:\n  PATH: /usr/bin\n  PORT: "9999"\n  GREETING: hi\n`);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.code]);
  assert.equal(errors, [
    [6, 'docker/reserved-env'],
    [7, 'docker/reserved-env'],
  ]);
  assert.is(r.files.length, 0);
  const ok = build(`${MINIMAL}env:\n  GREETING: hi\n`);
  assert.match(file(ok, 'Dockerfile'), /ENV PATH="\/opt\/venv\/bin:\$PATH"/);
});

test.run();
