/**
 * The generated Dockerfile, built and run for real with podman (offline, isolated storage; see helpers/container.ts
 * and scripts/deps/30-containers.sh), for three examples: 07-django-project as it is, 05-monorepo-client and
 * 06-docker-sentry with 07's Django code under their project names (plus a Node frontend for 05 and a worker
 * command for 06). Each copy is built with `deployspec build --target all`, then follows its compose.yaml:
 * PostgreSQL (a throwaway server on the host's 127.0.0.1, reached from the containers through slirp4netns as
 * 10.0.2.2), the release service (migrate) to completion, then web with its port published on 127.0.0.1 only (a
 * free port instead of compose's fixed one). Checked: home page, a hashed static file with immutable caching, the
 * health path, `podman healthcheck run`, no root process, SIGTERM stopping web, worker and a stuck release in
 * under 10 s, and the dependency layer reused after a code edit. Build times and image sizes are printed.
 *
 * compose.yaml itself is not run by a compose tool here: docker-compose v1 against `podman system service` would
 * need images for postgres/redis (no registry) and health checks driven by systemd timers (none here), which its
 * `service_healthy` conditions wait on; podman-compose 1.0 ignores depends_on conditions. The test reads the
 * services, commands, environment and ports from the generated file instead.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { ROOT } from './helpers/spec.js';
import { postgresBin, startPostgres } from './helpers/postgres.js';
import type { Postgres } from './helpers/postgres.js';
import { freePort, http } from './helpers/processes.js';
import { containerSetup, exec, imageSize, makeProject, startPodman, uncachedSteps } from './helpers/container.js';
import type { Podman, ProjectOptions } from './helpers/container.js';

const container = suite('container');

/** A worker that runs until it is stopped and does nothing about signals itself (as most do). */
const WORKER = `import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Stand-in for django-background-tasks' process_tasks: polls forever."

    def handle(self, *args, **options):
        self.stdout.write("worker started", ending="\\n")
        self.stdout.flush()
        while True:
            time.sleep(1)
`;

interface Case {
  example: string;
  project: ProjectOptions;
  health: string;
  /** Secrets compose reads from .env. */
  secrets: Record<string, string>;
}

const CASES: Case[] = [
  { example: '07-django-project', project: { project: 'notesite', root: '.' }, health: '/healthz', secrets: {} },
  {
    example: '05-monorepo-client',
    project: { project: 'dashboard', root: 'backend', client: { root: 'frontend', output: 'frontend/dist' } },
    health: '/api/health',
    secrets: { ANALYTICS_TOKEN: 'test-token' },
  },
  {
    example: '06-docker-sentry',
    project: { project: 'tracker', root: '.', extraRequirements: ['sentry-sdk>=1.9', 'redis>=4.3'], commands: { process_tasks: WORKER } },
    health: '/healthz',
    // Reaches nothing (port 9 on the container's own loopback); sentry-sdk only sends on errors.
    secrets: { SENTRY_DSN: 'http://public@127.0.0.1:9/1' },
  },
];

/** Under 10 s, Docker's and podman's default stop timeout, after which the engine sends SIGKILL. */
const STOP_LIMIT_MS = 10_000;

function skipOrFail(name: string, message: string): void {
  if (process.env.CI === 'true') container(name, () => assert.unreachable(`${message} — CI must run the container tests`));
  else {
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n!! SKIPPED: ${name} — ${message}. Run \`sudo bash scripts/system-deps.sh\`.\n${bar}\n`);
    container.skip(name, () => {});
  }
}

type Services = Record<string, { command?: string[]; environment?: Record<string, string>; ports?: string[]; healthcheck?: unknown }>;

/** The environment compose gives a service: its `environment` (x-app merged in) plus the .env secrets. */
function composeEnv(services: Services, name: string, overrides: Record<string, string>): string[] {
  const env = { ...(services[name]?.environment ?? {}), ...overrides };
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${String(v).replace(/\$\$/g, '$')}`]);
}

const setup = containerSetup();
const pgBin = postgresBin();
let pm: Podman | null = null;
let pg: Postgres | null = null;
const summary: string[] = [];

container.before(async () => {
  if (!('dir' in setup) || !pgBin) return;
  pm = await startPodman(setup.dir);
  pg = await startPostgres(pgBin);
});

container.after(async () => {
  await pm?.cleanup();
  pg?.stop();
  if (summary.length) console.log('\n' + summary.join('\n'));
});

/** Times `podman stop` with the default 10 s grace; returns the time and the container's exit code. */
async function timedStop(podman: Podman, name: string): Promise<{ ms: number; exit: number }> {
  const stop = await podman.ok(['stop', '--time', '10', name], 60_000);
  const code = await podman.ok(['inspect', '--format', '{{.State.ExitCode}}', name]);
  return { ms: stop.ms, exit: Number(code.stdout.trim()) };
}

async function waitForLog(podman: Podman, name: string, text: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  let logs = '';
  while (Date.now() < end) {
    const r = await podman.podman(['logs', name]);
    logs = r.stdout + r.stderr;
    if (logs.includes(text)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} never logged ${JSON.stringify(text)}:\n${logs}`);
}

