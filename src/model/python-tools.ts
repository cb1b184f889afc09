/**
 * The Python dependency managers a build installs for itself, pinned so a rebuild installs the same tool (hadolint
 * DL3013): every emitter that runs one takes its version from here, or from an option that overrides it.
 */

/** Poetry, for `django.dependencies: poetry`. */
export const POETRY_VERSION = '2.3.4';
/** The plugin that gives Poetry 2 its `export` command (no longer bundled). */
export const POETRY_EXPORT_VERSION = '1.10.0';
/** uv, for `django.dependencies: uv` (installed from PyPI, where its wheels carry the binary). */
export const UV_VERSION = '0.11.7';

/** The lock file beside pyproject.toml that a manager installs from. */
export const LOCK_FILE = { poetry: 'poetry.lock', uv: 'uv.lock', pipenv: 'Pipfile.lock' } as const;
