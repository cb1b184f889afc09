/**
 * The build manifest, `.deployspec/manifest.json` in the output folder: which files deployspec generated, with the
 * sha256 of what it wrote, so a later build can tell its own untouched files from hand-written or hand-edited ones.
 * Deterministic (sorted, no timestamps) so it can be checked in and compared by `build --check`.
 *
 * The manifest is committed, so a pull request can change it: it is read as untrusted input. Entries are
 * normalized (`./Procfile` is `Procfile`), checked against the output-path policy for the target they name,
 * de-duplicated (two different claims on one path cancel out), and anything else is dropped. Dropping an entry only
 * ever makes deployspec more careful: the file then counts as hand-written.
 */
import { createHash } from 'node:crypto';
import { foldedPath, normalizeOutputPath, refuseOutputPath } from './output-policy.js';
import type { OwnedPaths } from './output-policy.js';

export const MANIFEST_PATH = '.deployspec/manifest.json';
/** A manifest of 10,000 files is ~1.5 MiB; anything larger is not one deployspec wrote. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_MANIFEST_ENTRIES = 10_000;

export interface ManifestEntry {
  path: string;
  sha256: string;
  target: string;
  /**
   * Written by `init` for a platform file it imported: the user's file, which the first build may replace while
   * its hash still matches (the diff is shown). A build records what it writes without the flag.
   */
  adopted?: true;
}

export interface Manifest {
  version: 1;
  files: ManifestEntry[];
}

export interface ParsedManifest extends Manifest {
  /** Entries that were dropped, with why (for `--dry-run` and tests; never acted on). */
  dropped: { entry: unknown; reason: string }[];
}

export function sha256(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

export function emptyManifest(): Manifest {
  return { version: 1, files: [] };
}

const TARGET_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Reads a manifest; anything unreadable counts as "nothing recorded", so no file is ever treated as ours by
 * mistake. `owned` is the targets' declared outputs, for the dot-path rule of the output policy.
 */
export function parseManifest(text: string | null, owned: OwnedPaths = {}, reserved: readonly string[] = []): ParsedManifest {
  const dropped: ParsedManifest['dropped'] = [];
  const none = (reason: string): ParsedManifest => ({ version: 1, files: [], dropped: [{ entry: null, reason }] });
  if (text === null) return { version: 1, files: [], dropped };
  if (text.length > MAX_MANIFEST_BYTES) return none('larger than a manifest can be');
  let data: Partial<Manifest>;
  try {
    data = JSON.parse(text) as Partial<Manifest>;
  } catch {
    return none('not JSON');
  }
  if (typeof data !== 'object' || data === null || data.version !== 1 || !Array.isArray(data.files)) return none('not a version 1 manifest');
  if (data.files.length > MAX_MANIFEST_ENTRIES) return none(`more than ${MAX_MANIFEST_ENTRIES} entries`);
  const byPath = new Map<string, ManifestEntry | null>();
  for (const f of data.files as unknown[]) {
    const e = f as Partial<ManifestEntry> | null;
    if (typeof e !== 'object' || e === null || typeof e.path !== 'string' || typeof e.sha256 !== 'string' || typeof e.target !== 'string') {
      dropped.push({ entry: f, reason: 'not an entry' });
      continue;
    }
    if (!/^[0-9a-f]{64}$/.test(e.sha256) || !TARGET_NAME.test(e.target)) {
      dropped.push({ entry: f, reason: 'bad hash or target' });
      continue;
    }
    const path = normalizeOutputPath(e.path);
    const refused = refuseOutputPath(e.path, e.target, owned, reserved);
    if (path === null || refused) {
      dropped.push({ entry: f, reason: refused?.message ?? 'not a path inside the output folder' });
      continue;
    }
    // One file, one claim: `Procfile` and `./Procfile`, or `Procfile` and `procfile` on a case-folding file
    // system, are the same file. Identical claims merge; different ones cancel out.
    const key = foldedPath(path);
    const entry: ManifestEntry = { path, sha256: e.sha256, target: e.target, ...(e.adopted === true ? { adopted: true as const } : {}) };
    const prior = byPath.get(key);
    if (prior === undefined) byPath.set(key, entry);
    else if (prior === null || prior.path !== entry.path || prior.sha256 !== entry.sha256 || prior.target !== entry.target || prior.adopted !== entry.adopted) {
      if (prior) dropped.push({ entry: prior, reason: 'claimed twice' });
      dropped.push({ entry: f, reason: 'claimed twice' });
      byPath.set(key, null);
    }
  }
  const files = [...byPath.values()].filter((e): e is ManifestEntry => e !== null);
  return { version: 1, files, dropped };
}

export function serializeManifest(m: Manifest): string {
  const files = [...m.files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ path: f.path, sha256: f.sha256, target: f.target, ...(f.adopted ? { adopted: true } : {}) }));
  return JSON.stringify({ version: 1, generator: 'deployspec', files }, null, 2) + '\n';
}
