/** Escaping and checks for values placed in a Dockerfile, .dockerignore or compose file. */
import { execArgv } from '../../src/model/commands.js';

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

/** argv for a one-line command (see execArgv): Dockerfile CMD and compose `command` use the exec form. */
export const commandArgv = execArgv;

/**
 * True when a RUN line built from this command needs `pipefail`. Any `|` counts, quoted, escaped or doubled:
 * pipefail changes nothing for a command that has no pipeline, while a reading of the shell's quoting that misses
 * one (`a\||b` is `a\|` piped into `b`) would let a failing first command pass the image build.
 */
export function needsPipefail(command: string): boolean {
  return command.includes('|');
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
