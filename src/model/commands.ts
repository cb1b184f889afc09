/** Command lines for PaaS process definitions: shell quoting and running from the Django folder of a monorepo. */
import type { DeployModel, ProcessModel } from './model.js';

/** Quotes a word for a POSIX shell (platforms run process commands through one). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `command` as run from the repository root: processes are defined from the Django folder. */
export function fromRoot(root: string, command: string): string {
  return root === '.' ? command : `cd ${shellQuote(root)} && ${command}`;
}

/**
 * The web command from the repository root. The default gunicorn line changes folder with `--chdir` so gunicorn
 * stays the process (signals reach it directly); `extra` adds platform flags right after `gunicorn`.
 * No `--bind`: gunicorn binds 0.0.0.0:$PORT by itself when PORT is set, and GUNICORN_CMD_ARGS can still override it.
 */
export function webCommand(model: DeployModel, p: ProcessModel, root: string, extra: string[] = []): string {
  if (!p.defaultCommand) return fromRoot(root, p.command);
  const flags = [...extra, ...(root === '.' ? [] : ['--chdir', shellQuote(root)])];
  return ['gunicorn', ...flags, `${model.django.wsgiModule}:${model.django.wsgiCallable}`].join(' ');
}

/** True when a command cannot be one line of a Procfile or app spec string. */
export function notOneLine(command: string): boolean {
  return /[\r\n\u0000]/.test(command) || command.trim() === '';
}
