/** Reading side of the CLI: the spec file, project facts and template overrides. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ProjectFacts } from '../model/normalize.js';
import { BUILTIN_TEMPLATES } from '../generated/templates.js';

export const SPEC_NAMES = ['deploy.yaml', 'deploy.yml'] as const;

/** Finds the spec: an explicit path, or deploy.yaml / deploy.yml in `cwd`. */
export function findSpec(cwd: string, given?: string): string | null {
  if (given) {
    const p = resolve(cwd, given);
    if (existsSync(p) && statSync(p).isDirectory()) return findSpec(p);
    return existsSync(p) ? p : null;
  }
  for (const name of SPEC_NAMES) {
    const p = join(cwd, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export function readSpecBytes(path: string): Uint8Array {
  return readFileSync(path);
}

/** How a path is shown in diagnostics: relative to the working folder when inside it. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel.split('\\').join('/') : path;
}

export function projectFacts(specDir: string): ProjectFacts {
  const cache = new Map<string, boolean>();
  return {
    exists(rel: string) {
      let v = cache.get(rel);
      if (v === undefined) {
        v = existsSync(join(specDir, rel));
        cache.set(rel, v);
      }
      return v;
    },
  };
}

/** Folder of user template overrides: `.deployspec/templates/<target>/<file>.hbs`. */
export const OVERRIDE_DIR = '.deployspec/templates';

/** Built-in templates with the project's overrides laid over them. fast-glob is loaded only when the folder exists. */
export async function loadTemplates(projectDir: string): Promise<{ templates: Record<string, string>; overridden: string[] }> {
  const templates: Record<string, string> = { ...BUILTIN_TEMPLATES };
  const overridden: string[] = [];
  const dir = join(projectDir, OVERRIDE_DIR);
  if (!existsSync(dir)) return { templates, overridden };
  const { default: fg } = await import('fast-glob');
  for (const rel of (await fg('*/*.hbs', { cwd: dir, onlyFiles: true, followSymbolicLinks: false, dot: true })).sort()) {
    if (!(rel in BUILTIN_TEMPLATES)) continue;
    templates[rel] = readFileSync(join(dir, rel), 'utf8');
    overridden.push(rel);
  }
  return { templates, overridden };
}
