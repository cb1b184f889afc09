/**
 * `init`'s account of the deploy files in a project: every platform file it recognises, each either imported or
 * found and not imported, with the reason. Pure over a file listing and the scanned draft.
 */
import type { DeployFile } from '../target.js';
import type { Draft } from './draft.js';
import type { ProjectFiles } from './files.js';

/** The kinds of deploy file one target recognises. */
export interface KnownFiles {
  target: string;
  files: readonly DeployFile[];
}

export interface DeployFileReport {
  path: string;
  target: string;
  /** Why it was not imported; absent when it was. */
  notImported?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an importer read `path`, or a value in the draft names it first as its source. */
function importedFrom(d: Draft, path: string): boolean {
  if (d.imported.some((i) => i.path === path) || d.readFrom.includes(path)) return true;
  for (const note of d.sources.values()) if (note === path || note.startsWith(`${path} `) || note.startsWith(`${path},`)) return true;
  return false;
}

/** Every file of `files.list` that a target recognises (the first target that does), in path order. */
export function deployFiles(files: ProjectFiles, d: Draft, known: readonly KnownFiles[]): DeployFileReport[] {
  const out: DeployFileReport[] = [];
  for (const path of files.list) {
    for (const k of known) {
      const kind = k.files.find((f) => f.matches(path) && (!f.contains || f.contains(files.read(path) ?? '')));
      if (!kind) continue;
      if (importedFrom(d, path)) out.push({ path, target: k.target });
      else {
        // An importer that could not read the file says why: `<path>: not valid YAML (...); nothing imported from it`.
        const failed = new RegExp(`^${escapeRe(path)}: (.+); nothing imported from it$`);
        const why = d.skipped.map((s) => failed.exec(s)?.[1]).find((w) => w !== undefined);
        out.push({ path, target: k.target, notImported: why ?? kind.why });
      }
      break;
    }
  }
  return out;
}
