/**
 * The Python dependency managers a build installs for itself, pinned so a rebuild installs the same tool (hadolint
 * DL3013): every emitter that runs one takes its version from here, or from an option that overrides it.
 */
import { shellQuote } from './commands.js';
import type { DeployModel } from './model.js';
import { joinPath, relativePath } from './normalize.js';

type DependencyKind = DeployModel['django']['dependencies'];

/** Poetry, for `django.dependencies: poetry`. */
export const POETRY_VERSION = '2.3.4';
/** The plugin that gives Poetry 2 its `export` command (no longer bundled). */
export const POETRY_EXPORT_VERSION = '1.10.0';
/** uv, for `django.dependencies: uv` (installed from PyPI, where its wheels carry the binary). */
export const UV_VERSION = '0.11.7';

/** The lock file beside pyproject.toml that a manager installs from. */
export const LOCK_FILE = { poetry: 'poetry.lock', uv: 'uv.lock', pipenv: 'Pipfile.lock' } as const;

/**
 * The last sentence of a hint that tells a project how to make `packages` (requirement lines such as the generated
 * settings' requirements-deploy.txt, at `requirementsFile`) part of its own dependencies, in the words of the way it
 * declares them: the manager's own command for a locked project, so the lock resolves them with everything else
 * (a `-r` line would be lost at the next lock); a `-r` line for requirements.txt; the [project] list for a plain
 * pyproject.toml. `dependencyFile` is where the project declares them (model.django.dependencyFile).
 */
export function addRequirementsHint(kind: DependencyKind, packages: readonly string[], requirementsFile: string, dependencyFile: string): string {
  const dir = dependencyFile.includes('/') ? dependencyFile.slice(0, dependencyFile.lastIndexOf('/')) : '.';
  if (kind === 'poetry' || kind === 'uv' || kind === 'pipenv') {
    const tool = kind === 'pipenv' ? 'pipenv install' : `${kind} add`;
    const cd = dir === '.' ? '' : `cd ${shellQuote(dir)} && `;
    return `Add them to ${joinPath(dir, LOCK_FILE[kind])} so every install resolves them together: ${cd}${tool} ${packages.map(shellQuote).join(' ')}`;
  }
  if (kind === 'pyproject') {
    return `List them in the [project] dependencies of ${dependencyFile} if your platform does not install ${requirementsFile} itself: ${packages.map((p) => JSON.stringify(p)).join(', ')}`;
  }
  return `Add the line \`-r ${relativePath(dir, requirementsFile)}\` to ${dependencyFile} if your platform does not install ${requirementsFile} itself.`;
}