async function waitForStatus(port: number, path: string, status: number, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    try {
      const r = await http(port, path, { Host: 'localhost' });
      if (r.status === status) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`127.0.0.1:${port}${path} never answered ${status} (last: ${last})`);
}

const missing = [
  'missing' in setup ? setup.missing : '',
  pgBin ? '' : 'PostgreSQL (Debian package postgresql) is not installed',
].filter(Boolean);

for (const c of CASES) {
  const name = `${c.example}: the generated Dockerfile builds offline, migrates, serves, stops on SIGTERM and caches its dependencies`;
  if (missing.length) {
    skipOrFail(name, missing.join('; '));
    continue;
  }
  container(name, async () => {
    const podman = pm!;
    const db = pg!;
    const id = `${c.example.slice(0, 2)}-${randomBytes(3).toString('hex')}`;
    const dest = mkdtempSync(join(tmpdir(), 'deployspec-container-'));
    const started: string[] = [];
    let blackhole: NetServer | null = null;
    try {
      makeProject(dest, c.example, c.project);
      const gen = await exec('node', [join(ROOT, 'bin/deployspec.js'), 'build', '--target', 'all'], process.env, 60_000, dest);
      assert.is(gen.code, 0, `deployspec build:\n${gen.stdout}${gen.stderr}`);
      const dockerfile = readFileSync(join(dest, 'Dockerfile'), 'utf8');
      const compose = parse(readFileSync(join(dest, 'compose.yaml'), 'utf8'), { version: '1.1', merge: true }) as { services: Services };
      const services = compose.services;
      await podman.provideBaseImages(dockerfile);

      // Cold build: nothing of this project is cached yet (the base images are the stand-ins, see the set-up).
      const tag = `localhost/deployspec-test/${id}:1`;
      const cold = await podman.build(dest, tag);
      assert.is(cold.code, 0, `podman build failed:\n${cold.stdout.slice(-6000)}\n${cold.stderr.slice(-4000)}`);
      const size = await imageSize(podman, tag);
      const healthcheck = await podman.ok(['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', tag]);
      assert.match(healthcheck.stdout, c.health, 'the image keeps its HEALTHCHECK (--format docker)');

      // The runtime image holds what runs, not the platform files, the spec or frontend sources.
      const appDir = c.project.root === '.' ? '/app' : `/app/${c.project.root}`;
      const listing = await podman.ok(['run', '--rm', '--network=none', '--entrypoint', 'sh', tag, '-c', 'find /app -maxdepth 2 -not -path "*/__pycache__*" | sort']);
      for (const absent of ['/app/deploy.yaml', '/app/Procfile', '/app/app.json', '/app/.do', '/app/Dockerfile', '/app/compose.yaml']) {
        assert.not.ok(listing.stdout.split('\n').includes(absent), `${absent} is not in the image:\n${listing.stdout}`);
      }
      if (c.project.client) {
        const client = await podman.ok(['run', '--rm', '--network=none', '--entrypoint', 'sh', tag, '-c', `ls /app/${c.project.client.output}; ls /app/${c.project.client.root}`]);
        assert.match(client.stdout, 'app.js', 'the client build output is in the image');
        assert.not.match(client.stdout, /package\.json|src\.js|build\.js/, `frontend sources stay out of the runtime image:\n${client.stdout}`);
      }

      // The database compose's db service stands for, on the host's loopback.
      const dbName = `ctr_${id.replace(/-/g, '_')}`;
      db.createDatabase(dbName);
      const dbUrl = db.url(dbName).replace('@127.0.0.1:', '@10.0.2.2:');
      const secrets = { SECRET_KEY: randomBytes(40).toString('base64url'), ...c.secrets };
      const net = ['--network', 'slirp4netns:allow_host_loopback=true'];
      const envFor = (service: string, extra: Record<string, string> = {}) => composeEnv(services, service, { ...secrets, DATABASE_URL: dbUrl, ...extra });

      // release: run to completion before web, as `service_completed_successfully` says.
      const release = services.release!;
      assert.ok(release.command, 'compose has a release command');
      const migrate = await podman.podman(['run', '--rm', ...net, ...envFor('release'), tag, ...release.command!], 300_000);
      assert.is(migrate.code, 0, `release failed:\n${migrate.stdout}\n${migrate.stderr}`);
      assert.ok(Number(db.sql(dbName, 'SELECT count(*) FROM django_migrations')) > 5, 'migrations were applied');

      // web, published on 127.0.0.1 only.
      const webPort = Number(String(services.web!.ports![0]).split(':').pop());
      const hostPort = await freePort();
      const web = `web-${id}`;
      started.push(web);
      await podman.ok(['run', '-d', '--name', web, ...net, '-p', `127.0.0.1:${hostPort}:${webPort}`, ...envFor('web'), tag]);
      await waitForStatus(hostPort, c.health, 200);
      const home = await http(hostPort, '/', { Host: 'localhost' });
      assert.is(home.status, 200, home.body.toString());
      const css = /\/static\/notes\/site\.[0-9a-f]{12}\.css/.exec(home.body.toString())?.[0];
      assert.ok(css, `the home page links a hashed stylesheet:\n${home.body}`);
      const asset = await http(hostPort, css!, { Host: 'localhost' });
      assert.is(asset.status, 200);
      assert.match(String(asset.headers['cache-control']), /max-age=315360000.*immutable|immutable.*max-age=315360000/);
      const health = await http(hostPort, c.health, { Host: '10.0.2.100' });
      assert.is(health.status, 200, 'the health path answers any Host');
      const probe = await podman.podman(['healthcheck', 'run', web]);
      assert.is(probe.code, 0, `podman healthcheck run: ${probe.stdout}${probe.stderr}`);
      const top = await podman.ok(['top', web, 'user', 'args']);
      const procs = top.stdout.trim().split('\n').slice(1);
      assert.ok(procs.length >= 2, top.stdout);
      assert.not.ok(procs.some((l) => /^root\s/.test(l)), `no process runs as root:\n${top.stdout}`);
      const media = await podman.podman(['exec', web, 'sh', '-c', `touch ${appDir}/media/probe && rm ${appDir}/media/probe`]);
      assert.is(media.code, 0, `local media is writable: ${media.stderr}`);
      const logs = await podman.ok(['logs', web]);
      assert.match(logs.stdout + logs.stderr, /"GET \/ HTTP\/1\.1" 200/, 'gunicorn writes an access log');
      const webStop = await timedStop(podman, web);
      assert.ok(webStop.ms < STOP_LIMIT_MS && webStop.exit !== 137, `web stopped by SIGTERM in ${webStop.ms} ms (exit ${webStop.exit})`);

      // Every worker, as compose runs it.
      const stops = [`web ${(webStop.ms / 1000).toFixed(1)} s`];
      for (const [svc, def] of Object.entries(services)) {
        if (svc === 'web' || svc === 'release' || !def.command || !('build' in (def as object))) continue;
        const worker = `${svc}-${id}`;
        started.push(worker);
        await podman.ok(['run', '-d', '--name', worker, ...net, ...envFor(svc), tag, ...def.command]);
        await waitForLog(podman, worker, 'worker started');
        const s = await timedStop(podman, worker);
        assert.ok(s.ms < STOP_LIMIT_MS && s.exit !== 137, `${svc} stopped by SIGTERM in ${s.ms} ms (exit ${s.exit})`);
        stops.push(`${svc} ${(s.ms / 1000).toFixed(1)} s`);
      }

      // A release stuck on a database that accepts but never answers must still stop on SIGTERM.
      const stuckPort = await freePort();
      blackhole = createServer(() => {}).listen(stuckPort, '127.0.0.1');
      const stuck = `release-${id}`;
      started.push(stuck);
      await podman.ok(['run', '-d', '--name', stuck, ...net, ...envFor('release', { DATABASE_URL: `postgres://u:p@10.0.2.2:${stuckPort}/x` }), tag, ...release.command!]);
      await new Promise((r) => setTimeout(r, 2000));
      const running = await podman.ok(['inspect', '--format', '{{.State.Running}}', stuck]);
      assert.is(running.stdout.trim(), 'true', 'the release is waiting on the database');
      const releaseStop = await timedStop(podman, stuck);
      assert.ok(releaseStop.ms < STOP_LIMIT_MS && releaseStop.exit !== 137, `release stopped by SIGTERM in ${releaseStop.ms} ms (exit ${releaseStop.exit})`);
      stops.push(`release ${(releaseStop.ms / 1000).toFixed(1)} s`);

      // A code edit rebuilds the app layers only: the dependency (and client) stages come from the cache.
      appendFileSync(join(dest, c.project.root, 'notes', 'views.py'), '\n# edited\n');
      const warm = await podman.build(dest, `localhost/deployspec-test/${id}:2`);
      assert.is(warm.code, 0, warm.stderr.slice(-4000));
      const rerun = uncachedSteps(warm.stdout);
      assert.ok(rerun.some((s) => s.startsWith('COPY')), `the edit is copied in again: ${rerun.join(' | ')}`);
      assert.not.ok(rerun.some((s) => /pip install|npm ci/.test(s)), `dependencies are reinstalled after a code edit: ${rerun.join(' | ')}`);

      summary.push(
        `container ${c.example}: build cold ${(cold.ms / 1000).toFixed(1)} s, after a code edit ${(warm.ms / 1000).toFixed(1)} s; ` +
          `image ${(size / 1e6).toFixed(0)} MB; stop on SIGTERM: ${stops.join(', ')}`,
      );
    } finally {
      blackhole?.close();
      for (const name of started) await podman.podman(['rm', '-f', '-t', '0', name]);
      rmSync(dest, { recursive: true, force: true });
    }
  });
}

container.run();
