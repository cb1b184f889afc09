/**
 * What `init` reads from a Django project's Python files: where manage.py is, which settings module is the
 * production one, and which environment variables the settings read. Pure over a file listing and a reader.
 */
import type { ProjectFiles } from './files.js';

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');
const inDir = (dir: string, file: string) => (dir === '.' ? file : `${dir}/${file}`);
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Settings module names that mean production (besides the names of the platforms, which the caller passes). */
const PRODUCTION = ['production', 'prod', 'prd', 'live', 'deploy', 'deployment', 'release', 'server', 'docker', 'do'];
/** Settings module names that are never production. */
const NOT_PRODUCTION = /^(dev|develop|development|local|test|tests|testing|ci|debug|sandbox|example|sample)(_.*)?$/i;
/** `from .settings import *`, `from mysite.settings.base import *`, `from .base import *`: a module built on settings. */
const SETTINGS_STAR_IMPORT = /^from\s+(?:[\w.]*\bsettings\b[\w.]*|\.(?:base|common|defaults?|shared|core))\s+import\s+\*/m;
/** Shared bases: production imports them, they are not production themselves. */
const BASE = /^(base|common|defaults?|shared|core|__init__)$/i;

/** The `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.y")` call of a Python file (not a mention in a string). */
export function defaultSettingsModule(text: string): { module: string; line: number } | null {
  const m = /^[ \t]*os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][\w.]*)["']\s*\)/m.exec(text);
  return m ? { module: m[1]!, line: lineOf(text, m.index) } : null;
}

export interface SettingsChoice {
  /** The production settings module, dotted, as imported from the Django folder. */
  module: string;
  /** Where the choice came from, for the comment in deploy.yaml. */
  reason: string;
  /** The other settings modules found, when the choice was not obvious. */
  others: string[];
  /** Modules skipped because their name says development or tests. */
  skipped: string[];
}

/** A settings module's file (module.py or module/__init__.py) relative to the project root, or null. */
export function moduleFile(files: ProjectFiles, root: string, module: string): string | null {
  const base = inDir(root, module.split('.').join('/'));
  return [`${base}.py`, `${base}/__init__.py`].find((p) => files.list.includes(p)) ?? null;
}

/**
 * Picks the production settings module: a module named for production (production.py, prod.py, ...) in a settings
 * package, or beside settings.py when it star-imports the settings (a production.py that is not a settings module
 * is left alone); else the default wsgi.py / asgi.py / manage.py set, unless its name says
 * development or tests; else `<project>.settings`. Never a dev, local, test or ci module.
 */
export function findProductionSettings(files: ProjectFiles, root: string, project: string, platforms: readonly string[] = []): SettingsChoice {
  const order = [...PRODUCTION, ...platforms.map((p) => p.toLowerCase())];
  const rank = (name: string) => order.indexOf(name.toLowerCase());
  const defaults: { module: string; where: string }[] = [];
  for (const f of ['wsgi.py', 'asgi.py']) {
    const path = inDir(root, `${project}/${f}`);
    const d = defaultSettingsModule(files.read(path) ?? '');
    if (d) defaults.push({ module: d.module, where: `${path}, line ${d.line}` });
  }
  const manage = inDir(root, 'manage.py');
  const m = defaultSettingsModule(files.read(manage) ?? '');
  if (m) defaults.push({ module: m.module, where: `${manage}, line ${m.line}` });

  // Candidate modules: the settings package's modules, and settings_<x>.py / <x>_settings.py beside settings.
  const prefix = inDir(root, `${project}/`);
  const candidates = new Set<string>();
  for (const p of files.list) {
    if (!p.startsWith(prefix) || !p.endsWith('.py')) continue;
    const rel = p.slice(prefix.length, -3);
    const parts = rel.split('/');
    if (parts.length === 2 && parts[0] === 'settings' && parts[1] !== '__init__') candidates.add(`${project}.settings.${parts[1]}`);
    if (parts.length === 1 && (/^settings_\w+$/.test(rel) || /^\w+_settings$/.test(rel))) candidates.add(`${project}.${rel}`);
    // production.py, prod.py, ... beside settings.py: a settings module when it starts from the settings.
    else if (parts.length === 1 && rank(rel) >= 0 && SETTINGS_STAR_IMPORT.test(files.read(p) ?? '')) candidates.add(`${project}.${rel}`);
  }
  for (const d of defaults) candidates.add(d.module);
  const last = (mod: string) => {
    const name = mod.split('.').pop()!;
    return name.replace(/^settings_/, '').replace(/_settings$/, '');
  };
  const skipped = [...candidates].filter((c) => NOT_PRODUCTION.test(last(c))).sort();
  const named = [...candidates].filter((c) => rank(last(c)) >= 0).sort((a, b) => rank(last(a)) - rank(last(b)) || (a < b ? -1 : 1));
  const others = [...candidates].filter((c) => !skipped.includes(c)).sort();
  if (named.length) {
    return {
      module: named[0]!,
      reason: `${moduleFile(files, root, named[0]!) ?? named[0]} is named for production`,
      others: others.filter((o) => o !== named[0]),
      skipped,
    };
  }
  const usable = defaults.find((d) => !NOT_PRODUCTION.test(last(d.module)) && !BASE.test(last(d.module)));
  if (usable) return { module: usable.module, reason: `${usable.where} (DJANGO_SETTINGS_MODULE)`, others: others.filter((o) => o !== usable.module), skipped };
  const plain = `${project}.settings`;
  return { module: plain, reason: 'the default settings module', others: others.filter((o) => o !== plain), skipped };
}

