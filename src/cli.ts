/** The deployspec command line. The only module that prints, reads or writes files, or sets the exit code. */

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import pc from 'picocolors';
import pkg from '../package.json' with { type: 'json' };
import type { analyze } from './analyze.js';
import type { CompileResult } from './compile.js';
import type { Diagnostic } from './diagnostics.js';
import { closest, hasErrors } from './diagnostics.js';
import { acknowledged, diagnosticsData, formatGithub, formatSarif, formatText, NO_COLORS, summary } from './format.js';
import type { Colors } from './format.js';
import { causeOf } from './io/errors.js';
import { displayPath, findSpec, projectFacts, readSpecBytes } from './io/read.js';
import { escapeLine, jsonText } from './io/terminal.js';
import { declaredSecretNames } from './spec/secrets.js';
import { TARGET_NAMES, TARGETS } from '../targets/index.js';
import type { TargetName } from '../targets/index.js';
import { UsageError } from './commands/io.js';
import type { Io } from './commands/io.js';

// picocolors' own functions follow its own reading of the environment; these follow the decision below.
const pcOn = pc.createColors(true);
const COLORED: Colors = { red: pcOn.red, yellow: pcOn.yellow, cyan: pcOn.cyan, dim: pcOn.dim, bold: pcOn.bold };

/**
 * Whether a stream gets colour: `--color`/`--no-color` first, then FORCE_COLOR (set and not "0"/"false"), then
 * NO_COLOR (set and not empty), then TERM=dumb, then whether the stream itself is a terminal. stdout and stderr are
 * decided separately, so `deployspec build 2>log | less` colours neither the log nor the pipe by accident.
 */
export function colorOn(isTTY: boolean | undefined, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return !!isTTY;
}

// --- the command table ------------------------------------------------------------------------------------------

interface OptionSpec {
  /** Long name without dashes (`dry-run`). */
  name: string;
  /** Placeholder of the value (`<name>`); absent for a switch. */
  value?: string;
  short?: string;
  description: string;
  /** Allowed values, for "did you mean" and the usage error. */
  choices?: readonly string[];
  repeatable?: boolean;
}

type Values = Record<string, string | string[] | boolean | undefined>;

interface Ctx {
  io: Io;
  args: string[];
  opts: Values;
  quiet: boolean;
}

interface CommandSpec {
  name: string;
  /** `[file]`, `[...files]` or empty. */
  args: string;
  summary: string;
  description: string;
  options: OptionSpec[];
  examples: string[];
  run(ctx: Ctx): Promise<number>;
}

const DIAGNOSTIC_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
type DiagnosticFormat = (typeof DIAGNOSTIC_FORMATS)[number];

const FORMAT_OPTION: OptionSpec = {
  name: 'format',
  value: '<format>',
  description: 'text, json (one JSON document on stdout), github (workflow annotations) or sarif',
  choices: DIAGNOSTIC_FORMATS,
};
const ENV_OPTION: OptionSpec = { name: 'env', value: '<name>', description: 'Only this environment (see `environments:` in deploy.yaml)' };
const TARGET_OPTION: OptionSpec = {
  name: 'target',
  value: '<name>',
  description: `Target(s): ${TARGET_NAMES.join(', ')} or all (repeatable, or comma-separated; default all)`,
  repeatable: true,
};
const OUT_OPTION: OptionSpec = { name: 'out', value: '<dir>', description: 'Output folder (default: the folder holding deploy.yaml)' };
const STRICT_OPTION: OptionSpec = { name: 'strict', description: 'Fail on warnings too' };

const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'directory', short: 'C', value: '<dir>', description: 'Run as if deployspec was started in <dir>' },
  { name: 'quiet', short: 'q', description: 'Print only errors, warnings and failures (no notes, no progress, no next steps)' },
  { name: 'color', description: 'Colour the output even when it is not a terminal' },
  { name: 'no-color', description: 'Never colour the output (also NO_COLOR=1)' },
  { name: 'help', short: 'h', description: 'Show help (also `deployspec help <command>`)' },
  { name: 'version', short: 'V', description: 'Print the version' },
];

