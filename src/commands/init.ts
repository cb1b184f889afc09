/** `deployspec init`: scan the project, write a commented deploy.yaml that validates, never clobbering one. */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { analyze } from '../analyze.js';
import { formatText, summary } from '../format.js';
import { displayPath, projectFacts, SPEC_NAMES } from '../io/read.js';
import { renderSpec } from '../init/render.js';
import { scanProject } from '../init/scan.js';
import type { ProjectFiles } from '../init/files.js';
import { TARGETS } from '../../targets/index.js';
import type { Io } from './io.js';
import { UsageError } from './io.js';

export interface InitOptions {
  name?: string;
  project?: string;
  force?: boolean;
  stdout?: boolean;
}

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/.venv/**', '**/venv/**', '**/env/**', '**/__pycache__/**', '**/staticfiles/**', '**/.tox/**', '**/site-packages/**'];

/** The project's files, read lazily; symbolic links are not followed, so nothing outside the folder is read. */
export async function listProject(dir: string): Promise<ProjectFiles> {
  const { default: fg } = await import('fast-glob');
  const list = (await fg('**/*', { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: IGNORE, deep: 5 })).sort();
  const known = new Set(list);
  return {
    list,
    read(path) {
      if (!known.has(path)) return null;
      const abs = resolve(dir, path);
      const st = lstatSync(abs);
      if (!st.isFile() || st.size > 1_000_000) return null;
      return readFileSync(abs, 'utf8');
    },
  };
}

export async function initCommand(io: Io, dirArg: string | undefined, opts: InitOptions): Promise<number> {
  const dir = resolve(io.cwd, dirArg ?? '.');
  if (!existsSync(dir)) throw new UsageError(`cannot init ${dirArg}: no such folder`);
  const existing = SPEC_NAMES.map((n) => resolve(dir, n)).find((p) => existsSync(p));
  if (existing && !opts.force && !opts.stdout) {
    io.err(`deployspec: ${displayPath(io.cwd, existing)} already exists; nothing written. Re-run with --force to replace it, or --stdout to print the proposal.\n`);
    return 1;
  }
  const draft = scanProject(await listProject(dir), { folderName: basename(dir), name: opts.name, project: opts.project, importers: TARGETS.flatMap((t) => t.importers ?? []) });
  if (draft.spec.django === undefined || (draft.spec.django as Record<string, unknown>).project === undefined) {
    io.err('deployspec: no Django project found (no manage.py naming DJANGO_SETTINGS_MODULE, no wsgi.py); pass --project <package> to name it\n');
    return 1;
  }
  const text = renderSpec(draft);
  const file = resolve(dir, 'deploy.yaml');
  const shown = displayPath(io.cwd, file);
  const { diagnostics } = analyze(shown, text, { facts: projectFacts(dir) });
  if (diagnostics.some((d) => d.severity === 'error')) {
    io.err(formatText(diagnostics, new Map([[shown, text]]), io.colors) + '\n' + summary(diagnostics) + '\n');
    io.err('deployspec: the detected settings do not make a valid deploy.yaml; nothing written. Fix the project files above or pass --name/--project.\n');
    return 1;
  }
  if (opts.stdout) {
    io.out(text);
    return 0;
  }
  const { writeFilesAtomically } = await import('../io/write.js');
  writeFilesAtomically(dir, [{ path: 'deploy.yaml', contents: text }]);
  for (const f of draft.found) io.err(`${io.colors.dim('found')} ${f}\n`);
  if (draft.skipped.length) {
    io.err(`${io.colors.yellow('not carried over')} (listed at the end of ${shown}):\n`);
    for (const s of [...new Set(draft.skipped)]) io.err(`  - ${s}\n`);
  }
  io.err(`${io.colors.bold('wrote')} ${shown}\nnext: review it, then run \`deployspec build --dry-run\`\n`);
  return 0;
}
