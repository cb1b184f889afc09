/** The deployspec command line. The only module that prints, reads or writes files, or sets the exit code. */

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cac from 'cac';
import pc from 'picocolors';
import pkg from '../package.json' with { type: 'json' };
import { analyze } from './analyze.js';
import type { Diagnostic } from './diagnostics.js';
import { hasErrors } from './diagnostics.js';
import { formatJson, formatText, NO_COLORS, summary } from './format.js';
import type { Colors } from './format.js';
import { displayPath, findSpec, projectFacts, readSpecBytes } from './io/read.js';
import { TARGET_NAMES, TARGETS } from '../targets/index.js';
import type { TargetName } from '../targets/index.js';
import { UsageError } from './commands/io.js';
import type { Io } from './commands/io.js';

function colorsFor(stream: NodeJS.WriteStream): Colors {
  const on = stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return on ? { red: pc.red, yellow: pc.yellow, cyan: pc.cyan, dim: pc.dim, bold: pc.bold } : NO_COLORS;
}

interface CommonOptions {
  env?: string;
  format?: string;
  strict?: boolean;
}

function checkFormat(format: string | undefined): 'text' | 'json' {
  const f = format ?? 'text';
  if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not ${JSON.stringify(f)}`);
  return f;
}

/** Prints diagnostics; returns the exit code they imply. */
function report(io: Io, list: Diagnostic[], sources: Map<string, string>, format: 'text' | 'json', strict: boolean, okLine?: string): number {
  const failed = hasErrors(list) || (strict && list.some((d) => d.severity === 'warning'));
  if (format === 'json') {
    io.out(formatJson(list) + '\n');
    return failed ? 1 : 0;
  }
  if (list.length) io.err(formatText(list, sources, io.colors) + '\n' + (failed ? io.colors.red(summary(list)) : summary(list)) + '\n');
  if (!failed && okLine) io.err(okLine + '\n');
  return failed ? 1 : 0;
}

function loadInput(io: Io, file: string | undefined) {
  const path = findSpec(io.cwd, file);
  if (!path) {
    throw new UsageError(file ? `cannot read ${file}: no such file` : `no deploy.yaml in ${io.cwd}; pass a file, or run \`deployspec init\` to create one`);
  }
  const bytes = readSpecBytes(path);
  return { path, bytes, display: displayPath(io.cwd, path), dir: dirname(path) };
}