const COMMANDS: CommandSpec[] = [
  {
    name: 'validate',
    args: '[file]',
    summary: 'Check deploy.yaml and everything build would report, writing nothing',
    description:
      "Checks the spec and every environment overlay, then compiles the targets in memory as build does, so it reports every error and warning build would (build's notes aside); every problem is reported at file:line:col with a hint. Nothing is written. Exit 1 on errors (and on warnings with --strict).",
    options: [
      {
        ...TARGET_OPTION,
        description: `Check the files of these target(s): ${TARGET_NAMES.join(', ')} or all (repeatable, or comma-separated; default all, as build)`,
      },
      { ...ENV_OPTION, description: 'Check that this environment exists (every environment is always checked)' },
      FORMAT_OPTION,
      STRICT_OPTION,
    ],
    examples: [
      'deployspec validate',
      'deployspec validate --strict --format github',
      `deployspec validate --target ${TARGET_NAMES.slice(0, 2).join(',')}`,
      'deployspec validate backend/deploy.yaml --env staging',
    ],
    run: (c) => validateCommand(c),
  },
  {
    name: 'build',
    args: '[file]',
    summary: 'Compile deploy.yaml into platform files, every environment side by side',
    description:
      "Compiles in memory, then writes every file or none, beside deploy.yaml unless --out. Each environment's files go where its platform models it (.do/app.staging.yaml, fly.staging.toml, ...), so no environment overwrites another's. Files deployspec did not generate, or that were edited since, are left alone unless --force.",
    options: [
      TARGET_OPTION,
      OUT_OPTION,
      ENV_OPTION,
      { name: 'dry-run', description: 'Show what would be written, kept or removed, without writing' },
      { name: 'check', description: 'Write nothing; exit 1 with a diff when the files on disk differ from a fresh build (for CI)' },
      { name: 'force', description: 'Overwrite files deployspec did not generate, or that were edited since' },
      { name: 'prune', description: 'Remove files deployspec generated earlier that the spec no longer produces' },
      FORMAT_OPTION,
      STRICT_OPTION,
    ],
    examples: [
      'deployspec build',
      'deployspec build --check',
      `deployspec build --target ${TARGET_NAMES.slice(0, 2).join(',')} --dry-run`,
      'deployspec build --env staging',
    ],
    run: (c) => buildCommand(c, false),
  },
  {
    name: 'diff',
    args: '[file]',
    summary: 'Show how the files on disk differ from a fresh build',
    description: 'The diff of `build --check`, with exit 0 whatever it finds.',
    options: [TARGET_OPTION, OUT_OPTION, ENV_OPTION, FORMAT_OPTION],
    examples: ['deployspec diff', `deployspec diff --target ${TARGET_NAMES[0]}`],
    run: (c) => buildCommand(c, true),
  },
  {
    name: 'config',
    args: '[file]',
    summary: 'Print the resolved spec of an environment (defaults and overlay applied)',
    description: 'Like `docker compose config`: the spec as the compiler sees it, with every schema default written out and the environment overlay merged in.',
    options: [
      { ...ENV_OPTION, description: 'Apply this environment overlay (default: none, the production spec)' },
      { name: 'format', value: '<format>', description: 'yaml or json', choices: ['yaml', 'json'] },
    ],
    examples: ['deployspec config', 'deployspec config --env staging --format json'],
    run: async (c) => (await import('./commands/config.js')).configCommand(c.io, loadInput(c), { env: str(c.opts.env), format: str(c.opts.format) }),
  },
  {
    name: 'doctor',
    args: '[file]',
    summary: 'Check the wiring around the generated files',
    description:
      'Checks what the build cannot see: the requirements install the deploy requirements, .env is ignored by git, the generated files are up to date and committed, and the settings module imports. Exit 1 when a check fails.',
    options: [{ name: 'format', value: '<format>', description: 'text or json', choices: ['text', 'json'] }],
    examples: ['deployspec doctor', 'deployspec doctor --format json'],
    run: async (c) => (await import('./commands/doctor.js')).doctorCommand(c.io, loadInput(c), { format: str(c.opts.format), quiet: c.quiet }),
  },
  {
    name: 'init',
    args: '[dir]',
    summary: 'Write a commented deploy.yaml from what is in the project',
    description:
      'Scans manage.py, Procfile, app.json, .do/app.yaml and friends, and writes a deploy.yaml that validates; lists every deploy file it found, imported or not (and why). An existing deploy.yaml is never replaced without --force.',
    options: [
      { name: 'name', value: '<name>', description: 'App name (default: the folder name)' },
      { name: 'project', value: '<module>', description: 'Django project package (default: found from manage.py)' },
      { name: 'root', value: '<folder>', description: 'Folder of the manage.py to deploy, inside the project (needed when it has several)' },
      { name: 'force', description: 'Overwrite an existing deploy.yaml' },
      { name: 'stdout', description: 'Print the file instead of writing it' },
    ],
    examples: ['deployspec init', 'deployspec init --name bookshelf --stdout', 'deployspec init --root backend'],
    run: async (c) => {
      const { initCommand } = await import('./commands/init.js');
      return initCommand(c.io, c.args[0], {
        name: str(c.opts.name),
        project: str(c.opts.project),
        root: str(c.opts.root),
        force: !!c.opts.force,
        stdout: !!c.opts.stdout,
      });
    },
  },
  {
    name: 'lint',
    args: '[...files]',
    summary: 'Check Dockerfiles with hadolint-style rules',
    description: "hadolint rules (DLxxxx) on any Dockerfile; default ./Dockerfile. Exit 1 on errors or warnings. The JSON output uses hadolint's keys.",
    options: [{ name: 'format', value: '<format>', description: 'text or json', choices: ['text', 'json'] }],
    examples: ['deployspec lint', 'deployspec lint docker/Dockerfile --format json'],
    run: async (c) => (await import('./commands/lint.js')).lintCommand(c.io, c.args, { format: str(c.opts.format) }),
  },
  {
    name: 'templates',
    args: '',
    summary: 'List the text templates and the variables each receives',
    description: 'The built-in templates, the variables each may use, and your overrides in .deployspec/templates/.',
    options: [{ name: 'format', value: '<format>', description: 'text, json or markdown', choices: ['text', 'json', 'markdown'] }],
    examples: ['deployspec templates', 'deployspec templates --format json'],
    run: async (c) => (await import('./commands/templates.js')).templatesCommand(c.io, { format: str(c.opts.format) }),
  },
  {
    name: 'schema',
    args: '',
    summary: 'Print the JSON Schema of deploy.yaml',
    description: 'The published schema, byte for byte, for editors and other tools.',
    options: [{ name: 'out', value: '<file>', description: 'Write it to a file instead' }],
    examples: ['deployspec schema --out deploy.schema.json'],
    run: async (c) => {
      const text = readFileSync(new URL('../schema/deploy.schema.json', import.meta.url), 'utf8');
      const out = str(c.opts.out);
      if (out) (await import('./io/write.js')).writeOutputFile(c.io.cwd, out, text);
      else c.io.out(text);
      return 0;
    },
  },
  {
    name: 'targets',
    args: '',
    summary: 'List the targets',
    description: 'Every target deployspec can build, with what it writes.',
    options: [{ name: 'format', value: '<format>', description: 'text or json', choices: ['text', 'json'] }],
    examples: ['deployspec targets'],
    run: async (c) => {
      if (c.opts.format === 'json') {
        c.io.out(
          jsonText({ command: 'targets', ok: true, targets: TARGETS.map((t) => ({ name: t.name, description: t.description, outputs: t.outputs })) }) + '\n',
        );
        return 0;
      }
      const width = Math.max(...TARGETS.map((t) => t.name.length));
      for (const t of TARGETS) c.io.out(`${t.name.padEnd(width)}  ${t.description}\n`);
      return 0;
    },
  },
];

