/** `deployspec init`: scan the project, write a commented deploy.yaml that validates, never clobbering one. */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { analyze } from '../analyze.js';
import { closest } from '../diagnostics.js';
import { formatText, summary } from '../format.js';
import { IoError } from '../io/errors.js';
import { formatBytes, kindOf, readRegularFile, TooLargeError } from '../io/file.js';
import { matchesAny } from '../io/output-policy.js';
import { displayPath, projectFacts, SPEC_NAMES } from '../io/read.js';
import { escapeControls, escapeLine } from '../io/terminal.js';
import { deployFiles } from '../init/deploy-files.js';
import type { DeployFileReport, KnownFiles } from '../init/deploy-files.js';
import { manageFiles } from '../init/django.js';
import { renderSpec } from '../init/render.js';
import { scanProject } from '../init/scan.js';
import type { ProjectFiles } from '../init/files.js';
import { TARGETS } from '../../targets/index.js';
import type { Io } from './io.js';
import { UsageError } from './io.js';

export interface InitOptions {
  name?: string;
  project?: string;
  /** Folder of the manage.py to deploy, when the project has several. */
  root?: string;
  force?: boolean;
  stdout?: boolean;
}

const IGNORE = ['**/node_modules/**', '**/.git/**', '**/.venv/**', '**/venv/**', '**/env/**', '**/__pycache__/**', '**/staticfiles/**', '**/.tox/**', '**/site-packages/**'];

/** Files up to this size are read whole. */
export const MAX_PROJECT_FILE_BYTES = 1_000_000;
/** Line-based dependency files (requirements*.txt, *.in) are read further, streaming, keeping only requirement lines. */
export const MAX_STREAMED_BYTES = 256 * 1024 * 1024;
const LINE_BASED = /(^|\/)(requirements[^/]*\.(txt|in)|[^/]*requirements\.txt|constraints[^/]*\.txt)$/i;

/**
 * The project's files, read lazily. Symbolic links are not followed and only regular files are read (a FIFO or a
 * device is never opened for a blocking read), so nothing outside the folder is read and nothing hangs. A file over
 * the size limit is not dropped silently: it is recorded in `unread` with the reason, and init says so.
 */
export async function listProject(dir: string): Promise<ProjectFiles & { unread: Map<string, string> }> {
  const { default: fg } = await import('fast-glob');
  const list = (await fg('**/*', { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: IGNORE, deep: 5 })).sort();
  const known = new Set(list);
  const unread = new Map<string, string>();
  return {
    list,
    unread,
    read(path) {
      if (!known.has(path)) return null;
      const abs = resolve(dir, path);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(abs);
      } catch {
        return null;
      }
      if (!st.isFile()) {
        if (!st.isSymbolicLink()) unread.set(path, `it is ${kindOf(st)}`);
        return null;
      }
      try {
        if (st.size > MAX_PROJECT_FILE_BYTES && LINE_BASED.test(path)) return readRequirementLines(abs, path);
        return projectText(readRegularFile(abs, { max: MAX_PROJECT_FILE_BYTES, noFollow: true, display: path }), path);
      } catch (err) {
        unread.set(path, err instanceof TooLargeError ? `it is ${formatBytes(err.size)}, over the ${formatBytes(MAX_PROJECT_FILE_BYTES)} init reads` : (err as Error).message.replace(/^cannot read [^:]*: /, ''));
        return null;
      }
    },
  };
}

/** A file that is not text in an encoding init can read: it is named as not read, never half-understood. */
class NotTextError extends Error {}

/**
 * How a project file's bytes are decoded: by its byte-order mark (UTF-8, UTF-16 LE or BE, as pip and Python read
 * a `pip freeze` written by PowerShell), else as strict UTF-8. The mark is dropped (a Procfile saved with one keeps
 * its first process). A file with a NUL or invalid UTF-8 is not read at all: a requirements file in Latin-1 or
 * UTF-16 without a mark would otherwise lose the packages init looks for, and the advice that depends on them,
 * without a word.
 */
function projectDecoder(head: Buffer, path: string): TextDecoder {
  const encoding = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : 'utf-8';
  if (encoding === 'utf-8' && head.includes(0)) throw new NotTextError(`cannot read ${path}: it is not text (it holds a NUL byte)`);
  return new TextDecoder(encoding, { fatal: true });
}

function decodeFailure(path: string, decoder: TextDecoder): NotTextError {
  return new NotTextError(`cannot read ${path}: it is not valid ${decoder.encoding === 'utf-8' ? 'UTF-8' : decoder.encoding.toUpperCase()} text (save it as UTF-8)`);
}

