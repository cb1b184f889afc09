/** Reading side of the CLI: the spec file, project facts and template overrides. */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../commands/io.js';
import { escapeLine } from './terminal.js';
import type { Diagnostic } from '../diagnostics.js';
import { closest } from '../diagnostics.js';
import type { ProjectFacts } from '../model/normalize.js';
import { io } from './errors.js';
import { kindOf, lstatOrNull, readRegularFile, statOrNull } from './file.js';

/**
 * The names a spec is found by, in a folder: `deploy.yaml` (what `init` writes) and the distinctive `deployspec.yaml`,
 * which editors match without a modeline (the SchemaStore catalog entry). A folder holds at most one of them.
 */
export const SPEC_NAMES = ['deploy.yaml', 'deploy.yml', 'deployspec.yaml', 'deployspec.yml'] as const;

/** The loader refuses larger specs anyway (src/spec/load.ts); reading stops here, before the bytes are in memory. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Template overrides are small text files. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

/** A folder as the user would type it from the working folder: `.`, `..`, `sub`, else in full. */
function shownFolder(dir: string): string {
  const rel = relative(process.cwd(), dir).split('\\').join('/');
  return rel === '' ? '.' : /^(\.\.\/)*\.\.$/.test(rel) || !rel.startsWith('..') ? rel : dir;
}

/** The spec names present in `dir` (see SPEC_NAMES), as paths. */
export function specsIn(dir: string): string[] {
  return SPEC_NAMES.map((name) => join(dir, name)).filter((p, i) => lstatOrNull(p, SPEC_NAMES[i]!));
}

/**
 * Finds the spec: an explicit path (a folder means the spec inside it), or one of SPEC_NAMES in `cwd`. Two of them
 * in one folder are a usage error naming both: picking one would silently ignore the other.
 * A name that exists but is not a file (a folder called deploy.yaml, a FIFO) is returned too: reading it gives a
 * clear error, where skipping it would silently pick another file.
 */
export function findSpec(cwd: string, given?: string): string | null {
  if (given) {
    const p = resolve(cwd, given);
    const st = statOrNull(p, given);
    if (st?.isDirectory()) return findSpec(p);
    return st || lstatOrNull(p, given) ? p : null;
  }
  const found = specsIn(cwd);
  if (found.length > 1) {
    const names = found.map((p) => basename(p));
    throw new UsageError(`${names.slice(0, -1).join(', ')} and ${names.at(-1)} are both in ${escapeLine(shownFolder(cwd))}: deployspec reads one spec per folder; keep one of them (remove or rename the other), or pass the file to use`);
  }
  return found[0] ?? null;
}