/** Every command name, for bin/deployspec.js's start-up cache (only known commands get a cache file). */
export const COMMAND_NAMES: readonly string[] = [...COMMANDS.map((c) => c.name), 'help'];

function str(v: Values[string]): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) ? v[v.length - 1] : undefined;
}

// --- help -------------------------------------------------------------------------------------------------------

function optionLabel(o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
}

export function mainHelp(): string {
  return [
    `deployspec ${pkg.version}: one deploy.yaml, compiled into the files each platform wants`,
    '',
    'Usage: deployspec <command> [options]',
    '',
    'Commands:',
    table([...COMMANDS.map((c): [string, string] => [`${c.name}${c.args ? ` ${c.args}` : ''}`, c.summary]), ['help [command]', 'Show help for a command']]),
    '',
    'Global options:',
    table(GLOBAL_OPTIONS.map((o): [string, string] => [optionLabel(o), o.description])),
    '',
    'Run `deployspec help <command>` for its options and examples.',
    'Exit codes: 0 success, 1 invalid spec, failed build or stale files, 2 usage error.',
    '',
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  return [
    `deployspec ${c.name}: ${c.summary}`,
    '',
    `Usage: deployspec ${c.name}${c.args ? ` ${c.args}` : ''} [options]`,
    '',
    wrap(c.description, 100),
    '',
    'Options:',
    table(c.options.map((o): [string, string] => [optionLabel(o), o.description])),
    '',
    'Global options: -C <dir>, -q/--quiet, --color, --no-color, -h/--help (see `deployspec --help`)',
    '',
    'Examples:',
    ...c.examples.map((e) => `  $ ${e}`),
    '',
  ].join('\n');
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}

// --- argument parsing -------------------------------------------------------------------------------------------

function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  return guess ? `; did you mean ${guess}?` : '';
}

