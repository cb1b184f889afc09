/** `deployspec lint [Dockerfile...]`: hadolint-style checks on Dockerfiles, with file:line:col output. */
import { resolve } from 'node:path';
import { IoError } from '../io/errors.js';
import { readRegularFile } from '../io/file.js';
import { displayPath } from '../io/read.js';
import { escapeLine, jsonText } from '../io/terminal.js';
import { lintDockerfile } from '../../targets/docker/lint.js';
import type { LintFinding } from '../../targets/docker/lint.js';
import { UsageError } from './io.js';
import type { Io } from './io.js';

/** hadolint itself reads any size; a Dockerfile over 4 MiB is not one a person wrote. */
export const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

export interface LintOptions {
  format?: string;
}

/** Exit 1 when any error or warning is found (as hadolint's default failure threshold); info never fails. */
export async function lintCommand(io: Io, files: string[], opts: LintOptions): Promise<number> {
  const format = opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(format)}`);
  const list = files.length ? files : ['Dockerfile'];
  const all: (LintFinding & { file: string })[] = [];
  for (const file of list) {
    const path = resolve(io.cwd, file);
    const shown = escapeLine(displayPath(io.cwd, path));
    let text: string;
    try {
      // A Dockerfile is small text: a FIFO, a device, a folder or a huge file is refused, never read forever.
      text = readRegularFile(path, { max: MAX_DOCKERFILE_BYTES, display: shown }).toString('utf8');
    } catch (err) {
      if (err instanceof IoError && err.code === 'ENOENT') throw new UsageError(`cannot read ${escapeLine(file)}: no such file`);
      throw err;
    }
    for (const f of lintDockerfile(text)) all.push({ file: shown, ...f });
  }
  const failed = all.some((f) => f.severity === 'error' || f.severity === 'warning');
  if (format === 'json') {
    // hadolint's JSON keys, so tools reading hadolint output can read ours.
    io.out(jsonText(all.map((f) => ({ code: f.code, column: f.column, file: f.file, level: f.severity, line: f.line, message: f.message }))) + '\n');
    return failed ? 1 : 0;
  }
  const oc = io.outColors ?? io.colors;
  const paint = (s: LintFinding['severity'], text: string) => (s === 'error' ? oc.red(text) : s === 'warning' ? oc.yellow(text) : oc.cyan(text));
  for (const f of all) io.out(`${f.file}:${f.line}:${f.column}: ${paint(f.severity, f.severity)}: ${escapeLine(f.message)} [${f.code}]\n`);
  const count = (s: string) => all.filter((f) => f.severity === s).length;
  const summary = `${list.length} file${list.length === 1 ? '' : 's'} checked: ${count('error')} errors, ${count('warning')} warnings, ${count('info') + count('style')} notes`;
  io.err((failed ? io.colors.red(summary) : summary) + '\n');
  return failed ? 1 : 0;
}
