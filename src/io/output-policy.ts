/**
 * The one output-path policy: which paths a build may write, diff, show or delete. Pure (no file IO), so the
 * compiler, the build planner and the manifest reader all apply the same rules:
 *
 * - a path is normalized first (`./a//b` is `a/b`); absolute paths, `..`, backslashes and control characters are
 *   refused (`output/outside-project`);
 * - `.deployspec/` is reserved for deployspec's own manifest, journal, lock and template overrides, and the spec
 *   file names (`deploy.yaml`, `deploy.yml`, `deployspec.yaml`, `deployspec.yml`) at the root are never outputs,
 *   nor is the spec file actually read, whatever its name and wherever it sits under the output folder (the
 *   callers pass its path as `reserved`) (`output/reserved`);
 * - sensitive paths are refused whoever asks: environment files (`.env*`, `*.env`), version-control and credential
 *   folders (`.git/`, `.ssh/`, `.aws/`, ...), keys and key stores (`*.pem`, `*.key`, `id_rsa`, ...), package-manager
 *   credentials (`.npmrc`, `.netrc`, `.pypirc`, ...) (`output/sensitive`);
 * - two kinds of sensitive path are the exception, and only for a target that declares the exact path (no wildcard)
 *   among its outputs: CI configuration (`.github/workflows/deploy.yml`, `.circleci/config.yml`), which a pipeline
 *   target writes by design, and example environment files (`.env.example`, `.env.sample`, `.env.template`), which
 *   list variable names without values; a wildcard never reaches them, and neither does any other target;
 * - any other path with a part starting with `.` is refused unless the target declares it among the files it
 *   writes by design (its `outputs` globs, e.g. `.dockerignore`, `.do/*.yaml`); the allow list is passed in, this
 *   module names no platform (`output/dot-path`).
 *
 * Matching is case-insensitive and ignores trailing dots and spaces and Unicode normalization, because macOS and
 * Windows file systems treat `.ENV`, `.env.` and `.env` as the same file.
 */

export interface OutputClaim {
  path: string;
  /** The target producing (or, for a manifest entry, said to have produced) the file. */
  target: string;
}

export type RefusalCode = 'output/outside-project' | 'output/reserved' | 'output/sensitive' | 'output/dot-path';

export interface Refusal {
  path: string;
  target: string;
  code: RefusalCode;
  message: string;
  hint: string;
}

/** Each target's declared output globs (`Target.outputs`): the dot paths in them are the target's by design. */
export type OwnedPaths = Readonly<Record<string, readonly string[] | undefined>>;

/** deployspec's own folder in the output folder. */
export const RESERVED_DIR = '.deployspec';
const SPEC_FILES = ['deploy.yaml', 'deploy.yml', 'deployspec.yaml', 'deployspec.yml'];

/** Folders whose contents are never an output. */
const SENSITIVE_DIRS = [
  '.git',
  '.hg',
  '.svn',
  '.bzr',
  '.ssh',
  '.gnupg',
  '.aws',
  '.azure',
  '.gcloud',
  '.kube',
  '.docker',
  '.config',
  '.github',
  '.gitlab',
  '.circleci',
  '.vscode',
  '.idea',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
];

/** File names (globs over one path part, lower case) that hold secrets or credentials, or run in CI. */
const SENSITIVE_FILES = [
  '.env',
  '.env.*',
  '*.env',
  '.envrc',
  'env.py',
  'local_settings.py',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.netrc',
  '_netrc',
  '.pypirc',
  '.pgpass',
  '.my.cnf',
  '.git-credentials',
  '.gitconfig',
  '.gitmodules',
  '.htpasswd',
  '.dockercfg',
  '.boto',
  '.s3cfg',
  '.gitlab-ci.yml',
  '.travis.yml',
  '.pre-commit-config.yaml',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  'authorized_keys',
  'known_hosts',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  '*.kdbx',
  '*.gpg',
  '*.pgp',
  '*.ppk',
  '*.asc',
  'credentials',
  'credentials.json',
  'service-account*.json',
  'secrets.*',
  '*.secret',
  '*.secrets',
  '*.tfstate',
  '*.tfstate.*',
  '*.tfvars',
  '*.sqlite',
  '*.sqlite3',
  '.bash_history',
  '.python_history',
  '.psql_history',
];

/** Folders of CI configuration: sensitive, unless a target declares the exact file it writes there. */
const CI_DIRS = ['.github', '.circleci'];
/** Environment files that hold names and descriptions, never values: sensitive, unless declared exactly. */
const ENV_TEMPLATES = ['.env.example', '.env.sample', '.env.template'];

const PART = (glob: string): RegExp =>
  new RegExp(
    '^' +
      glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]') +
      '$',
  );
const SENSITIVE_FILE_RES = SENSITIVE_FILES.map(PART);

/** How a file system that folds case and normalization sees one path part. */
function fold(part: string): string {
  return part
    .normalize('NFC')
    .toLowerCase()
    .replace(/[. ]+$/, (m) => (m.length === part.length ? m : ''));
}