export interface EnvRead {
  name: string;
  /** The settings read it with a default, so the app starts without it. */
  optional: boolean;
  where: string;
  /** The setting assigned on that line (`SECRET_KEY = env("DJANGO_SECRET_KEY")`), if any. */
  setting: string | null;
}

/** Relative imports of a settings module (`from .base import *`, `from project.settings.base import *`). */
function importedModules(text: string, module: string): string[] {
  const pkg = module.split('.').slice(0, -1);
  const out: string[] = [];
  for (const m of text.matchAll(/^from\s+(\.+)?([A-Za-z_][\w.]*)?\s+import\s+/gm)) {
    const dots = m[1]?.length ?? 0;
    const name = m[2] ?? '';
    if (dots) out.push([...pkg.slice(0, pkg.length - (dots - 1)), ...(name ? name.split('.') : [])].join('.'));
    else if (name.startsWith(module.split('.')[0]! + '.')) out.push(name);
  }
  return out;
}

/** A `"HOST": ` entry of a DATABASES mapping: the connection keys a database URL supplies. */
const CONNECTION_KEY = /^\s*["'](?:NAME|USER|PASSWORD|HOST|PORT)["']\s*:\s*(?:int\(\s*|str\(\s*)?$/;

/**
 * The environment variables a settings module reads, following the modules it imports from its own package:
 * `os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")`, django-environ's `env("X")` / `env.str("X")`, and
 * python-decouple's `config("X")`. A read with a default is optional. A PostgreSQL connection key read from the
 * environment (`"HOST": os.environ["POSTGRES_HOST"]`) is not listed: the database URL supplies it.
 */
export function settingsEnvReads(files: ProjectFiles, root: string, module: string): EnvRead[] {
  const seen = new Set<string>();
  const reads = new Map<string, EnvRead>();
  const visit = (mod: string, depthLeft: number) => {
    if (seen.has(mod) || depthLeft < 0) return;
    seen.add(mod);
    const file = moduleFile(files, root, mod);
    if (!file) return;
    const text = files.read(file) ?? '';
    const patterns: [RegExp, (m: RegExpMatchArray) => boolean][] = [
      [/os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]/g, () => false],
      [/os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']\s*(,)?/g, (m) => !!m[2]],
      [/os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']\s*(,)?/g, (m) => !!m[2]],
      [
        /\benv(?:\.(?:str|bool|int|float|list|json|url|db|db_url|cache|cache_url|email_url|search_url|path|tuple|dict))?\(\s*["']([A-Z][A-Z0-9_]*)["']\s*(,\s*default\s*=)?/g,
        (m) => !!m[2],
      ],
      [/\bconfig\(\s*["']([A-Z][A-Z0-9_]*)["']\s*(,\s*default\s*=)?/g, (m) => !!m[2]],
    ];
    // The connection of a PostgreSQL database comes from its URL in the generated settings (and init infers the
    // database from this ENGINE): POSTGRES_HOST & co. feeding "HOST": ... are not the app's variables any more.
    const postgres = /django\.(?:contrib\.gis\.)?db\.backends\.(?:postgresql|postgis)/.test(text);
    for (const [re, optional] of patterns) {
      for (const m of text.matchAll(re)) {
        const name = m[1]!;
        const prior = reads.get(name);
        const lineStart = text.lastIndexOf('\n', m.index!) + 1;
        if (postgres && CONNECTION_KEY.test(text.slice(lineStart, m.index!))) continue;
        const setting = /^\s*([A-Z_][A-Z0-9_]*)\s*=/.exec(text.slice(lineStart, m.index!))?.[1] ?? null;
        const read = { name, optional: optional(m), where: `${file}, line ${lineOf(text, m.index!)}`, setting };
        if (!prior || (prior.optional && !read.optional)) reads.set(name, read);
      }
    }
    for (const dep of importedModules(text, mod)) visit(dep, depthLeft - 1);
  };
  visit(module, 4);
  return [...reads.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The text of a settings module and of the modules of its package it imports, for what they configure. */
export function settingsText(files: ProjectFiles, root: string, module: string): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (mod: string, depthLeft: number) => {
    if (seen.has(mod) || depthLeft < 0) return;
    seen.add(mod);
    const file = moduleFile(files, root, mod);
    const text = file ? (files.read(file) ?? '') : '';
    parts.push(text);
    for (const dep of importedModules(text, mod)) visit(dep, depthLeft - 1);
  };
  visit(module, 4);
  return parts.join('\n');
}

/** Every manage.py of the project, shallowest first. */
export function manageFiles(files: ProjectFiles): string[] {
  const depth = (p: string) => p.split('/').length;
  return files.list.filter((p) => p === 'manage.py' || p.endsWith('/manage.py')).sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
}

export { dirOf };
