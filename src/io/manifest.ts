/**
 * The build manifest, `.deployspec/manifest.json` in the output folder: which files deployspec generated, with the
 * sha256 of what it wrote, so a later build can tell its own untouched files from hand-written or hand-edited ones.
 * Deterministic (sorted, no timestamps) so it can be checked in and compared by `build --check`.
 */
import { createHash } from 'node:crypto';

export const MANIFEST_PATH = '.deployspec/manifest.json';

export interface ManifestEntry {
  path: string;
  sha256: string;
  target: string;
}

export interface Manifest {
  version: 1;
  files: ManifestEntry[];
}

export function sha256(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

export function emptyManifest(): Manifest {
  return { version: 1, files: [] };
}

/** Reads a manifest; anything unreadable counts as "nothing recorded", so no file is ever treated as ours by mistake. */
export function parseManifest(text: string | null): Manifest {
  if (text === null) return emptyManifest();
  try {
    const data = JSON.parse(text) as Partial<Manifest>;
    if (data.version !== 1 || !Array.isArray(data.files)) return emptyManifest();
    const files = data.files.filter(
      (f): f is ManifestEntry => typeof f?.path === 'string' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) && typeof f.target === 'string',
    );
    return { version: 1, files: files.map((f) => ({ path: f.path, sha256: f.sha256, target: f.target })) };
  } catch {
    return emptyManifest();
  }
}

export function serializeManifest(m: Manifest): string {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, sha256: f.sha256, target: f.target }));
  return JSON.stringify({ version: 1, generator: 'deployspec', files }, null, 2) + '\n';
}
