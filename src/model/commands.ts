/** Command lines for PaaS process definitions: shell quoting and running from the Django folder of a monorepo. */
import type { DeployModel, ProcessModel } from './model.js';

/** bash's reserved words (`man bash`, RESERVED WORDS). */
export const RESERVED_WORD = /^(?:case|coproc|do|done|elif|else|esac|fi|for|function|if|in|select|then|time|until|while)$/;

/**
 * Quotes a word for a POSIX shell (platforms run process commands through one). Single quotes keep everything
 * literal; a quote is written `\'` outside them, and so are backslashes that would end a quoted run (`\\`): the
 * same word, without the `\'` inside quotes that shellcheck (SC1003) and actionlint flag as a mistaken escape.
 * A word holding `$` or a backquote is double-quoted with `\$`, `` \` ``, `\"` and `\\` escaped instead: just as
 * literal, and linters do not take it for an expansion written in the wrong quotes (SC2016).
 */
export function shellQuote(word: string): string {
  // A reserved word (`do`, `done`, `fi`) is an ordinary argument to bash, but linters read it as misplaced syntax.
  if (RESERVED_WORD.test(word)) return `'${word}'`;
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (word === '') return "''";
  if (/[$`]/.test(word) && !/[!\n]/.test(word)) return `"${word.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
  return word
    .split("'")
    .map((run) => {
      const body = run.replace(/\\+$/, '');
      return (body ? `'${body}'` : '') + '\\\\'.repeat(run.length - body.length);
    })
    .join("\\'");
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

const PLAIN_WORDS = /^[A-Za-z0-9_@%+=:,./-]+(?:[ \t]+[A-Za-z0-9_@%+=:,./-]+)*$/;
const SHELL_KEYWORD = /^(?:if|then|else|elif|fi|for|while|until|do|done|case|esac|!|\{|\(|exec|cd|export|set)$/;

/**
 * The exec-form argv of a one-line command (a container's CMD or command). Commands made only of plain words
 * (no quotes, no `$`, no operators) run without a shell, so signals reach the process directly. Anything else is
 * shell syntax by the user's intent and runs through `/bin/sh -c`; a single simple command is prefixed with `exec`
 * so the shell is replaced by it.
 */
export function execArgv(command: string): string[] {
  const cmd = command.trim();
  const words = cmd.split(/[ \t]+/);
  const first = words[0] ?? '';
  if (PLAIN_WORDS.test(cmd) && !first.includes('=')) return words;
  const compound = /[;&|<>`\n]|\$\(/.test(cmd) || SHELL_KEYWORD.test(first) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first);
  return ['/bin/sh', '-c', compound ? cmd : `exec ${cmd}`];
}