function parseTargets(value: unknown): TargetName[] {
  const raw = (Array.isArray(value) ? value : [value ?? 'all']).flatMap((v) => String(v).split(','));
  const names = raw.map((s) => s.trim()).filter(Boolean);
  if (names.includes('all')) return [...TARGET_NAMES];
  for (const n of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown target ${JSON.stringify(n)}; choose from: ${TARGET_NAMES.join(', ')}, all`);
  }
  return [...new Set(names)] as TargetName[];
}

async function validateCommand(io: Io, file: string | undefined, opts: CommonOptions): Promise<number> {
  const format = checkFormat(opts.format);
  const input = loadInput(io, file);
  const { diagnostics, environments, loaded } = analyze(input.display, input.bytes, { env: opts.env ?? null, facts: projectFacts(input.dir), targets: TARGETS });
  const envNote = environments.length ? ` (environments: ${environments.join(', ')})` : '';
  return report(io, diagnostics, new Map([[input.display, loaded.text]]), format, !!opts.strict, `${input.display}: valid${envNote}`);
}

interface BuildOptions extends CommonOptions {
  target?: string | string[];
  out?: string;
  dryRun?: boolean;
  check?: boolean;
  force?: boolean;
  prune?: boolean;
}

async function buildCommand(io: Io, file: string | undefined, opts: BuildOptions, diffOnly = false): Promise<number> {
  const format = checkFormat(opts.format);
  const names = parseTargets(opts.target);
  const input = loadInput(io, file);
  const [{ compile }, { loadTemplates }] = await Promise.all([import('./compile.js'), import('./io/read.js')]);
  const targets = names.map((n) => TARGETS.find((t) => t.name === n)!);
  const loadedTemplates = await loadTemplates(input.dir, io.cwd);
  const { templates } = loadedTemplates;
  // The template compiler is only loaded when the project overrides a built-in template.
  const compileTemplate = loadedTemplates.overridden.length ? (await import('handlebars')).default.compile : undefined;
  const result = compile(input.display, input.bytes, { env: opts.env ?? null, facts: projectFacts(input.dir), targets, registry: TARGETS, templates, compileTemplate });
  // Override problems (unknown variables, stray files) are reported with the override file's name, not a stack trace.
  result.diagnostics = [...loadedTemplates.diagnostics, ...result.diagnostics.filter((d) => !(d.code.endsWith('/template') && hasErrors(loadedTemplates.diagnostics)))];
  if (hasErrors(result.diagnostics)) result.files = [];
  const sources = new Map([[input.display, result.loaded.text]]);
  const failed = hasErrors(result.diagnostics) || (!!opts.strict && result.diagnostics.some((d) => d.severity === 'warning'));
  // A check in CI or a pre-commit hook should be quiet when all is well: notes are for builds.
  const shown = opts.check || diffOnly ? result.diagnostics.filter((d) => d.severity !== 'info') : result.diagnostics;
  const code = report(io, shown, sources, format, !!opts.strict);
  if (failed) {
    if (format === 'text') io.err('nothing written\n');
    return code;
  }
  const outDir = opts.out ? resolve(io.cwd, opts.out) : input.dir;
  const { handleOutputs } = await import('./commands/outputs.js');
  const mode = diffOnly ? 'diff' : opts.check ? 'check' : opts.dryRun ? 'dry-run' : 'write';
  const built = targets.map((t) => t.name);
  const written = await handleOutputs(io, outDir, result.files, { mode, force: !!opts.force, prune: !!opts.prune, targets: built, text: format === 'text' });
  return Math.max(code, written);
}

export async function main(argv: string[], io: Io): Promise<number> {
  const cli = cac('deployspec');
  let exit: Promise<number> = Promise.resolve(0);
  cli
    .command('validate [file]', 'Check deploy.yaml against the schema and the rules; every problem with file:line:col')
    .option('--env <name>', 'Validate with this environment overlay applied (all environments are always checked)')
    .option('--format <format>', 'Output format: text or json', { default: 'text' })
    .option('--strict', 'Fail on warnings too')
    .action((file: string | undefined, opts: CommonOptions) => {
      exit = validateCommand(io, file, opts);
    });
  cli
    .command('build [file]', 'Compile deploy.yaml into platform files (written beside deploy.yaml unless --out)')
    .option('--target <name>', `Target to build: ${TARGET_NAMES.join(', ')} or all (repeatable, or comma-separated)`, { default: 'all' })
    .option('--out <dir>', 'Output folder (default: the folder holding deploy.yaml)')
    .option('--env <name>', 'Environment overlay to apply')
    .option('--dry-run', 'Show what would be written, kept or removed, without writing')
    .option('--check', 'Write nothing; exit 1 with a diff when the files on disk differ from a fresh build (for CI)')
    .option('--force', 'Overwrite files deployspec did not generate, or that were edited since')
    .option('--prune', 'Remove files deployspec generated earlier that the spec no longer produces')
    .option('--format <format>', 'Diagnostics format: text or json', { default: 'text' })
    .option('--strict', 'Fail on warnings too')
    .action((file: string | undefined, opts: BuildOptions) => {
      exit = buildCommand(io, file, opts);
    });
  cli
    .command('diff [file]', 'Show how the files on disk differ from a fresh build (like build --check, always exit 0)')
    .option('--target <name>', 'Target(s) to compare, or all', { default: 'all' })
    .option('--out <dir>', 'Output folder (default: the folder holding deploy.yaml)')
    .option('--env <name>', 'Environment overlay to apply')
    .option('--format <format>', 'Diagnostics format: text or json', { default: 'text' })
    .action((file: string | undefined, opts: BuildOptions) => {
      exit = buildCommand(io, file, opts, true);
    });
  cli
    .command('init [dir]', 'Write a commented deploy.yaml from what is in the project (manage.py, Procfile, app.json, .do/app.yaml, ...)')
    .option('--name <name>', 'App name (default: the folder name)')
    .option('--project <module>', 'Django project package (default: found from manage.py)')
    .option('--force', 'Overwrite an existing deploy.yaml')
    .option('--stdout', 'Print the file instead of writing it')
    .action(async (dir: string | undefined, opts: { name?: string; project?: string; force?: boolean; stdout?: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      exit = initCommand(io, dir, opts);
    });
  cli
    .command('templates', 'List the text templates, the variables each receives, and your overrides in .deployspec/templates/')
    .option('--format <format>', 'text, json or markdown', { default: 'text' })
    .action(async (opts: { format?: string }) => {
      const { templatesCommand } = await import('./commands/templates.js');
      exit = templatesCommand(io, opts);
    });
  cli
    .command('schema', 'Print the JSON Schema of deploy.yaml')
    .option('--out <file>', 'Write it to a file instead')
    .action(async (opts: { out?: string }) => {
      // The published file itself, shipped in the package beside dist/ (and beside src/ in a checkout).
      const text = readFileSync(new URL('../schema/deploy.schema.json', import.meta.url), 'utf8');
      if (opts.out) {
        (await import('./io/write.js')).writeOutputFile(io.cwd, opts.out, text); // one-line error, never half-written
      } else io.out(text);
    });
  cli.command('targets', 'List the targets').action(async () => {
    const list = TARGETS;
    const width = Math.max(...list.map((t) => t.name.length));
    for (const t of list) io.out(`${t.name.padEnd(width)}  ${t.description}\n`);
  });
  cli
    .command('lint [...files]', 'Check Dockerfiles with hadolint-style rules (DLxxxx); default ./Dockerfile; exit 1 on errors or warnings')
    .option('--format <format>', 'Output format: text or json', { default: 'text' })
    .action(async (files: string[], opts: { format?: string }) => {
      const { lintCommand } = await import('./commands/lint.js');
      exit = lintCommand(io, files, opts);
    });
  cli.help();
  cli.version(pkg.version);
  cli.parse(['node', 'deployspec', ...argv], { run: false });
  if (cli.options.help || cli.options.version) return 0;
  if (!cli.matchedCommand) {
    if (cli.args.length) throw new UsageError(`unknown command ${JSON.stringify(cli.args[0])}; run \`deployspec --help\``);
    cli.outputHelp();
    return 0;
  }
  await cli.runMatchedCommand();
  return exit;
}

/** Runs the CLI on this process's arguments and streams; settles the exit code, never throws. */
export function run(): Promise<void> {
  const io: Io = { cwd: process.cwd(), out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), colors: colorsFor(process.stderr) };
  return main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError || (err as Error)?.name === 'CACError' || (err as Error)?.name === 'UsageError') {
        process.stderr.write(`deployspec: ${(err as Error).message}\n`);
        process.exitCode = 2;
      } else if ((err as Error)?.name === 'UnsafePathError') {
        process.stderr.write(`deployspec: ${(err as Error).message}\nnothing written\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`deployspec: internal error: ${(err as Error)?.stack ?? String(err)}\nPlease report this with the deploy.yaml that caused it.\n`);
        process.exitCode = 70;
      }
    },
  );
}