/** The text of a whole project file (see projectDecoder). */
export function projectText(bytes: Buffer, path: string): string {
  const decoder = projectDecoder(bytes, path);
  try {
    return decoder.decode(bytes);
  } catch {
    throw decodeFailure(path, decoder);
  }
}

/**
 * A large requirements file, read in chunks: comments and blank lines are dropped and every other line kept (cut
 * at 1,000 characters), so the packages it lists are all seen without holding the file in memory.
 */
function readRequirementLines(abs: string, shown: string): string {
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new IoError(`cannot read ${shown}: it is ${kindOf(st)}`);
    if (st.size > MAX_STREAMED_BYTES) throw new TooLargeError(`cannot read ${shown}: too large`, st.size);
    const keep: string[] = [];
    let kept = 0;
    let rest = '';
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 16);
    let decoder: TextDecoder | undefined;
    const take = (line: string) => {
      const t = line.trim();
      if (!t || t.startsWith('#') || kept > 4 * MAX_PROJECT_FILE_BYTES) return;
      const l = t.slice(0, 1000);
      keep.push(l);
      kept += l.length + 1;
    };
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_STREAMED_BYTES) throw new TooLargeError(`cannot read ${shown}: too large`, total);
      decoder ??= projectDecoder(buf.subarray(0, n), shown);
      if (decoder.encoding === 'utf-8' && buf.subarray(0, n).includes(0)) throw new NotTextError(`cannot read ${shown}: it is not text (it holds a NUL byte)`);
      let chunk: string;
      try {
        chunk = decoder.decode(buf.subarray(0, n), { stream: true });
      } catch {
        throw decodeFailure(shown, decoder);
      }
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!.slice(-4096);
      for (const l of lines) take(l);
    }
    try {
      rest += decoder?.decode() ?? '';
    } catch {
      throw decodeFailure(shown, decoder!);
    }
    take(rest);
    return keep.join('\n') + '\n';
  } finally {
    closeSync(fd);
  }
}

/**
 * The platform files init imported, recorded in the manifest as adopted: the first build may replace each one while
 * it is unchanged since the import, and shows the diff. Entries already in the manifest are kept.
 */
async function adoptionManifest(dir: string, imported: readonly { path: string; target: string }[]): Promise<{ path: string; contents: string }[]> {
  if (!imported.length) return [];
  const { MANIFEST_PATH, MAX_MANIFEST_BYTES, parseManifest, serializeManifest, sha256 } = await import('../io/manifest.js');
  const existing = resolve(dir, MANIFEST_PATH);
  const before = existsSync(existing) ? readRegularFile(existing, { max: MAX_MANIFEST_BYTES, display: MANIFEST_PATH }).toString('utf8') : null;
  const files = parseManifest(before).files.filter((e) => !imported.some((i) => i.path === e.path));
  for (const i of imported) files.push({ path: i.path, target: i.target, sha256: sha256(readRegularFile(resolve(dir, i.path), { max: MAX_PROJECT_FILE_BYTES, display: i.path })), adopted: true });
  return [{ path: MANIFEST_PATH, contents: serializeManifest({ version: 1, files }) }];
}

/**
 * The deploy files each target recognises: those its importers name, else its own outputs (the files it would
 * write) at the project root.
 */
function knownFiles(): KnownFiles[] {
  return TARGETS.map((t) => {
    const declared = (t.importers ?? []).flatMap((i) => i.files ?? []);
    if (declared.length) return { target: t.name, files: declared };
    return { target: t.name, files: [{ matches: (p: string) => matchesAny(p, t.outputs), why: `not read: the ${t.name} target writes its own from deploy.yaml` }] };
  });
}

/** Every deploy file found, one line each: imported, or found and not imported with the reason. */
function printDeployFiles(io: Io, list: readonly DeployFileReport[]): void {
  if (!list.length) return;
  io.err(`${io.colors.bold('deploy files')}:\n`);
  for (const f of list) {
    if (f.notImported === undefined) io.err(`  ${io.colors.cyan('imported')}             ${escapeLine(f.path)}\n`);
    else io.err(`  ${io.colors.yellow('found, not imported')}  ${escapeLine(f.path)} (${escapeLine(f.notImported)})\n`);
  }
}

/**
 * `--root`: a folder inside the project holding the manage.py to deploy, as a POSIX path relative to the project
 * (`''` for the project folder itself). Anything else is a usage error naming the folders that do hold one.
 */
