/**
 * How flyctl reads `[processes]` commands and `[deploy] release_command`: with github.com/google/shlex `Split`
 * (flyctl internal/appconfig: `InitCmd`, `ToReleaseMachineConfig`), then runs the words as the Machine's command
 * with no shell. This is a port of that lexer (space ` \t\r\n`; `'...'` literal; `"..."` where `\` escapes any
 * character; `\` outside quotes escapes the next character; `#` at the start of a word comments out the rest of
 * the line), and the quoting that it reads back exactly.
 */

/** google/shlex Split: the words, or an error message (unclosed quote, trailing escape). */
export function shlexSplit(s: string): { words: string[]; error: string | null } {
  const words: string[] = [];
  const chars = [...s];
  let i = 0;
  const space = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (i < chars.length) {
    const c = chars[i]!;
    if (space(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    let word = '';
    let state: 'word' | 'single' | 'double' = 'word';
    for (; i < chars.length; i++) {
      const ch = chars[i]!;
      if (state === 'word') {
        if (space(ch)) break;
        if (ch === "'") state = 'single';
        else if (ch === '"') state = 'double';
        else if (ch === '\\') {
          if (++i >= chars.length) return { words, error: 'EOF found after escape character' };
          word += chars[i];
        } else word += ch;
      } else if (state === 'single') {
        if (ch === "'") state = 'word';
        else word += ch;
      } else if (ch === '"') state = 'word';
      else if (ch === '\\') {
        if (++i >= chars.length) return { words, error: 'EOF found after escape character' };
        word += chars[i];
      } else word += ch;
    }
    if (state !== 'word') return { words, error: 'EOF found when expecting closing quote' };
    words.push(word);
  }
  return { words, error: null };
}

/** Characters that mean nothing to google/shlex nor to a POSIX shell: such words need no quotes. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Shell built-ins and keywords that are no program of their own. */
const BUILTINS = new Set(['.', ':', 'alias', 'break', 'case', 'cd', 'command', 'continue', 'do', 'done', 'elif', 'else', 'esac', 'eval', 'exec', 'exit', 'export', 'fi', 'for', 'function', 'if', 'local', 'read', 'readonly', 'return', 'select', 'set', 'shift', 'source', 'then', 'times', 'trap', 'ulimit', 'umask', 'unalias', 'unset', 'until', 'wait', 'while']);

/** One word quoted so that shlexSplit reads it back exactly. */
export function shlexQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  return `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A command written for a shell (as every command in deploy.yaml is), as a string flyctl runs the same way: plain
 * words stay as they are; anything a shell would interpret (`$PORT`, `&&`, quotes, globs, redirections) runs
 * through `sh -c`, since flyctl only splits the string into words.
 */
export function flyCommand(command: string): string {
  const words = command.trim().split(/[ \t]+/);
  // `NAME=value cmd` is an assignment and `cd`, `exec`... are shell built-ins: only a shell runs them.
  if (words.every((w) => PLAIN.test(w)) && !words[0]!.includes('=') && !BUILTINS.has(words[0]!)) return words.join(' ');
  return `sh -c ${shlexQuote(command)}`;
}
