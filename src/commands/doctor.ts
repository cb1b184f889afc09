/**
 * `deployspec doctor`: checks the wiring around the generated files that a build cannot see. Each check says ok,
 * fail (exit 1) or skip, with what to do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { hasErrors } from '../diagnostics.js';
import { formatText, summary } from '../format.js';
import { loadTemplates, projectFacts } from '../io/read.js';
import { escapeLine, jsonText } from '../io/terminal.js';
import { TARGETS } from '../../targets/index.js';
import type { Input } from '../cli.js';
import type { OutputFile } from '../target.js';
import type { Io } from './io.js';
import { ownedPaths } from './outputs.js';

export interface Check {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  message: string;
  hint?: string;
}

function run(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: env ?? process.env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' };
}

/** A requirement line's package name, normalised as pip compares them (PEP 503). */
function packageName(line: string): string | null {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*/, ''));
  return m && !line.trim().startsWith('-') ? m[1]!.toLowerCase().replace(/[-_.]+/g, '-') : null;
}

function requirementsCheck(dir: string, files: readonly OutputFile[]): Check {
  const name = 'requirements';
  const deploy = files.find((f) => /(^|\/)requirements-deploy\.txt$/.test(f.path) && !f.environment);
  if (!deploy) return { name, status: 'skip', message: 'no deploy requirements file is generated' };
  const folder = posix.dirname(deploy.path);
  const base = posix.basename(deploy.path);
  const candidates = ['requirements.txt', 'pyproject.toml', 'Pipfile'].map((n) => posix.join(folder, n));
  const found = candidates.find((p) => existsSync(join(dir, p)));
  const wanted = deploy.contents
    .split('\n')
    .map(packageName)
    .filter((n): n is string => !!n);
  if (!found)
    return {
      name,
      status: 'fail',
      message: `no requirements.txt, pyproject.toml or Pipfile beside ${deploy.path}`,
      hint: `Create ${posix.join(folder, 'requirements.txt')} with the line \`-r ${base}\`.`,
    };
  const text = readFileSync(join(dir, found), 'utf8');
  if (found.endsWith('requirements.txt') && new RegExp(`^\\s*(-r|--requirement)[=\\s]+(\\./)?${base.replace(/[.]/g, '\\.')}\\s*$`, 'm').test(text)) {
    return { name, status: 'ok', message: `${found} includes ${base}` };
  }
  const have = new Set(
    found.endsWith('.txt')
      ? text.split('\n').map(packageName).filter(Boolean)
      : [...text.toLowerCase().matchAll(/["']?([a-z0-9][a-z0-9._-]*)\s*(?=[<>=!~;[\]"'\s,]|$)/gm)].map((m) => m[1]!.replace(/[-_.]+/g, '-')),
  );
  const missing = wanted.filter((w) => !have.has(w));
  if (!missing.length) return { name, status: 'ok', message: `${found} lists every package of ${deploy.path}` };
  return {
    name,
    status: 'fail',
    message: `${found} does not install ${missing.join(', ')} from ${deploy.path}`,
    hint: found.endsWith('requirements.txt') ? `Add the line \`-r ${base}\` to ${found}.` : `Add ${missing.join(', ')} to the dependencies in ${found}.`,
  };
}

function gitRoot(dir: string): string | null {
  const r = run('git', ['rev-parse', '--show-toplevel'], dir);
  return r.status === 0 ? r.stdout.trim() : null;
}

function envIgnoredCheck(dir: string, inGit: boolean): Check {
  const name = 'dotenv-ignored';
  if (!inGit) return { name, status: 'skip', message: 'not in a git repository' };
  const r = run('git', ['check-ignore', '-q', '--no-index', '.env'], dir);
  if (r.status === 0) return { name, status: 'ok', message: '.env is ignored by git' };
  return { name, status: 'fail', message: '.env is not ignored by git: a secret written there could be committed', hint: 'Add the line `.env` to .gitignore.' };
}

async function generatedCheck(dir: string, all: readonly OutputFile[], inGit: boolean): Promise<Check[]> {
  const [{ planBuild, upToDate }, { parseManifest, MANIFEST_PATH }] = await Promise.all([import('../io/plan.js'), import('../io/manifest.js')]);
  // The targets the project builds are the ones its manifest records (all of them before the first build).
  let recorded: string[] = [];
  try {
    recorded = [...new Set(parseManifest(readFileSync(join(dir, MANIFEST_PATH), 'utf8'), ownedPaths()).files.map((f) => f.target))];
  } catch {
    /* no manifest yet */
  }
  const targets = recorded.length ? recorded : TARGETS.map((t) => t.name);
  const files = all.filter((f) => targets.includes(f.target));
  const plan = planBuild(dir, files, { targets, owned: ownedPaths() });
  const out: Check[] = [];
  const stale = plan.items.filter((i) => i.action !== 'unchanged').map((i) => i.path);
  out.push(
    upToDate(plan)
      ? { name: 'generated-up-to-date', status: 'ok', message: `${files.length} generated files match deploy.yaml` }
      : {
          name: 'generated-up-to-date',
          status: 'fail',
          message: `generated files differ from deploy.yaml: ${stale.join(', ') || '.deployspec/manifest.json'}`,
          hint: 'Run `deployspec build` and commit the result.',
        },
  );
  if (!inGit) {
    out.push({ name: 'generated-committed', status: 'skip', message: 'not in a git repository' });
    return out;
  }
  const paths = [...files.map((f) => f.path), '.deployspec/manifest.json'].filter((p) => existsSync(join(dir, p)));
  const r = run('git', ['status', '--porcelain', '--untracked-files=all', '--', ...paths], dir);
  const dirty = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  out.push(
    dirty.length
      ? {
          name: 'generated-committed',
          status: 'fail',
          message: `not committed: ${dirty.join(', ')}`,
          hint: 'Commit the generated files with deploy.yaml: the platforms deploy what is in the repository.',
        }
      : { name: 'generated-committed', status: 'ok', message: 'the generated files are committed' },
  );
  return out;
}

function settingsCheck(dir: string, root: string, files: readonly OutputFile[]): Check {
  const name = 'settings-import';
  // The generated settings module: the Python module the build writes under the Django folder.
  const prefix = root === '.' ? '' : `${posix.normalize(root)}/`;
  const generated = files.find((f) => !f.environment && f.path.endsWith('.py') && f.path.startsWith(prefix));
  if (!generated) return { name, status: 'skip', message: 'no settings module is generated' };
  const settingsModule = generated.path.slice(prefix.length, -3).split('/').join('.');
  if (!existsSync(join(dir, generated.path))) return { name, status: 'skip', message: `${generated.path} is not written yet (run \`deployspec build\`)` };
  const cwd = join(dir, root);
  const venv = [
    process.env.VIRTUAL_ENV && join(process.env.VIRTUAL_ENV, 'bin/python'),
    join(cwd, '.venv/bin/python'),
    join(cwd, 'venv/bin/python'),
    join(dir, '.venv/bin/python'),
  ].find((p): p is string => !!p && existsSync(p));
  const python = venv ?? 'python3';
  const env = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: settingsModule,
    SECRET_KEY: process.env.SECRET_KEY ?? 'deployspec-doctor-not-a-secret',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const code = `import importlib, sys\nsys.path.insert(0, '.')\ntry:\n    import django\nexcept ImportError:\n    sys.exit(3)\nimportlib.import_module(${JSON.stringify(settingsModule)})\n`;
  const r = run(python, ['-c', code], cwd, env);
  if (r.missing) return { name, status: 'skip', message: `${python} not found`, hint: "Activate the project's virtualenv and run `deployspec doctor` again." };
  if (r.status === 3)
    return {
      name,
      status: 'skip',
      message: `Django is not installed for ${python}`,
      hint: "Activate the project's virtualenv (or create .venv) and run `deployspec doctor` again.",
    };
  if (r.status === 0) return { name, status: 'ok', message: `${settingsModule} imports (${python})` };
  const last = r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
  return {
    name,
    status: 'fail',
    message: `${settingsModule} does not import: ${last}`,
    hint: `Run \`DJANGO_SETTINGS_MODULE=${settingsModule} python manage.py check --deploy\` in ${root} to see the whole error.`,
  };
}

export async function doctorCommand(io: Io, input: Input, opts: { format?: string; quiet?: boolean }): Promise<number> {
  const { compile } = await import('../compile.js');
  const loaded = await loadTemplates(input.dir, io.cwd);
  const compileTemplate = loaded.overridden.length ? (await import('handlebars')).default.compile : undefined;
  const result = compile(input.display, input.bytes, {
    env: null,
    environments: true,
    specFile: basename(input.path),
    facts: projectFacts(input.dir),
    targets: TARGETS,
    registry: TARGETS,
    templates: loaded.templates,
    compileTemplate,
  });
  const checks: Check[] = [];
  if (hasErrors(result.diagnostics) || !result.model) {
    if (opts.format === 'json')
      io.out(
        jsonText({ command: 'doctor', ok: false, file: input.display, checks: [{ name: 'spec', status: 'fail', message: summary(result.diagnostics) }] }) +
          '\n',
      );
    else
      io.err(
        formatText(
          result.diagnostics.filter((d) => d.severity === 'error'),
          new Map([[input.display, result.loaded.text]]),
          io.colors,
        ) +
          '\n' +
          `${io.colors.red('fail')} spec: ${summary(result.diagnostics)}\n`,
      );
    return 1;
  }
  const dir = input.dir;
  const inGit = gitRoot(dir) !== null;
  checks.push({ name: 'spec', status: 'ok', message: `${input.display} is valid` });
  checks.push(requirementsCheck(dir, result.files));
  checks.push(envIgnoredCheck(dir, inGit));
  checks.push(...(await generatedCheck(dir, result.files, inGit)));
  checks.push(settingsCheck(dir, result.model.django?.root ?? '.', result.files));
  const failed = checks.some((c) => c.status === 'fail');
  if (opts.format === 'json') {
    io.out(jsonText({ command: 'doctor', ok: !failed, file: input.display, checks }) + '\n');
    return failed ? 1 : 0;
  }
  const c = io.outColors ?? io.colors;
  for (const k of checks) {
    if (opts.quiet && k.status !== 'fail') continue;
    const mark = k.status === 'ok' ? 'ok  ' : k.status === 'fail' ? c.red('fail') : c.yellow('skip');
    io.out(`${mark} ${k.name}: ${escapeLine(k.message)}\n`);
    if (k.hint && k.status !== 'ok') io.out(`     ${c.cyan('hint')}: ${escapeLine(k.hint)}\n`);
  }
  if (!opts.quiet) io.err(failed ? io.colors.red(`${checks.filter((k) => k.status === 'fail').length} check(s) failed`) + '\n' : 'every check passed\n');
  return failed ? 1 : 0;
}