function checkRoot(dir: string, root: string, manages: readonly string[]): string {
  const abs = resolve(dir, root);
  const rel = relative(dir, abs);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new UsageError(`--root ${escapeLine(root)} is outside the project folder; pass a folder inside it`);
  const posix = rel.split(sep).join('/');
  const folders = manages.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.'));
  const guess = closest(posix || '.', folders);
  const hint = `${guess ? `; did you mean ${escapeLine(guess)}?` : ''} (manage.py found in: ${folders.map(escapeLine).join(', ') || 'none'})`;
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    /* missing: reported below */
  }
  if (!isDir) throw new UsageError(`--root ${escapeLine(root)}: no such folder in the project${hint}`);
  if (!folders.includes(posix || '.')) throw new UsageError(`--root ${escapeLine(root)}: no manage.py in that folder${hint}`);
  return posix;
}

export async function initCommand(io: Io, dirArg: string | undefined, opts: InitOptions): Promise<number> {
  const dir = resolve(io.cwd, dirArg ?? '.');
  if (!existsSync(dir)) throw new UsageError(`cannot init ${dirArg}: no such folder`);
  const present = SPEC_NAMES.map((n) => resolve(dir, n)).filter((p) => existsSync(p));
  if (present.length > 1) {
    io.err(`deployspec: ${present.map((p) => displayPath(io.cwd, p)).join(' and ')} both exist; nothing written. Keep one spec file in a folder.\n`);
    return 2;
  }
  const existing = present[0];
  // --force replaces the spec under the name the project already uses (deploy.yaml, or deployspec.yaml for editors).
  const specName = existing ? basename(existing) : 'deploy.yaml';
  if (existing && !opts.force && !opts.stdout) {
    io.err(`deployspec: ${displayPath(io.cwd, existing)} already exists; nothing written. Re-run with --force to replace it, or --stdout to print the proposal.\n`);
    return 1;
  }
  const files = await listProject(dir);
  const root = opts.root === undefined ? undefined : checkRoot(dir, opts.root, manageFiles(files));
  const draft = scanProject(files, { folderName: basename(dir), name: opts.name, project: opts.project, root, platforms: TARGETS.map((t) => t.name), importers: TARGETS.flatMap((t) => t.importers ?? []) });
  // Recognising a file may read it; only what the importers could not read is reported as not read.
  const unreadBefore = new Set(files.unread.keys());
  const found = deployFiles(files, draft, knownFiles());
  for (const path of [...files.unread.keys()]) if (!unreadBefore.has(path)) files.unread.delete(path);
  // Advice about a file init could not read would be a guess: it is dropped, and init says loudly what it skipped.
  for (const [path, why] of files.unread) {
    draft.skipped = draft.skipped.filter((line) => !line.startsWith(path) && !line.includes(` ${path} `));
    draft.skipped.push(`${path} was not read (${why}): nothing in it is carried over; check it by hand`);
    io.err(`${io.colors.yellow('not read')} ${escapeLine(path)}: ${escapeLine(why)}; nothing deployspec could learn from it is in deploy.yaml\n`);
  }
  if (draft.problems.length) {
    for (const p of draft.problems) io.err(`deployspec: ${escapeLine(p)}\n`);
    io.err('nothing written\n');
    return 1;
  }
  if (draft.spec.django === undefined || (draft.spec.django as Record<string, unknown>).project === undefined) {
    io.err('deployspec: no Django project found (no manage.py naming DJANGO_SETTINGS_MODULE, no wsgi.py); pass --project <package> to name it\n');
    return 1;
  }
  const text = renderSpec(draft);
  const file = resolve(dir, specName);
  const shown = displayPath(io.cwd, file);
  const { diagnostics } = analyze(shown, text, { facts: projectFacts(dir) });
  if (diagnostics.some((d) => d.severity === 'error')) {
    io.err(formatText(diagnostics, new Map([[shown, text]]), io.colors) + '\n' + summary(diagnostics) + '\n');
    io.err('deployspec: the detected settings do not make a valid deploy.yaml; nothing written. Fix the project files above or pass --name/--project.\n');
    return 1;
  }
  if (opts.stdout) {
    printDeployFiles(io, found);
    io.out(escapeControls(text));
    return 0;
  }
  const { writeFilesAtomically } = await import('../io/write.js');
  writeFilesAtomically(dir, [{ path: specName, contents: text }, ...(await adoptionManifest(dir, draft.imported))]);
  // Found values and skipped lines quote project files: printed with their control characters escaped.
  for (const f of draft.found) io.err(`${io.colors.dim('found')} ${escapeLine(f)}\n`);
  printDeployFiles(io, found);
  if (draft.skipped.length) {
    io.err(`${io.colors.yellow('not carried over')} (listed at the end of ${escapeLine(shown)}):\n`);
    for (const s of [...new Set(draft.skipped)]) io.err(`  - ${escapeLine(s)}\n`);
  }
  io.err(`${io.colors.bold('wrote')} ${shown}\nnext: review it, then run \`deployspec build --dry-run\`\n`);
  return 0;
}