interface Parsed {
  command: CommandSpec | null;
  /** `help <name>` or `<name> --help`. */
  help: boolean;
  version: boolean;
  args: string[];
  opts: Values;
}

function parseArgs(argv: string[]): Parsed {
  const opts: Values = {};
  const args: string[] = [];
  let command: CommandSpec | null = null;
  let helpWord = false;
  let onlyArgs = false;
  const known = () => [...GLOBAL_OPTIONS, ...(command?.options ?? [])];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (onlyArgs || a === '-' || !a.startsWith('-')) {
      if (command === null && !helpWord) {
        if (a === 'help') {
          helpWord = true;
          continue;
        }
        const c = COMMANDS.find((x) => x.name === a);
        if (!c)
          throw new UsageError(`unknown command ${JSON.stringify(escapeLine(a))}${didYouMean(a, COMMAND_NAMES)} (run \`deployspec --help\` for the list)`);
        command = c;
        continue;
      }
      if (helpWord && command === null) {
        const c = COMMANDS.find((x) => x.name === a);
        if (!c) throw new UsageError(`no help for ${JSON.stringify(escapeLine(a))}: not a command${didYouMean(a, COMMAND_NAMES)}`);
        command = c;
        continue;
      }
      args.push(a);
      continue;
    }
    if (a === '--') {
      onlyArgs = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: OptionSpec | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      spec = known().find((o) => o.name === name);
      if (!spec) {
        const names = known().map((o) => `--${o.name}`);
        const where = command ? ` for \`deployspec ${command.name}\`` : '';
        throw new UsageError(`unknown option --${escapeLine(name)}${where}${didYouMean(`--${name}`, names)}`);
      }
    } else {
      name = a.slice(1, 2);
      inline = a.length > 2 ? a.slice(2) : undefined;
      spec = known().find((o) => o.short === name);
      if (!spec) throw new UsageError(`unknown option -${escapeLine(name)}${command ? ` for \`deployspec ${command.name}\`` : ''}`);
      if (!spec.value && inline !== undefined) throw new UsageError(`-${name} takes no value`);
    }
    let value: string | boolean = true;
    if (spec.value) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < argv.length) value = argv[++i]!;
      else throw new UsageError(`--${spec.name} needs a value: ${optionLabel(spec)}`);
      if (spec.choices && !spec.choices.includes(value)) {
        throw new UsageError(
          `--${spec.name} must be ${spec.choices.slice(0, -1).join(', ')} or ${spec.choices[spec.choices.length - 1]}, not ${JSON.stringify(escapeLine(value))}${didYouMean(value, spec.choices)}`,
        );
      }
    } else if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
    if (spec.repeatable && typeof value === 'string') {
      const prev = opts[spec.name];
      opts[spec.name] = [...(Array.isArray(prev) ? prev : []), value];
    } else opts[spec.name] = value;
  }
  if (command) {
    const max = command.args.startsWith('[...') ? Infinity : command.args ? 1 : 0;
    if (args.length > max && !opts.help && !helpWord) {
      throw new UsageError(
        `\`deployspec ${command.name}\` takes ${max === 0 ? 'no arguments' : `one ${command.args.replace(/[[\]]/g, '')} argument`}, not ${JSON.stringify(escapeLine(args[max]!))}`,
      );
    }
  }
  if (opts.color && opts['no-color']) throw new UsageError('--color and --no-color contradict each other');
  return { command, help: helpWord || !!opts.help, version: !!opts.version, args, opts };
}