/** The spec's bytes: a regular file of at most 1 MiB (a FIFO, a device, a folder or a huge file is refused). */
export function readSpecBytes(path: string, display = displayPath(process.cwd(), path)): Uint8Array {
  return readRegularFile(path, { max: MAX_SPEC_BYTES, display, tooLargeHint: 'a deploy.yaml may be at most 1 MiB' });
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

export interface LoadedTemplates {
  templates: Record<string, string>;
  /** Overrides in use, as `<target>/<file>.hbs`. */
  overridden: string[];
  /** Problems with the overrides: unknown variables, parse errors, stray files, paths leaving the project. */
  diagnostics: Diagnostic[];
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Built-in templates with the project's overrides laid over them. fast-glob is loaded only when the folder exists.
 * An override is used only when it is a file inside the project and reads only variables the built-in receives;
 * otherwise it becomes a diagnostic naming the override file.
 */
export async function loadTemplates(projectDir: string, cwd: string = projectDir): Promise<LoadedTemplates> {
  // Built-in templates are only needed by build: load them here, not at startup.
  const { BUILTIN_TEMPLATES } = await import('../generated/templates.js');
  const templates: Record<string, string> = { ...BUILTIN_TEMPLATES };
  const overridden: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const dir = join(projectDir, OVERRIDE_DIR);
  if (!existsSync(dir)) return { templates, overridden, diagnostics };
  const realProject = io('resolve', displayPath(cwd, projectDir), () => realpathSync(projectDir));
  const at = (abs: string, line = 1, col = 1) => ({ file: displayPath(cwd, abs), line, col });
  if (!inside(realProject, io('resolve', displayPath(cwd, dir), () => realpathSync(dir)))) {
    diagnostics.push({ severity: 'error', code: 'template/outside-project', message: `${OVERRIDE_DIR} leads outside the project (symbolic link)`, hint: 'Keep template overrides in real files inside the project.', ...at(dir) });
    return { templates, overridden, diagnostics };
  }
  const { default: fg } = await import('fast-glob');
  const { templateVariables, variableUses, isKnownVariable, templateProblems } = await import('../templates/vars.js');
  const builtins = Object.keys(BUILTIN_TEMPLATES);
  for (const rel of (await fg('**/*', { cwd: dir, onlyFiles: false, followSymbolicLinks: false, dot: true })).sort()) {
    const abs = join(dir, rel);
    const st = io('inspect', displayPath(cwd, abs), () => lstatSync(abs));
    if (st.isDirectory()) continue;
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      real = abs; // a dangling link: reported below as not a file
    }
    if (!inside(realProject, real)) {
      diagnostics.push({ severity: 'error', code: 'template/outside-project', message: `template override ${rel} is a symbolic link leading outside the project`, hint: 'Copy the template into .deployspec/templates/ instead of linking to it.', ...at(abs) });
      continue;
    }
    if (!(rel in BUILTIN_TEMPLATES)) {
      const guess = closest(rel, builtins);
      diagnostics.push({
        severity: 'warning',
        code: 'template/unknown-override',
        message: `template override ${rel} matches no built-in template, so it is ignored`,
        hint: guess ? `Did you mean ${guess}? Rename the file to .deployspec/templates/${guess}.` : 'Run `deployspec templates` to list the template names (.deployspec/templates/<target>/<file>.hbs).',
        ...at(abs),
      });
      continue;
    }
    const target = lstatOrNull(real);
    if (!target?.isFile()) {
      diagnostics.push({ severity: 'error', code: 'template/not-a-file', message: `template override ${rel} is ${target ? kindOf(target) : 'a dangling symbolic link'}, not a regular file`, hint: 'Make the override a plain file holding the template text.', ...at(abs) });
      continue;
    }
    let source: string;
    try {
      source = readRegularFile(real, { max: MAX_TEMPLATE_BYTES, display: displayPath(cwd, abs), tooLargeHint: 'a template override may be at most 256 KiB' }).toString('utf8');
    } catch (err) {
      diagnostics.push({ severity: 'error', code: 'template/unreadable', message: (err as Error).message.split('\n')[0]!, hint: 'Make the override a readable text file, or delete it to use the built-in template.', ...at(abs) });
      continue;
    }
    const known = templateVariables(BUILTIN_TEMPLATES[rel]!);
    let uses: ReturnType<typeof variableUses>;
    try {
      uses = variableUses(source);
    } catch (err) {
      const m = /line (\d+)/.exec((err as Error).message);
      diagnostics.push({ severity: 'error', code: 'template/syntax', message: `template override ${rel} does not parse: ${(err as Error).message.split('\n')[0]}`, hint: 'Fix the Handlebars syntax, or delete the override to use the built-in template.', ...at(abs, m ? Number(m[1]) : 1) });
      continue;
    }
    const bad = uses.filter((u) => !isKnownVariable(u.name, known));
    for (const u of bad) {
      const guess = closest(u.name, known);
      diagnostics.push({
        severity: 'error',
        code: 'template/unknown-variable',
        message: `template override ${rel} uses {{${u.name}}}, which ${rel} does not receive`,
        hint: guess ? `Did you mean {{${guess}}}? \`deployspec templates\` lists the variables.` : `Available: ${known.join(', ') || '(none)'}.`,
        ...at(abs, u.line, u.col),
      });
    }
    // Partials, decorators, unknown helpers and computed lookups escape the variable check; `{{log}}` would print.
    const problems = templateProblems(source);
    for (const p of problems) diagnostics.push({ severity: 'error', code: 'template/unsupported', message: `template override ${rel}: ${p.message}`, hint: 'Write the text out in the override, using only the variables `deployspec templates` lists.', ...at(abs, p.line, p.col) });
    if (bad.length || problems.length) continue;
    templates[rel] = source;
    overridden.push(rel);
  }
  return { templates, overridden, diagnostics };
}
