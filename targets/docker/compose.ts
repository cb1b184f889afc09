/** compose.yaml for local parity, built as an object and serialized with the yaml library. */
import { RUNTIME_ENV } from '../../src/contract.js';
import { yamlDocument, yamlText } from '../../src/yaml-out.js';
import type { DeployModel } from '../../src/model/model.js';
import type { Finding } from '../../src/spec/finding.js';
import { mergeOverrides } from '../../src/model/overrides.js';
import { CONTROL, commandArgv, composeLiteral } from './escape.js';
import { HEADER } from './dockerfile.js';
import type { DockerOptions } from './options.js';

type Obj = Record<string, unknown>;

/** Local-only credentials: the db service publishes no port, so only containers on the compose network reach it. */
const PG = { user: 'app', password: 'app', db: 'app' };
export const DB_URL = `postgres://${PG.user}:${PG.password}@db:5432/${PG.db}`;

function cacheService(model: DeployModel): { name: string; url: string; image: string; cli: string } | null {
  const c = model.cache;
  if (!c) return null;
  const name = c.engine === 'valkey' ? 'valkey' : 'redis';
  return { name, url: `redis://${name}:6379/0`, image: c.engine === 'valkey' ? `valkey/valkey:${c.version}` : `redis:${c.version}`, cli: c.engine === 'valkey' ? 'valkey-cli' : 'redis-cli' };
}

/** Service names deployspec uses besides the processes; a process may not take one of them. */
export function reservedServices(model: DeployModel): string[] {
  const cache = cacheService(model);
  return ['release', ...(model.database ? ['db'] : []), ...(cache ? [cache.name] : [])];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of every `<<` key in `value` (overrides as written). */
function mergeKeysIn(value: unknown, at: (string | number)[]): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => mergeKeysIn(v, [...at, i]));
  if (!isObj(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '<<' ? [[...at, k]] : mergeKeysIn(v, [...at, k])));
}