// --- shared pieces of the commands ------------------------------------------------------------------------------

export interface Input {
  path: string;
  bytes: Uint8Array;
  display: string;
  dir: string;
}

/**
 * The spec: the argument (a file, or a folder holding deploy.yaml), or deploy.yaml / deploy.yml in the working
 * folder or the nearest folder above it, up to the root of the git repository it is in.
 */
export function locateSpec(cwd: string, file: string | undefined): string {
  if (file) {
    const path = findSpec(cwd, file);
    if (path) return path;
    const abs = resolve(cwd, file);
    if (existsSync(abs))
      throw new UsageError(`no deploy.yaml (or deployspec.yaml) in ${escapeLine(file)}; pass the spec file, or run \`deployspec init ${escapeLine(file)}\``);
    throw new UsageError(`cannot read ${escapeLine(file)}: no such file`);
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const path = findSpec(dir);
    if (path) return path;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
  }
  throw new UsageError(
    `no deploy.yaml (or deployspec.yaml) in ${escapeLine(cwd)} or the folders above it; pass a file, or run \`deployspec init\` to create one`,
  );
}

function loadInput(c: Ctx): Input {
  const path = locateSpec(c.io.cwd, c.args[0]);
  // A spec found above the working folder is shown as ../deploy.yaml, as the user would type it.
  const up = relative(c.io.cwd, path);
  const display = !c.args[0] && /^(\.\.\/)+[^/]+$/.test(up) ? up : displayPath(c.io.cwd, path);
  return { path, bytes: readSpecBytes(path, display), display, dir: dirname(path) };
}

function parseTargets(value: Values[string]): TargetName[] {
  const raw = (Array.isArray(value) ? value : [typeof value === 'string' ? value : 'all']).flatMap((v) => v.split(','));
  const names = raw.map((s) => s.trim()).filter(Boolean);
  if (!names.length || names.includes('all')) return [...TARGET_NAMES];
  for (const n of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(n))
      throw new UsageError(
        `unknown target ${JSON.stringify(escapeLine(n))}${didYouMean(n, [...TARGET_NAMES, 'all'])} (choose from: ${TARGET_NAMES.join(', ')}, all)`,
      );
  }
  return [...new Set(names)] as TargetName[];
}

/** An unknown --env is a mistake in the command, not in the spec: exit 2 with the closest name. */
function checkEnv(env: string | undefined, environments: readonly string[], display: string): void {
  if (env === undefined || environments.includes(env)) return;
  const defined = environments.length ? `defined: ${environments.join(', ')}` : `${display} defines no environments`;
  throw new UsageError(`unknown environment ${JSON.stringify(escapeLine(env))}${didYouMean(env, environments)} (${defined})`);
}

