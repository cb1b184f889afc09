/**
 * `init`'s scanner: finds the facts deployspec models in an existing project (like `fly launch` does) and
 * records where each came from. Pure over a file listing and a reader, so tests need no real folders.
 */
import { RUNTIME_ENV } from '../contract.js';
import { SECRET_NAME } from '../spec/rules.js';
import type { Importer } from '../target.js';
import { defaultSettingsModule, findProductionSettings, manageFiles, moduleFile, settingsEnvReads, settingsText } from './django.js';
import { getIn, newDraft, setIn, slugify } from './draft.js';
import type { Draft, Json } from './draft.js';
import { finishDraft } from './env.js';
import type { ProjectFiles } from './files.js';

export interface ScanOptions {
  /** Folder name, for the default app name. */
  folderName: string;
  name?: string;
  project?: string;
  /** The folder of the manage.py to deploy, when the project has several. */
  root?: string;
  /** Names of the registered platforms: a settings module named after one is a production module. */
  platforms?: readonly string[];
  /** The targets' importers of existing platform files, in registry order. */
  importers: readonly Importer[];
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');
const inDir = (dir: string, file: string) => (dir === '.' ? file : `${dir}/${file}`);
const depth = (p: string) => p.split('/').length;
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Python requirement names mentioned in a dependency file, lowercased with `_` as `-`. */
export function requirementNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^[\s"']*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>~!;@"',]|$)/gm)) names.add(m[1]!.toLowerCase().replace(/_/g, '-'));
  return names;
}

function scanDjango(files: ProjectFiles, d: Draft, opts: ScanOptions): { root: string; project: string | null } {
  const all = manageFiles(files);
  let manage: string | undefined;
  if (opts.root !== undefined) {
    manage = all.find((p) => dirOf(p) === (opts.root === '' ? '.' : opts.root!.replace(/\/+$/, '')));
    if (!manage) d.problems.push(`no manage.py in ${opts.root}/ (found: ${all.join(', ') || 'none'})`);
  } else if (all.length > 1) {
    d.problems.push(`${all.length} manage.py files: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', ...' : ''}; pass --root <folder> to choose the Django project to deploy`);
  } else manage = all[0];
  const root = manage ? dirOf(manage) : '.';
  let project: string | null = opts.project ?? null;
  if (manage) {
    const found = defaultSettingsModule(files.read(manage) ?? '');
    if (found) project ??= found.module.split('.')[0]!;
    if (root !== '.') setIn(d, ['django', 'root'], root, opts.root !== undefined ? '--root' : `${manage} is in ${root}/`);
  }
  if (!project) {
    const wsgi = files.list.filter((p) => p.endsWith('/wsgi.py') && (root === '.' || p.startsWith(`${root}/`))).sort((a, b) => depth(a) - depth(b))[0];
    if (wsgi) project = dirOf(wsgi).split('/').pop()!;
  }
  if (!project) return { root, project: null };
  d.found.push(`Django project ${project}${manage ? ` (${manage})` : ''}`);
  setIn(d, ['django', 'project'], project, opts.project ? '--project' : manage ? `${manage} (DJANGO_SETTINGS_MODULE)` : 'the folder holding wsgi.py');

  const choice = findProductionSettings(files, root, project, opts.platforms);
  if (choice.module !== `${project}.settings`) setIn(d, ['django', 'settings'], choice.module, choice.reason);
  d.found.push(`production settings ${choice.module} (${choice.reason})`);
  if (choice.others.length) d.skipped.push(`other settings modules, not used in production: ${choice.others.join(', ')} (set django.settings to choose another)`);
  if (choice.skipped.length) d.found.push(`development and test settings left alone: ${choice.skipped.join(', ')}`);

  const settingsFile = moduleFile(files, root, choice.module);
  const text = settingsFile ? (files.read(settingsFile) ?? '') : '';
  const wsgi = /^WSGI_APPLICATION\s*=\s*["']([A-Za-z_][\w.]*)\.([A-Za-z_]\w*)["']/m.exec(text);
  if (wsgi && `${wsgi[1]}:${wsgi[2]}` !== `${project}.wsgi:application`) setIn(d, ['django', 'wsgi'], `${wsgi[1]}:${wsgi[2]}`, `${settingsFile}, line ${lineOf(text, wsgi.index)} (WSGI_APPLICATION)`);
  const sr = /^STATIC_ROOT\s*=\s*(?:BASE_DIR\s*\/\s*["']([\w./-]+)["']|os\.path\.join\(\s*BASE_DIR\s*,\s*["']([\w./-]+)["']\s*\))/m.exec(text);
  const staticRoot = sr?.[1] ?? sr?.[2];
  if (staticRoot && staticRoot !== 'staticfiles') setIn(d, ['static', 'root'], staticRoot, `${settingsFile}, line ${lineOf(text, sr!.index)} (STATIC_ROOT)`);
  scanSettingsEnv(files, d, root, choice.module);
  return { root, project };
}

/** Variables deployspec or the platform provide: never declared again from what the settings read. */
const PROVIDED = new Set(['DJANGO_SETTINGS_MODULE', 'DATABASE_URL', 'REDIS_URL', 'PORT', ...Object.values(RUNTIME_ENV)]);

/**
 * Declares the variables the production settings read, so every platform file lists them: the secret key's
 * variable as `django.secret_key_env`, the rest by name only (set on the platform, never a value in deploy.yaml).
 * A read with a default is declared only when its name says it is a secret (optional then); the others are listed.
 */
function scanSettingsEnv(files: ProjectFiles, d: Draft, root: string, module: string): void {
  const reads = settingsEnvReads(files, root, module);
  // SECRET_KEY = os.environ["X"] / env("X") / config("X") names the secret key's variable.
  const key = reads.find((r) => r.setting === 'SECRET_KEY');
  const secretKeyEnv = key?.name ?? 'SECRET_KEY';
  if (key && key.name !== 'SECRET_KEY') setIn(d, ['django', 'secret_key_env'], key.name, `${key.where} (SECRET_KEY)`);
  for (const r of reads) {
    if (r.name === secretKeyEnv || PROVIDED.has(r.name) || getIn(d, ['env', r.name]) !== undefined) continue;
    const secret = SECRET_NAME.test(r.name);
    // A setting with a default in the project (DEBUG, LOG_LEVEL) runs on that default: declaring it would make every
    // platform ask the operator for a value the project does not need. Named, not declared.
    if (r.optional && !secret) {
      d.skipped.push(`${r.name} (read by ${r.where} with a default): not declared, so the project's default applies; add it under env: to set a value`);
      continue;
    }
    const v: { [k: string]: Json } = { secret: true, description: `Read by ${r.where}${secret ? '' : '; set it where the app runs'}.` };
    if (r.optional) v.required = false;
    setIn(d, ['env', r.name], v, `read by ${r.where}`);
  }
}

function scanDependencies(files: ProjectFiles, d: Draft, root: string, project: string): void {
  const settings = settingsText(files, root, String(getIn(d, ['django', 'settings']) ?? `${project}.settings`));
  const candidates = ['requirements.txt', 'requirements/production.txt', 'requirements/base.txt', 'pyproject.toml', 'Pipfile'];
  const found = [...new Set([root, '.'])].flatMap((dir) => candidates.map((c) => inDir(dir, c))).filter((p) => files.list.includes(p));
  if (!found.length) return;
  const file = found[0]!;
  const names = new Set<string>();
  // Follow `-r other.txt` includes (relative to the including file), as pip does, a few levels deep.
  const seen = new Set<string>();
  let requirementText = '';
  const readRequirements = (f: string, depth: number): void => {
    if (seen.has(f) || depth > 4) return;
    seen.add(f);
    const text = files.read(f) ?? '';
    requirementText += text + '\n';
    for (const n of requirementNames(text)) names.add(n);
    for (const m of text.matchAll(/^\s*-r\s+(\S+)/gm)) {
      const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.';
      const inc = inDir(dir, m[1]!);
      if (files.list.includes(inc)) readRequirements(inc, depth + 1);
    }
  };
  for (const f of found) readRequirements(f, 0);
  d.found.push(`dependencies in ${found.join(', ')}`);
  // A Poetry or uv lock beside the pyproject.toml: the build installs that lock (what `auto` picks too, recorded so
  // the choice is visible), unless a requirements file or Pipfile is there to be installed instead.
  if (file.endsWith('pyproject.toml') && found.every((f) => f.endsWith('pyproject.toml'))) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
    const manager = (['poetry', 'uv'] as const).find((m) => files.list.includes(inDir(dir, `${m}.lock`)));
    if (manager && getIn(d, ['django', 'dependencies']) === undefined) {
      setIn(d, ['django', 'dependencies'], manager, `${inDir(dir, `${manager}.lock`)} beside ${file}`);
      d.found.push(`${manager === 'poetry' ? 'Poetry' : 'uv'} lock file ${inDir(dir, `${manager}.lock`)}: the image installs it without the project`);
    }
  }
  const has = (...xs: string[]) => xs.find((x) => names.has(x));
  // A database and a cache cost money on every platform: only strong signals count, and each one is announced.
  const driver = has('psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary');
  const pgEngine = /django\.(?:contrib\.gis\.)?db\.backends\.(?:postgresql|postgis)|postgres(?:ql)?:\/\//.test(settings);
  if (d.spec.database === undefined) {
    if (driver || pgEngine) {
      setIn(d, ['database'], {}, driver ? `${file} lists ${driver}` : 'the production settings use PostgreSQL');
      d.found.push(`a PostgreSQL database (billed by the platform): ${driver ? `${file} lists ${driver}` : 'the production settings use PostgreSQL'}`);
    } else if (has('dj-database-url')) d.skipped.push(`${file} lists dj-database-url but no PostgreSQL driver, and the settings name no PostgreSQL: no database inferred (add \`database: {}\` if the app needs one)`);
  }
  if (d.spec.database === undefined && /django\.db\.backends\.sqlite3/.test(settings)) {
    d.skipped.push('the production settings use SQLite: its file is lost on every deploy on a platform; add `database: {}` for PostgreSQL');
  }
  const redisLib = has('redis', 'django-redis', 'django-rq', 'channels-redis');
  const redisBroker = has('celery') && (/redis(?:s)?:\/\/|CELERY_BROKER_URL\s*=\s*[^\n]*REDIS/.test(settings) || /^\s*celery\s*\[[^\]]*\bredis\b/im.test(requirementText));
  if (d.spec.cache === undefined) {
    if (redisLib || redisBroker) {
      const why = redisLib ? `${file} lists ${redisLib}` : 'the Celery broker is Redis';
      setIn(d, ['cache'], {}, why);
      d.found.push(`a Redis cache (billed by the platform): ${why}`);
    } else if (has('celery')) d.skipped.push(`${file} lists celery but its broker is not Redis (or not found in the settings): no Redis inferred`);
  }
  if (has('celery') && !(d.spec.processes as Record<string, unknown> | undefined)?.worker) {
    setIn(d, ['processes', 'worker', 'command'], `celery -A ${project} worker --loglevel info`, `${file} lists celery (the usual worker command)`);
  }
  const cloud = has('cloudinary', 'django-cloudinary-storage');
  const s3 = has('django-storages', 'boto3');
  if (cloud) setIn(d, ['media', 'storage'], 'cloudinary', `${file} lists ${cloud}`);
  else if (s3) {
    setIn(d, ['media', 'storage'], 's3', `${file} lists ${s3}`);
    setIn(d, ['media', 's3', 'bucket'], `${slugify(String(d.spec.name ?? project))}-media`, 'a guess: set your bucket name');
  }
  if (has('sentry-sdk')) setIn(d, ['monitoring', 'sentry'], {}, `${file} lists sentry-sdk`);
  if (has('whitenoise')) setIn(d, ['static', 'serve'], 'whitenoise', `${file} lists whitenoise`);
  if (!has('gunicorn', 'uvicorn')) d.skipped.push(`${file} does not list gunicorn, which the default web command runs: add it`);
}

function scanRuntime(files: ProjectFiles, d: Draft, root: string): void {
  for (const dir of [...new Set([root, '.'])]) {
    const rt = files.read(inDir(dir, 'runtime.txt'));
    const m = rt ? /python-(3\.\d+(?:\.\d+)?)/.exec(rt) : null;
    if (m) {
      setIn(d, ['runtime', 'python'], m[1]!, inDir(dir, 'runtime.txt'));
      return;
    }
    // pyenv and uv allow comments and several versions: the first version line wins.
    const pv = files
      .read(inDir(dir, '.python-version'))
      ?.split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('#'));
    if (pv && /^3\.\d+(\.\d+)?$/.test(pv)) {
      setIn(d, ['runtime', 'python'], pv, inDir(dir, '.python-version'));
      return;
    }
  }
}

function scanClient(files: ProjectFiles, d: Draft, root: string): void {
  const pkgs = files.list.filter((p) => p === 'package.json' || p.endsWith('/package.json')).sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  for (const p of pkgs) {
    let pkg: { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(files.read(p) ?? '{}');
    } catch {
      continue;
    }
    if (!pkg.scripts?.build) continue;
    const dir = dirOf(p);
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    const install = files.list.includes(inDir(dir, 'package-lock.json')) ? 'npm ci' : files.list.includes(inDir(dir, 'yarn.lock')) ? 'yarn install --frozen-lockfile' : files.list.includes(inDir(dir, 'pnpm-lock.yaml')) ? 'pnpm install --frozen-lockfile' : 'npm install';
    const build = files.list.includes(inDir(dir, 'yarn.lock')) ? 'yarn build' : files.list.includes(inDir(dir, 'pnpm-lock.yaml')) ? 'pnpm run build' : 'npm run build';
    const output = inDir(dir, deps['react-scripts'] ? 'build' : 'dist');
    setIn(d, ['client', 'root'], dir, `${p} has a build script`);
    setIn(d, ['client', 'install'], install, 'from the lock file');
    setIn(d, ['client', 'build'], build);
    setIn(d, ['client', 'output'], output, deps['react-scripts'] ? 'Create React App builds into build/' : 'the usual build output; check it');
    d.found.push(`client in ${dir}/ (${p})`);
    if (dir === root) d.skipped.push(`${p} sits in the Django folder; check client.root and client.output`);
    return;
  }
}

/** Scans a project. Returns a draft spec; `django.project` is missing when no Django project was found. */
export function scanProject(files: ProjectFiles, opts: ScanOptions): Draft {
  const d = newDraft();
  setIn(d, ['name'], opts.name ? slugify(opts.name) : slugify(opts.folderName), opts.name ? '--name' : 'the folder name');
  const { root, project } = scanDjango(files, d, opts);
  if (!project) return d;
  scanRuntime(files, d, root);
  // Platform files first: what the user already deploys with wins over guesses from the dependencies.
  const ordered = [...opts.importers.filter((i) => !i.late), ...opts.importers.filter((i) => i.late)];
  for (const importer of ordered) importer.run?.(files, d, { root, nameGiven: !!opts.name });
  scanDependencies(files, d, root, project);
  scanClient(files, d, root);
  finishDraft(d);
  return d;
}