/**
 * The normalized form of an output path (`./a//b/` → `a/b`), or null when it is not a relative path inside the
 * output folder (absolute, `..`, backslash, control characters, empty).
 */
export function normalizeOutputPath(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path)) return null;
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') return null;
    parts.push(p);
  }
  return parts.length ? parts.join('/') : null;
}

/** Whether one path part matches one glob part; `*` and `?` never match a leading dot. */
function partMatches(glob: string, part: string): boolean {
  if (part.startsWith('.') && !glob.startsWith('.')) return false;
  return PART(glob).test(part);
}

function globMatches(glob: readonly string[], path: readonly string[]): boolean {
  if (!glob.length) return !path.length;
  const [g, ...rest] = glob;
  if (g === '**') {
    for (let i = 0; i <= path.length; i++) {
      if (i > 0 && path[i - 1]!.startsWith('.')) return false;
      if (globMatches(rest, path.slice(i))) return true;
    }
    return false;
  }
  return path.length > 0 && partMatches(g!, path[0]!) && globMatches(rest, path.slice(1));
}

/** Whether a normalized path matches one of the globs (`**` for any folders, `*` within a part). */
export function matchesAny(path: string, globs: readonly string[] | undefined): boolean {
  if (!globs?.length) return false;
  const parts = path.split('/');
  return globs.some((g) =>
    globMatches(
      g.split('/').filter((p) => p !== '' && p !== '.'),
      parts,
    ),
  );
}

/** Why one path is refused for `target`, or null when the policy allows it. */
export function refuseOutputPath(path: string, target: string, owned: OwnedPaths = {}, reserved: readonly string[] = []): Refusal | null {
  const shown = JSON.stringify(path);
  const norm = normalizeOutputPath(path);
  const refusal = (code: RefusalCode, message: string, hint: string): Refusal => ({ path, target, code, message, hint });
  if (norm === null)
    return refusal('output/outside-project', `${target} output path ${shown} leaves the project folder`, 'Use a path inside the project, without `..`.');
  const parts = norm.split('/');
  const folded = parts.map(fold);
  if (folded[0] === RESERVED_DIR) {
    return refusal(
      'output/reserved',
      `${target} output path ${shown} is inside ${RESERVED_DIR}/, which deployspec keeps for its manifest and template overrides`,
      'Choose another output path under `targets:`.',
    );
  }
  if ((folded.length === 1 && SPEC_FILES.includes(folded[0]!)) || reserved.some((r) => foldedPath(r) === folded.join('/'))) {
    return refusal('output/reserved', `${target} output path ${shown} is the spec file itself`, 'Choose another output path under `targets:`.');
  }
  const dir = folded.slice(0, -1).find((p) => SENSITIVE_DIRS.includes(p));
  const base = folded[folded.length - 1]!;
  if (declaredException(folded, dir, base, owned[target])) return null;
  if (dir !== undefined || SENSITIVE_DIRS.includes(base) || SENSITIVE_FILE_RES.some((re) => re.test(base))) {
    return refusal(
      'output/sensitive',
      `${target} output path ${shown} names a sensitive file (environment file, credentials, keys, version control or CI configuration)`,
      'deployspec never writes, compares or prints such files: choose another output path under `targets:`.',
    );
  }
  if (parts.some((p) => p.startsWith('.')) && !matchesAny(norm, owned[target])) {
    const mine = (owned[target] ?? []).filter((g) => g.split('/').some((p) => p.startsWith('.')));
    return refusal(
      'output/dot-path',
      `${target} output path ${shown} is a hidden (dot) path that ${target} does not write by design`,
      `Choose a path without a part starting with "."${mine.length ? `; ${target} writes ${mine.join(', ')}` : ''}.`,
    );
  }
  return null;
}

/**
 * Whether a sensitive path is one of the two exceptions (a CI configuration file, an example environment file)
 * and `target` declares exactly this path, compared as the file system sees it.
 */
function declaredException(folded: readonly string[], dir: string | undefined, base: string, globs: readonly string[] | undefined): boolean {
  const ci =
    dir !== undefined &&
    CI_DIRS.includes(folded[0]!) &&
    folded.slice(1, -1).every((p) => !SENSITIVE_DIRS.includes(p)) &&
    !SENSITIVE_FILE_RES.some((re) => re.test(base));
  const template = dir === undefined && ENV_TEMPLATES.includes(base);
  if (!ci && !template) return false;
  const path = folded.join('/');
  return (globs ?? []).some((g) => !/[*?[\]]/.test(g) && normalizeOutputPath(g) !== null && foldedPath(normalizeOutputPath(g)!) === path);
}

/** Every refused output, in input order; an empty list means all of them may be written. */
export function checkOutputPaths(outputs: readonly OutputClaim[], owned: OwnedPaths = {}, reserved: readonly string[] = []): Refusal[] {
  const out: Refusal[] = [];
  for (const o of outputs) {
    const r = refuseOutputPath(o.path, o.target, owned, reserved);
    if (r) out.push(r);
  }
  return out;
}

/** The key two paths share on a case- and normalization-folding file system. */
export function foldedPath(path: string): string {
  return path.split('/').map(fold).join('/');
}