function formatOf(c: Ctx): DiagnosticFormat {
  return (str(c.opts.format) ?? 'text') as DiagnosticFormat;
}

/** The notes the spec acknowledges (`acknowledge: [code, ...]`) are dropped; so are all notes with --quiet. */
function visible(list: readonly Diagnostic[], data: unknown, quiet: boolean): Diagnostic[] {
  const kept = acknowledged(list, data);
  return quiet ? kept.filter((d) => d.severity !== 'info') : kept;
}

function failedBy(list: readonly Diagnostic[], strict: boolean): boolean {
  return hasErrors(list) || (strict && list.some((d) => d.severity === 'warning'));
}

/** Diagnostics in the text, github or sarif form (json is assembled by each command into its one document). */
function printDiagnostics(
  c: Ctx,
  format: DiagnosticFormat,
  list: readonly Diagnostic[],
  sources: Map<string, string>,
  failed: boolean,
  extra: { path: string; message: string }[] = [],
): void {
  if (format === 'github') {
    const text = formatGithub(list, extra);
    if (text) c.io.out(text + '\n');
    if (list.length) c.io.err(summary(list) + '\n');
    return;
  }
  if (format === 'sarif') {
    c.io.out(formatSarif(list, extra, pkg.version) + '\n');
    return;
  }
  if (list.length) c.io.err(formatText(list, sources, c.io.colors) + '\n' + (failed ? c.io.colors.red(summary(list)) : summary(list)) + '\n');
}

// --- validate ---------------------------------------------------------------------------------------------------

/**
 * The spec, compiled to `targets` in memory exactly as build compiles it (every environment, the project's template
 * overrides), so validate and build report the same diagnostics. Files are dropped when there are errors.
 */
async function compileInput(c: Ctx, input: Input, targets: readonly (typeof TARGETS)[number][]): Promise<CompileResult> {
  const [{ compile }, { loadTemplates }] = await Promise.all([import('./compile.js'), import('./io/read.js')]);
  const loadedTemplates = await loadTemplates(input.dir, c.io.cwd);
  const { templates } = loadedTemplates;
  // The template compiler is only loaded when the project overrides a built-in template.
  const compileTemplate = loadedTemplates.overridden.length ? (await import('handlebars')).default.compile : undefined;
  const result = compile(input.display, input.bytes, {
    env: null,
    environments: true,
    specFile: basename(input.path),
    facts: projectFacts(input.dir),
    targets,
    registry: TARGETS,
    templates,
    compileTemplate,
  });
  checkEnv(str(c.opts.env), result.environments, input.display);
  // Override problems (unknown variables, stray files) are reported with the override file's name, not a stack trace.
  result.diagnostics = [
    ...loadedTemplates.diagnostics,
    ...result.diagnostics.filter((d) => !(d.code.endsWith('/template') && hasErrors(loadedTemplates.diagnostics))),
  ];
  if (hasErrors(result.diagnostics)) result.files = [];
  return result;
}

async function validateCommand(c: Ctx): Promise<number> {
  const format = formatOf(c);
  const targets = parseTargets(c.opts.target).map((n) => TARGETS.find((t) => t.name === n)!);
  const input = loadInput(c);
  const { diagnostics, environments, loaded } = await compileInput(c, input, targets);
  // What `build --check` shows: errors and warnings; the notes are for builds.
  const shown = visible(diagnostics, loaded.data, true);
  const failed = failedBy(shown, !!c.opts.strict);
  if (format === 'json') {
    c.io.out(jsonText({ command: 'validate', ok: !failed, file: input.display, environments, diagnostics: diagnosticsData(shown) }) + '\n');
    return failed ? 1 : 0;
  }
  printDiagnostics(c, format, shown, new Map([[input.display, loaded.text]]), failed);
  const envNote = environments.length ? ` (environments: ${environments.join(', ')})` : '';
  if (!failed && !c.quiet && format === 'text') c.io.err(`${input.display}: valid${envNote}\n`);
  return failed ? 1 : 0;
}

