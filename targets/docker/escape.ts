/** Escaping and checks for values placed in a Dockerfile, .dockerignore or compose file. */

/** Control characters (newlines included) end or corrupt a Dockerfile instruction; no quoting makes them safe. */
export const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

/**
 * A double-quoted ENV/ARG value. Inside double quotes Docker's word lexer treats `\` before `"`, `$` or `\`
 * as an escape, so escaping exactly those keeps the value literal (no variable expansion).
 */
export function dockerQuote(value: string): string {
  return '"' + value.replace(/[\\"$]/g, (c) => '\\' + c) + '"';
}

/** Paths that need no quoting in COPY/WORKDIR lines nor escaping in .dockerignore patterns. */
const SAFE_PATH = /^[A-Za-z0-9_@+.-][A-Za-z0-9_@+./-]*$/;

export function isSafePath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').includes('..');
}

/** Compose interpolates `$VAR` in every string; `$$` is a literal dollar. */
export function composeLiteral(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

const PLAIN_WORDS = /^[A-Za-z0-9_@%+=:,./-]+(?:[ \t]+[A-Za-z0-9_@%+=:,./-]+)*$/;
const SHELL_KEYWORD = /^(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|!|\{|\(|exec|cd|export|set)$/;

/**
 * argv for a one-line command. Commands made only of plain words (no quotes, no `$`, no operators) run without a
 * shell, so signals reach the process directly. Anything else is shell syntax by the user's intent and runs
 * through `/bin/sh -c`; a single simple command is prefixed with `exec` so the shell is replaced by it.
 */
export function commandArgv(command: string): string[] {
  const cmd = command.trim();
  const words = cmd.split(/[ \t]+/);
  const first = words[0] ?? '';
  if (PLAIN_WORDS.test(cmd) && !first.includes('=')) return words;
  const compound = /[;&|<>`\n]|\$\(/.test(cmd) || SHELL_KEYWORD.test(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first);
  return ['/bin/sh', '-c', compound ? cmd : `exec ${cmd}`];
}

/** True when a shell command pipes (`a | b`, not `a || b`): such RUN lines need `pipefail`. */
export function hasPipe(command: string): boolean {
  return /(^|[^|])\|(?!\|)/.test(command.replace(/\|\|/g, ''));
}

/** Why an image reference is not pinned to a version, or null when it is. */
export function imageTagProblem(image: string): string | null {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : null;
  if (tag === 'latest') return 'uses the `latest` tag, which changes under you';
  if (tag === null && at < 0) return 'has no tag, so Docker pulls `latest`, which changes under you';
  return null;
}
