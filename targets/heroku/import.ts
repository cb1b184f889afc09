/**
 * `init` for Heroku: carries over the Procfile, app.json and a runtime.txt pin; lists in `draft.skipped` what it
 * does not model.
 */
import { setIn, slugName } from '../../src/init/draft.js';
import type { Draft, Json } from '../../src/init/draft.js';
import { importCommand, setImportedCommand } from '../../src/init/commands.js';
import { addEnv, isObj, isProcessName, plainOrSecret } from '../../src/init/env.js';
import type { Obj } from '../../src/init/env.js';
import type { ProjectFiles } from '../../src/init/files.js';
import type { Importer } from '../../src/target.js';
import { DEF_PATTERNS } from '../../src/spec/schema.gen.js';
import { ENUMS } from './options.gen.js';

/** Set by Heroku or by the files deployspec generates for it. */
const PLATFORM_VARS = new Set(['REDIS_TLS_URL', 'DISABLE_COLLECTSTATIC', 'DYNO']);

/** Heroku dyno size → deployspec's portable size. */
export const HEROKU_SIZES: Readonly<Record<string, string>> = {
  eco: 'tiny',
  basic: 'tiny',
  'standard-1x': 'small',
  'standard-2x': 'medium',
  'performance-m': 'large',
  'performance-l': 'xlarge',
};

function importProcfile(files: ProjectFiles, d: Draft, root: string): void {
  const text = files.read('Procfile');
  if (text === null) return;
  d.found.push('Procfile');
  d.imported.push({ path: 'Procfile', target: 'heroku' });
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const m = /^([A-Za-z0-9_-]+):\s*(.*)$/.exec(line);
    const where = `Procfile, line ${i + 1}`;
    if (!m || !m[2]!.trim()) {
      d.skipped.push(`${where}: ${line.trim()} (not a process line)`);
      return;
    }
    const name = m[1]!;
    // deployspec commands run from the Django folder: `cd <root> &&` and gunicorn's --chdir <root> are implied.
    if (name === 'release') setIn(d, ['release', 'command'], importCommand(m[2]!, root, '.', false).command, where);
    else if (isProcessName(name)) setImportedCommand(d, ['processes', name, 'command'], m[2]!, root, where);
    else d.skipped.push(`${where}: process ${name} (names are lower-case letters, digits and hyphens)`);
  });
}

function addonName(a: unknown): [string, string | null] | null {
  const raw = typeof a === 'string' ? a : isObj(a) && typeof a.plan === 'string' ? a.plan : null;
  if (!raw) return null;
  const [service, plan] = raw.split(':') as [string, string | undefined];
  return [service, plan ?? null];
}

function importAppJson(files: ProjectFiles, d: Draft, nameGiven: boolean): void {
  const text = files.read('app.json');
  if (text === null) return;
  let app: Obj;
  try {
    app = JSON.parse(text) as Obj;
  } catch (err) {
    d.skipped.push(`app.json: not valid JSON (${(err as Error).message}); nothing imported from it`);
    return;
  }
  d.found.push('app.json');
  d.imported.push({ path: 'app.json', target: 'heroku' });
  const name = typeof app.name === 'string' ? slugName(app.name) : null;
  if (name && !nameGiven) setIn(d, ['name'], name, 'app.json name');
  if (typeof app.description === 'string' && app.description) setIn(d, ['description'], app.description.slice(0, 500), 'app.json');
  for (const [name, raw] of Object.entries(isObj(app.env) ? app.env : {})) {
    const src = `app.json env.${name}`;
    if (typeof raw === 'string') {
      addEnv(d, name, plainOrSecret(d, name, raw, undefined, src), src, PLATFORM_VARS);
      continue;
    }
    if (!isObj(raw)) continue;
    const description = typeof raw.description === 'string' && raw.description ? raw.description.slice(0, 1000) : undefined;
    if (raw.generator === 'secret') {
      if (name === 'SECRET_KEY') d.skipped.push(`${src}: SECRET_KEY (deployspec always generates it)`);
      else addEnv(d, name, description ? { generate: 'secret', description } : { generate: 'secret' }, src, PLATFORM_VARS);
    } else if (raw.value !== undefined && raw.value !== '') {
      addEnv(d, name, plainOrSecret(d, name, String(raw.value), description, src), src, PLATFORM_VARS);
    } else {
      const v: Obj = { secret: true };
      if (description) v.description = description;
      if (raw.required === false) v.required = false;
      addEnv(d, name, v as Json, src, PLATFORM_VARS);
    }
  }
  for (const a of Array.isArray(app.addons) ? app.addons : []) {
    const addon = addonName(a);
    if (!addon) continue;
    const [service, plan] = addon;
    if (service === 'heroku-postgresql') {
      setIn(d, ['database'], {}, `app.json addon ${service}`);
      if (plan && /^[a-z0-9-]+$/.test(plan)) setIn(d, ['targets', 'heroku', 'postgres_plan'], plan, 'app.json addon plan');
    } else if (service === 'heroku-redis') {
      setIn(d, ['cache'], {}, `app.json addon ${service}`);
      if (plan && /^[a-z0-9-]+$/.test(plan)) setIn(d, ['targets', 'heroku', 'redis_plan'], plan, 'app.json addon plan');
    } else if (service === 'scheduler') d.skipped.push('app.json addon scheduler: add the scheduled commands under `jobs:` (Heroku Scheduler jobs are not in app.json)');
    else d.skipped.push(`app.json addon ${service}${plan ? `:${plan}` : ''}`);
  }
  for (const [name, f] of Object.entries(isObj(app.formation) ? app.formation : {})) {
    if (!isObj(f) || !isProcessName(name)) continue;
    if (typeof f.quantity === 'number' && Number.isInteger(f.quantity) && f.quantity >= 0) setIn(d, ['processes', name, 'instances'], f.quantity, `app.json formation.${name}.quantity`);
    const size = typeof f.size === 'string' ? f.size.toLowerCase() : null;
    if (size && HEROKU_SIZES[size]) setIn(d, ['processes', name, 'size'], HEROKU_SIZES[size]!, `app.json formation.${name}.size ${f.size}`);
    else if (size) d.skipped.push(`app.json formation.${name}.size ${f.size} (set targets.heroku.sizes.${name} if it is a valid dyno size)`);
  }
  const packs = (Array.isArray(app.buildpacks) ? app.buildpacks : []).map((b) => (isObj(b) && typeof b.url === 'string' ? b.url : null)).filter((b): b is string => !!b && /^\S+$/.test(b));
  if (packs.length) setIn(d, ['targets', 'heroku', 'buildpacks'], packs, 'app.json buildpacks');
  if ((ENUMS.stack as readonly unknown[]).includes(app.stack)) setIn(d, ['targets', 'heroku', 'stack'], app.stack as string, 'app.json stack');
  else if (app.stack !== undefined) d.skipped.push(`app.json stack ${String(app.stack)}`);
  const scripts = isObj(app.scripts) ? app.scripts : {};
  const post = typeof scripts.postdeploy === 'string' ? scripts.postdeploy : isObj(scripts.postdeploy) && typeof scripts.postdeploy.command === 'string' ? scripts.postdeploy.command : null;
  if (post) setIn(d, ['targets', 'heroku', 'postdeploy'], post, 'app.json scripts.postdeploy');
  for (const k of Object.keys(scripts)) if (k !== 'postdeploy') d.skipped.push(`app.json scripts.${k}`);
  for (const k of ['environments', 'keywords', 'website', 'repository', 'logo', 'success_url', 'image']) if (app[k] !== undefined) d.skipped.push(`app.json ${k}`);
}