// --- build and diff ---------------------------------------------------------------------------------------------

async function buildCommand(c: Ctx, diffOnly: boolean): Promise<number> {
  const { io, opts } = c;
  const format = formatOf(c);
  const names = parseTargets(opts.target);
  const input = loadInput(c);
  const env = str(opts.env);
  const modes = ['check', 'dry-run'].filter((m) => opts[m]);
  if (modes.length > 1) throw new UsageError('--check and --dry-run cannot be combined');
  const targets = names.map((n) => TARGETS.find((t) => t.name === n)!);
  const result = await compileInput(c, input, targets);
  const sources = new Map([[input.display, result.loaded.text]]);
  const strict = !!opts.strict;
  const checking = !!opts.check || diffOnly;
  // A check in CI or a pre-commit hook should be quiet when all is well: notes are for builds.
  const shown = visible(result.diagnostics, result.loaded.data, c.quiet || checking);
  const failed = failedBy(shown, strict);
  const command = diffOnly ? 'diff' : 'build';
  const mode = diffOnly ? 'diff' : opts.check ? 'check' : opts['dry-run'] ? 'dry-run' : 'write';
  if (failed) {
    if (format === 'json') io.out(jsonText({ command, mode, ok: false, file: input.display, diagnostics: diagnosticsData(shown), files: [] }) + '\n');
    else printDiagnostics(c, format, shown, sources, true);
    if (format === 'text') io.err('nothing written\n');
    return 1;
  }
  // --env selects one environment's files ("production" is the spec without an overlay); the others are kept as
  // they are, on disk and in the manifest.
  const selected = env === undefined ? result.files : result.files.filter((f) => (f.environment ?? null) === env);
  const outDir = opts.out ? resolve(io.cwd, str(opts.out)!) : input.dir;
  const { handleOutputs } = await import('./commands/outputs.js');
  const built = env === undefined ? targets.map((t) => t.name) : [];
  if (format !== 'json') printDiagnostics(c, format === 'sarif' ? 'text' : format, shown, sources, false);
  const outcome = await handleOutputs(io, outDir, selected, {
    spec: input.path,
    mode,
    force: !!opts.force,
    prune: !!opts.prune,
    targets: built,
    text: format === 'text',
    quiet: c.quiet,
    diffs: format === 'json' || format === 'text' || mode !== 'write',
    secrets: declaredSecretNames(result.loaded.data),
  });
  const code = outcome.code;
  if (format === 'json') {
    io.out(
      jsonText({
        command,
        mode,
        ok: code === 0,
        file: input.display,
        ...(env !== undefined ? { environment: env } : {}),
        diagnostics: diagnosticsData(shown),
        files: outcome.files,
        manifest: outcome.manifest,
      }) + '\n',
    );
  } else if (format === 'github' || format === 'sarif') {
    const stale = outcome.files
      .filter((f) => f.action !== 'unchanged' && (mode === 'check' || mode === 'diff'))
      .map((f) => ({ path: f.path, message: `${f.path}: ${f.description}; run \`deployspec build\` and commit the result` }));
    if (format === 'github') {
      const text = formatGithub([], stale);
      if (text) io.out(text + '\n');
    } else io.out(formatSarif(shown, stale, pkg.version) + '\n');
  }
  if (mode === 'write' && code === 0 && format === 'text' && !c.quiet && result.model) {
    const steps = nextSteps(targets, result.model, outcome.files.filter((f) => f.action === 'create').length > 0);
    if (steps.length) io.err(`\n${io.colors.bold('next')}:\n${steps.map((s) => `  ${s}`).join('\n')}\n`);
  }
  return code;
}