export function composeFile(model: DeployModel, docker: DockerOptions): { contents: string; findings: Finding[] } {
  const findings: Finding[] = [];
  const cache = cacheService(model);
  const reserved = reservedServices(model);
  for (const p of model.processes) {
    if (reserved.includes(p.name)) {
      findings.push({ severity: 'error', code: 'docker/service-name', message: `process "${p.name}" has the name of a compose service deployspec adds (${reserved.join(', ')})`, hint: 'Rename the process, e.g. `' + p.name + '-worker`.', path: p.path, at: 'key' });
    }
  }
  const command = (cmd: string, path: (string | number)[]): string[] => {
    if (CONTROL.test(cmd)) findings.push({ severity: 'error', code: 'docker/unsafe-value', message: 'command contains a newline or control character', hint: 'Join the steps with && or move them into a script.', path });
    return commandArgv(cmd).map(composeLiteral);
  };

  const environment: Obj = {};
  const fromEnvFile: string[] = [];
  for (const v of model.env) {
    if (v.kind === 'plain' && v.scope !== 'build') environment[v.name] = composeLiteral(v.value ?? '');
    else if (v.kind === 'reference' && v.ref === 'database.url' && model.database) environment[v.name] = DB_URL;
    else if (v.kind === 'reference' && v.ref === 'cache.url' && cache) environment[v.name] = cache.url;
    else if (v.kind === 'secret' || v.kind === 'generated') fromEnvFile.push(v.name);
  }
  // Local parity runs over plain HTTP on 127.0.0.1: the generated Django settings would otherwise redirect to
  // HTTPS and refuse the local host. Both are their documented overrides; a spec value of the same name wins.
  const local: Obj = { [RUNTIME_ENV.allowedHosts]: 'localhost,127.0.0.1', [RUNTIME_ENV.sslRedirect]: '0', [RUNTIME_ENV.proxySslHeader]: '0' };
  for (const [k, v] of Object.entries(local)) if (!(k in environment) && !model.env.some((e) => e.name === k)) environment[k] = v;

  // Every app service waits for its backing services; web and workers also wait for the release step.
  const backing: Obj = {};
  if (model.database) backing.db = { condition: 'service_healthy' };
  if (cache) backing[cache.name] = { condition: 'service_healthy' };
  const afterRelease: Obj = { ...backing, ...(model.release ? { release: { condition: 'service_completed_successfully' } } : {}) };
  // What every app service shares (image build, .env, environment) is written once under x-app and merged into
  // each service with `<<: *app1`, the usual compose fragment; the file grows with services + variables, not their
  // product. Only what differs (command, ports, depends_on) is written per service.
  // Local media uploads (media.storage none) outlive the containers in a volume, shared by web and the workers, on
  // the folder the Dockerfile makes writable for the app user.
  const mediaDir = model.media.storage === 'none' ? `${model.django.root === '.' ? '/app' : `/app/${model.django.root}`}/media` : null;
  const common: Obj = {
    build: { context: '.', dockerfile: 'Dockerfile' },
    // Not generated and never committed: holds SECRET_KEY and the other secrets (see the header).
    env_file: ['.env'],
    ...(Object.keys(environment).length ? { environment } : {}),
    ...(mediaDir ? { volumes: [`media:${mediaDir}`] } : {}),
  };
  const app = (extra: Obj, deps: Obj): Obj => ({
    '<<': common,
    ...extra,
    ...(Object.keys(deps).length ? { depends_on: structuredClone(deps) } : {}),
  });

  const services: Obj = {};
  for (const p of model.processes) {
    if (p.kind === 'web') services[p.name] = app({ ports: [`127.0.0.1:${docker.port}:${docker.port}`] }, afterRelease);
    else services[p.name] = app({ command: command(p.command, [...p.path, 'command']), healthcheck: { disable: true } }, afterRelease);
  }
  if (model.release) {
    services.release = app({ command: command(model.release.command, model.release.path), restart: 'no', healthcheck: { disable: true } }, backing);
  }
  const volumes: Obj = mediaDir ? { media: {} } : {};
  if (model.database) {
    // postgres 18+ images keep their data one level up (/var/lib/postgresql/<major>/docker).
    const major = Number.parseInt(model.database.version, 10);
    const dataDir = major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
    services.db = {
      image: `postgres:${model.database.version}`,
      environment: { POSTGRES_USER: PG.user, POSTGRES_PASSWORD: PG.password, POSTGRES_DB: PG.db },
      volumes: [`db-data:${dataDir}`],
      healthcheck: { test: ['CMD-SHELL', `pg_isready -U ${PG.user} -d ${PG.db}`], interval: '5s', timeout: '5s', retries: 10 },
    };
    volumes['db-data'] = {};
  }
  if (cache) {
    services[cache.name] = { image: cache.image, healthcheck: { test: ['CMD', cache.cli, 'ping'], interval: '5s', timeout: '5s', retries: 10 } };
  }
  let data: Obj = { 'x-app': common, services };
  if (Object.keys(volumes).length) data.volumes = volumes;
  data = mergeOverrides(data, docker.overrides) as Obj;
  // `<<: *app1` is the file's structure, not a value: the merge key is written plain only when its value is the
  // anchored x-app itself. An override of x-app is what every app service merges; a `<<` written in the overrides
  // would be a literal key compose refuses (or a merge of a copy), and x-app cannot go.
  const merges = mergeKeysIn(docker.overrides, []);
  for (const at of merges) {
    findings.push({ severity: 'error', code: 'docker/overrides-invalid', message: 'targets.docker.overrides writes a `<<` key: compose.yaml merges x-app into each app service itself, and a `<<` of its own would be a literal key compose refuses', hint: 'Override `x-app` to change what every app service gets, or set the keys on the service itself.', path: [...docker.specPath, 'overrides', ...at], at: 'key' });
  }
  const shared = data['x-app'];
  if (!isObj(shared)) {
    findings.push({ severity: 'error', code: 'docker/overrides-invalid', message: 'targets.docker.overrides removes or replaces x-app, which every app service of compose.yaml merges', hint: 'Override keys inside `x-app` instead.', path: [...docker.specPath, 'overrides', 'x-app'], at: 'key' });
  } else if (isObj(data.services)) {
    for (const svc of Object.values(data.services)) if (isObj(svc) && Object.hasOwn(svc, '<<')) svc['<<'] = shared;
  }

  // YAML 1.1 quoting ("no", "on", "yes") because docker-compose v1 reads YAML 1.1, where those are booleans.
  const doc = yamlDocument(data, { version: '1.1', merge: true, aliasDuplicateObjects: true, anchorPrefix: 'app' });
  const secretNote = fromEnvFile.length
    ? ` Secrets are read from .env beside this file (not generated, never commit it): ${fromEnvFile.join(', ')}.`
    : ' Secrets, if any, go in .env beside this file (not generated, never commit it).';
  doc.commentBefore = [
    ` ${HEADER}`,
    ` Local parity: docker compose up --build  (web on http://127.0.0.1:${docker.port}).`,
    secretNote,
    ` Create .env first, e.g.: python3 -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" >> .env`,
  ].join('\n');
  return { contents: yamlText(doc, { lineWidth: 0 }), findings };
}