/** runtime.txt is read for the Python version by the scan; keeping the file means keeping Heroku's pin format. */
function importRuntimeTxt(files: ProjectFiles, d: Draft, root: string): void {
  for (const path of [...new Set([root === '.' ? 'runtime.txt' : `${root}/runtime.txt`, 'runtime.txt'])]) {
    if (files.read(path) !== null && /python-3\.\d+/.test(files.read(path)!)) {
      setIn(d, ['targets', 'heroku', 'runtime_file'], 'runtime.txt', `keeps ${path} (not .python-version)`);
      return;
    }
  }
}

/**
 * The Aptfile at the project root, as heroku-buildpack-apt reads it: whitespace-separated words, whole-line `#`
 * comments. Package names become targets.heroku.system_packages; .deb URLs, `:repo:` lines and globs are listed as
 * not carried over, and then the file stays the user's (the first build does not replace it).
 */
function importAptfile(files: ProjectFiles, d: Draft): void {
  const text = files.read('Aptfile');
  if (text === null) return;
  const packages: string[] = [];
  let dropped = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `Aptfile, line ${i + 1}`;
    if (line.startsWith(':repo:')) {
      d.skipped.push(`${where}: an apt repository (${line.slice(6, 86).trim()}): deployspec installs packages of the stack's own repositories only`);
      dropped = true;
      return;
    }
    for (const word of line.split(/\s+/)) {
      if (DEF_PATTERNS.systemPackage.test(word) && word.length <= 200) {
        if (!packages.includes(word)) packages.push(word);
        continue;
      }
      dropped = true;
      const what = /\.deb$/.test(word) ? 'a .deb download' : /[*?[]/.test(word) ? 'a package glob' : 'not a package name';
      d.skipped.push(`${where}: ${word.slice(0, 80)} (${what}; targets.heroku.system_packages takes package names)`);
    }
  });
  d.found.push('Aptfile');
  d.readFrom.push('Aptfile');
  // Replaced by the first build only when everything in it was carried over.
  if (!dropped) d.imported.push({ path: 'Aptfile', target: 'heroku' });
  if (packages.length) setIn(d, ['targets', 'heroku', 'system_packages'], packages.slice(0, 100), 'Aptfile');
}

export const importers: readonly Importer[] = [
  {
    run(files, d, { root, nameGiven }) {
      importRuntimeTxt(files, d, root);
      importAppJson(files, d, nameGiven);
      importAptfile(files, d);
    },
  },
  // The Procfile is what runs today: its commands win over every other platform file's.
  { late: true, run: (files, d, { root }) => importProcfile(files, d, root) },
  {
    files: [
      { matches: (p) => /(^|\/)(Procfile|app\.json|runtime\.txt|\.python-version)$/.test(p), why: 'init reads the one at the project root or in the Django folder' },
      { matches: (p) => /(^|\/)Aptfile$/.test(p), why: 'init reads the Aptfile at the project root only (the one Heroku reads)' },
      {
        matches: (p) => /(^|\/)heroku\.ya?ml$/.test(p),
        why: "not read: with `targets.heroku.build: container` the heroku target writes heroku.yml from deploy.yaml and the docker target's Dockerfile",
      },
    ],
  },
];
