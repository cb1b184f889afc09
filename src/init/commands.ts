/**
 * Commands read from a platform file, made into what deploy.yaml means by a command: one line, run from the Django
 * folder. Shared by every target's importer, so each understands multi-line commands, `cd <root> &&`, gunicorn's
 * own folder flags and a leading migrate the same way.
 */
import { setIn } from './draft.js';
import type { Draft } from './draft.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A leading `python manage.py migrate ...` of a chained command. */
const MIGRATE = /^(?:python3?\s+)?(?:\.\/)?manage\.py\s+migrate\b[^&;|]*$/;

export interface ImportedCommand {
  command: string;
  /** A migrate that ran before the command, split off for the release step. */
  release: string | null;
}

/**
 * Normalizes `raw` as run from the repository root (or from `sourceDir`, a platform's component folder) into a
 * command run from the Django folder `root`: lines of a block scalar become one `&&` chain, a leading `cd <root> &&`
 * is dropped, gunicorn's `--chdir <root>` / `--pythonpath <root>` are dropped (deployspec adds them back where the
 * platform needs them), and a leading migrate is split off (unless the command is the release step itself).
 */
export function importCommand(raw: string, root: string, sourceDir = '.', splitRelease = true): ImportedCommand {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // Lines joined by a backslash are one command; a line that already ends (or the next starts) with an operator
  // continues the chain the author wrote (`migrate &&` ⏎ `gunicorn ...`); other lines become an `&&` chain.
  const continued = (a: string, b: string) => /(&&|\|\||[|;])$/.test(a) || /^(&&|\|\||[|;])/.test(b);
  let command = lines.some((l) => l.endsWith('\\'))
    ? lines.map((l) => l.replace(/\s*\\$/, '')).join(' ')
    : lines.reduce((acc, l, i) => (i === 0 ? l : `${acc}${continued(lines[i - 1]!, l) ? ' ' : ' && '}${l}`), '').replace(/\s*;$/, '');
  // Relative to the component's folder: a Django root inside it is what `cd` and --chdir name.
  const rel = sourceDir !== '.' && (root === sourceDir || root.startsWith(`${sourceDir}/`)) ? root.slice(sourceDir.length + 1) || '.' : root;
  if (rel !== '.') {
    const r = escapeRegex(rel);
    command = command.replace(new RegExp(`^cd\\s+(?:\\./)?${r}/?\\s*&&\\s*`), '');
    command = command.replace(new RegExp(`(\\bgunicorn\\b[^&|;]*?)\\s+--(?:chdir|pythonpath)(?:\\s+|=)(?:\\./)?${r}/?(?=\\s|$)`, 'g'), '$1');
  }
  const parts = command.split(/\s*&&\s*/);
  if (splitRelease && parts.length > 1 && MIGRATE.test(parts[0]!)) return { command: parts.slice(1).join(' && '), release: parts[0]! };
  return { command, release: null };
}

/** Sets a process (or the release step) from an imported command, noting a migrate it split off. */
export function setImportedCommand(d: Draft, path: string[], raw: string, root: string, where: string, sourceDir = '.'): void {
  const { command, release } = importCommand(raw, root, sourceDir);
  if (!command) return;
  setIn(d, path, command, where);
  if (release) {
    if (d.spec.release === undefined) setIn(d, ['release', 'command'], release, `${where}: the migrate before the command, moved to the release step`);
    d.found.push(`${where}: \`${release}\` moved to the release step, which runs once per deploy before the new code serves`);
  }
}