/** Each built target's next step (Target.nextSteps), shown after a build that wrote new files. */
function nextSteps(targets: readonly (typeof TARGETS)[number][], model: NonNullable<ReturnType<typeof analyze>['model']>, created: boolean): string[] {
  if (!created) return [];
  const out: string[] = [];
  for (const t of targets) {
    const hook = (t as { nextSteps?: (m: typeof model, o: unknown) => string[] }).nextSteps;
    if (hook) for (const s of hook(model, t.options(model.targets[t.name], model))) out.push(`${t.name}: ${escapeLine(s)}`);
  }
  if (out.length) out.push('commit the generated files with deploy.yaml, and run `deployspec build --check` in CI');
  return out;
}

// --- main -------------------------------------------------------------------------------------------------------

export interface MainOptions {
  /** The process's environment, for NO_COLOR and FORCE_COLOR. */
  env?: NodeJS.ProcessEnv;
  /** Whether stdout and stderr are terminals. */
  tty?: { out?: boolean; err?: boolean };
}

export async function main(argv: string[], io: Io, options: MainOptions = {}): Promise<number> {
  const parsed = parseArgs(argv);
  const flag = parsed.opts.color ? true : parsed.opts['no-color'] ? false : undefined;
  const env = options.env ?? process.env;
  if (options.tty) {
    io.colors = colorOn(options.tty.err, env, flag) ? COLORED : NO_COLORS;
    io.outColors = colorOn(options.tty.out, env, flag) ? COLORED : NO_COLORS;
  } else if (flag === false) io.colors = io.outColors = NO_COLORS;
  if (parsed.version) {
    io.out(`${pkg.version}\n`);
    return 0;
  }
  if (parsed.help || !parsed.command) {
    io.out(parsed.command ? commandHelp(parsed.command) : mainHelp());
    return 0;
  }
  const dir = str(parsed.opts.directory);
  if (dir !== undefined) {
    const abs = resolve(io.cwd, dir);
    if (!existsSync(abs)) throw new UsageError(`cannot change to ${escapeLine(dir)} (-C): no such folder`);
    io.cwd = abs;
  }
  const command = parsed.command;
  const format = str(parsed.opts.format);
  try {
    return await command.run({ io, args: parsed.args, opts: parsed.opts, quiet: !!parsed.opts.quiet });
  } catch (err) {
    // With --format json the failure is the one JSON document too, so a reader always gets something to parse.
    if (format === 'json' && (err instanceof UsageError || (err as Error)?.name === 'UnsafePathError' || (err as Error)?.name === 'IoError')) {
      io.out(jsonText({ command: command.name, ok: false, error: (err as Error).message }) + '\n');
    }
    throw err;
  }
}

/** Runs the CLI on this process's arguments and streams; settles the exit code, never throws. */
export function run(): Promise<void> {
  // A reader that stops early (`deployspec schema | head -1`) closes the pipe: stop writing to it and exit with the
  // code the command would have had, without a stack trace.
  let closed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
  process.stderr.on('error', () => {});
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (err) {
    // The folder the shell is in was deleted (or made unreadable) after `cd`.
    process.stderr.write(`deployspec: cannot use the working folder: ${causeOf(err)}; it was probably deleted: cd to an existing folder\n`);
    process.exitCode = 1;
    return Promise.resolve();
  }
  const io: Io = {
    cwd,
    out: (s) => {
      if (!closed) process.stdout.write(s);
    },
    err: (s) => process.stderr.write(s),
    colors: NO_COLORS,
    outColors: NO_COLORS,
  };
  return main(process.argv.slice(2), io, { env: process.env, tty: { out: process.stdout.isTTY, err: process.stderr.isTTY } }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError || (err as Error)?.name === 'UsageError') {
        process.stderr.write(`deployspec: ${escapeLine((err as Error).message)}\n`);
        process.exitCode = 2;
      } else if ((err as Error)?.name === 'UnsafePathError' || (err as Error)?.name === 'IoError') {
        process.stderr.write(`deployspec: ${escapeLine((err as Error).message)}\nnothing written\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`deployspec: internal error: ${(err as Error)?.stack ?? String(err)}\nPlease report this with the deploy.yaml that caused it.\n`);
        process.exitCode = 70;
      }
    },
  );
}
