/**
 * The Dockerfile's dependency install for Poetry (package and non-package mode) and Pipenv projects, run for real:
 * for each fixture under test/fixtures/python-managers/, the project's own manager locks it (`poetry lock`,
 * `pipenv lock`), `deployspec build` writes the Dockerfile and requirements-deploy.txt, and the deps stage of that
 * Dockerfile, read with dockerfile-ast, is replayed instruction by instruction inside a Debian trixie root
 * (scripts/deps/60-python-managers.sh: Python 3.13, Debian's Poetry 2.1 and Pipenv): its ENV lines set the
 * environment, WORKDIR the folder, COPY copies exactly the files it names (globs included) from the build context
 * into a fresh /app, and every RUN line runs with /bin/sh -c as written. One part is replaced: the bootstrap that
 * installs the pinned manager from PyPI (`pip install --no-cache-dir poetry==V` / `pipenv==V`), which cannot be
 * reached here, becomes Debian's poetry (linked where the bootstrap would have put it) or pipenv (on PATH). Then:
 *  - every package the lock installs for production is in /opt/venv at exactly the locked version;
 *  - no package only the dev group needs is there, nor the project itself (no distribution, no .pth pointing at /app:
 *    the package-mode fixture's README and package are not even in the stage);
 *  - every line of the generated requirements-deploy.txt is satisfied;
 *  - a requirements-deploy.txt asking for a newer gunicorn than the lock pins fails the install, and gunicorn keeps
 *    its locked version, while pip alone, without the lock, would have moved it (so the test can fail).
 *
 * The package index: a PEP 503 simple index served by this test on 127.0.0.1 from the container wheelhouse
 * (scripts/deps/30-containers.sh: Debian's packages repacked as wheels, with Django 4.2), plus two metadata-only
 * stand-in wheels built here: `tzdata`, because Django 4.2 requires it on Windows (`sys_platform == "win32"`),
 * Poetry locks for every platform and Debian packages no tzdata wheel (nothing installs it on Linux, which the test
 * checks), and `gunicorn 24.0.0`, a release newer than every lock here allows, for the conflict. The fixtures name
 * PyPI as any project does; the test points them at the index: a primary `[[tool.poetry.source]]` appended to
 * pyproject.toml (Poetry then leaves PyPI out), the Pipfile's source URL replaced; pip in the image reads
 * PIP_INDEX_URL, as a pip.conf would set it. The locks are made here, at test time, against that index.
 *
 * Skips loudly outside CI when root, the trixie root or the wheelhouse is missing; fails under CI=true.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { containerSetup } from './helpers/container.js';
import { ROOT, shellQuote } from './helpers/django-matrix.js';
import { skipOrFail } from './helpers/e2e.js';
import { run } from './helpers/processes.js';
import type { RunResult } from './helpers/processes.js';

const SCRIPT = join(ROOT, 'scripts/deps/60-python-managers.sh');
const FIXTURES = join(ROOT, 'test/fixtures/python-managers');
const CLI = join(ROOT, 'bin/deployspec.js');
/** A gunicorn the index offers but no lock here allows: what the conflicting requirements-deploy.txt asks for. */
const NEWER_GUNICORN = '24.0.0';

/** The root of the current 60-python-managers.sh (the key is its sha256, as the script computes it). */
function managersRoot(): { root: string } | { missing: string } {
  const key = createHash('sha256').update(readFileSync(SCRIPT)).digest('hex').slice(0, 16);
  const dir = join(process.env.DEPLOYSPEC_TEST_CACHE ?? '/opt/deployspec-test', `python-managers-${key}`);
  return existsSync(join(dir, 'ok')) ? { root: join(dir, 'root') } : { missing: `no Poetry/Pipenv root in ${dir} (built by scripts/deps/60-python-managers.sh)` };
}

/**
 * enter ROOT CWD COMMAND SOURCE:MOUNTPOINT...: runs COMMAND with /bin/sh -c (as a Dockerfile RUN line runs) inside
 * ROOT, from CWD, with each SOURCE folder mounted read-write at its MOUNTPOINT; the root itself read-only, with its
 * own /proc, /tmp and /dev/shm, in private mount and PID namespaces, and the machine's network (the index on
 * 127.0.0.1). The environment passes through unchanged.
 */
const ENTER = `#!/bin/sh
set -eu
if [ "\${1:-}" != --inside ]; then
  exec /usr/bin/unshare --mount --propagation private --pid --fork --kill-child -- /bin/sh "$0" --inside "$@"
fi
shift
root=$1 cwd=$2 cmd=$3
shift 3
/bin/mount --bind "$root" "$root"
/bin/mount -o remount,bind,ro "$root"
/bin/mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
/bin/mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"
/bin/mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
for bind in "$@"; do /bin/mount --bind "\${bind%%:*}" "$root\${bind#*:}"; done
cd /
exec /usr/sbin/chroot "$root" /bin/sh -c 'cd "$1" && exec /bin/sh -c "$2"' sh "$cwd" "$cmd"
`;

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const rootState = managersRoot();
const wheels = containerSetup();
const missing = [
  process.getuid?.() === 0 ? '' : 'root (the test enters a Debian root filesystem with chroot in private namespaces)',
  'missing' in rootState ? rootState.missing : '',
  'missing' in wheels ? `the wheelhouse: ${wheels.missing} (scripts/deps/30-containers.sh)` : '',
].filter(Boolean);

let work = '';
let enter = '';
let index: { server: Server; url: string; requests: string[] } | null = null;
let root = '';

/** Runs `command` inside the root from `cwd` with `binds` ([folder, mountpoint]) and exactly `env`. */
function inRoot(command: string, cwd: string, binds: [string, string][], env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<RunResult> {
  const line = ['exec', enter, root, cwd, command, ...binds.map(([src, at]) => `${src}:${at}`)].map((a, i) => (i === 0 ? a : shellQuote(a))).join(' ');
  return run(line, { cwd: work, env, timeoutMs });
}

async function mustRun(label: string, command: string, cwd: string, binds: [string, string][], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await inRoot(command, cwd, binds, env);
  assert.is(r.code, 0, `${label}: \`${command}\` exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH, HOME: '/tmp', LANG: 'C.UTF-8' });

/** PEP 503 normalized project name. */
const normalize = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

/** Serves every wheel in `files` as a PEP 503 simple index on 127.0.0.1 (links carry #sha256=); logs each request. */
async function serveIndex(files: string): Promise<{ server: Server; url: string; requests: string[] }> {
  const byProject = new Map<string, { file: string; sha256: string }[]>();
  for (const file of readdirSync(files).filter((f) => f.endsWith('.whl')).sort()) {
    const project = normalize(file.split('-')[0]!);
    const sha256 = createHash('sha256').update(readFileSync(join(files, file))).digest('hex');
    byProject.set(project, [...(byProject.get(project) ?? []), { file, sha256 }]);
  }
  const page = (title: string, links: string[]) =>
    `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0"><title>${title}</title></head><body>\n${links.join('<br>\n')}\n</body></html>\n`;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    let m: RegExpExecArray | null;
    if (path === '/simple/' || path === '/simple') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('Simple index', [...byProject.keys()].map((p) => `<a href="/simple/${p}/">${p}</a>`)));
    } else if ((m = /^\/simple\/([^/]+)\/?$/.exec(path)) && byProject.has(normalize(m[1]!))) {
      const list = byProject.get(normalize(m[1]!))!;
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(`Links for ${m[1]}`, list.map((w) => `<a href="/files/${w.file}#sha256=${w.sha256}">${w.file}</a>`)));
    } else if ((m = /^\/files\/([^/]+\.whl)$/.exec(path)) && existsSync(join(files, m[1]!))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(join(files, m[1]!)));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`, requests };
}

/** Builds metadata-only wheels (no code: nothing to import) with the root's Python. */
const STAND_INS = `
import base64, hashlib, sys, zipfile
def wheel(out, name, version, summary):
    info = f"{name}-{version}.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\nSummary: {summary}\\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: deployspec-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = []
    with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w") as zf:
        for arc, text in files.items():
            data = text.encode()
            zf.writestr(zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{arc},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)), "\\n".join(record) + "\\n")
wheel(sys.argv[1], "tzdata", "2025.2", "metadata-only stand-in: Django requires tzdata on Windows only")
wheel(sys.argv[1], "gunicorn", sys.argv[2], "metadata-only stand-in: a gunicorn newer than the locks allow")
`;

/**
 * What the lock says and what /opt/venv holds, read in the root with Python's tomllib/json and the `packaging`
 * library Poetry depends on (markers evaluated for the root's Python on Linux, as the install evaluates them).
 * argv: poetry|pipenv LOCK REQUIREMENTS-FILE.
 */
const INSPECT = `
import glob, importlib.metadata as md, json, os, sys, tomllib
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name as canon
kind, lock, extra = sys.argv[1:4]
production, other = {}, {}
def applies(marker):
    return not marker or Marker(marker).evaluate()
if kind == "poetry":
    for p in tomllib.load(open(lock, "rb"))["package"]:
        markers = p.get("markers")
        marker = markers.get("main") if isinstance(markers, dict) else markers
        target = production if "main" in p.get("groups", ["main"]) and applies(marker) else other
        target[canon(p["name"])] = p["version"]
else:
    data = json.load(open(lock))
    for section, target in (("default", production), ("develop", other)):
        for name, p in data[section].items():
            if applies(p.get("markers")):
                target[canon(name)] = p["version"].removeprefix("==")
site = glob.glob("/opt/venv/lib/python3*/site-packages")
installed = {canon(d.metadata["Name"]): d.version for d in md.distributions(path=site)}
pth = {os.path.basename(f): open(f).read() for s in site for f in glob.glob(s + "/*.pth")}
extras = []
if os.path.exists(extra):
    for line in open(extra):
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            have = installed.get(canon(req.name))
            extras.append({"line": line, "installed": have, "ok": have is not None and req.specifier.contains(have, prereleases=True)})
print(json.dumps({"production": production, "other": other, "installed": installed, "pth": pth, "extras": extras}))
`;

interface Inspection {
  production: Record<string, string>;
  other: Record<string, string>;
  installed: Record<string, string>;
  pth: Record<string, string>;
  extras: { line: string; installed: string | null; ok: boolean }[];
}

/** The deps stage of a Dockerfile, read with dockerfile-ast: its instructions in order. */
type Step = { kind: 'ENV'; vars: [string, string][] } | { kind: 'WORKDIR'; dir: string } | { kind: 'COPY'; sources: string[]; dest: string } | { kind: 'RUN'; command: string };
function depsStage(text: string): Step[] {
  const out: Step[] = [];
  let inDeps = false;
  for (const inst of DockerfileParser.parse(text).getInstructions()) {
    const kw = inst.getKeyword();
    if (kw === 'FROM') {
      inDeps = / AS deps$/i.test(inst.getArgumentsContent() ?? '');
      continue;
    }
    if (!inDeps) continue;
    if (kw === 'ENV') {
      const env = inst as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] };
      out.push({ kind: 'ENV', vars: env.getProperties().map((p) => [p.getName(), p.getValue() ?? '']) });
    } else if (kw === 'WORKDIR') out.push({ kind: 'WORKDIR', dir: inst.getArgumentsContent() ?? '' });
    else if (kw === 'COPY') {
      const args = inst.getArguments().map((a) => a.getValue());
      assert.ok(args.every((a) => !a.startsWith('--')), `a plain COPY in the deps stage: ${inst.getTextContent()}`);
      out.push({ kind: 'COPY', sources: args.slice(0, -1), dest: args.at(-1)! });
    } else if (kw === 'RUN') out.push({ kind: 'RUN', command: inst.getArgumentsContent() ?? '' });
    else assert.unreachable(`an instruction the replay does not know in the deps stage: ${inst.getTextContent()}`);
  }
  return out;
}

/**
 * The files a COPY source names in the build context: a literal path, or a last segment with `[x]` classes (the
 * generated Dockerfile's way to copy a file that may be missing), matched as Go's filepath.Match does.
 */
function copySources(context: string, source: string): string[] {
  const slash = source.lastIndexOf('/');
  const dir = slash < 0 ? '' : source.slice(0, slash + 1);
  const base = source.slice(slash + 1);
  if (!base.includes('[')) return existsSync(join(context, source)) ? [source] : [];
  const re = new RegExp(`^${base.replace(/[.+^${}()|\\-]/g, '\\$&')}$`);
  return readdirSync(join(context, dir || '.')).filter((f) => re.test(f)).map((f) => dir + f);
}

/** `$VAR` and `${VAR}` in an ENV value, from the variables set so far (as the builder expands them). */
const expand = (value: string, env: NodeJS.ProcessEnv) => value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, a, b) => env[a ?? b] ?? '');

/** The one part of a RUN line replaced: the pinned manager's install from PyPI becomes Debian's. */
function withDebianManager(command: string): { command: string; bootstrap: string | null } {
  const m = /(\S*\/)?pip install --no-cache-dir (poetry|pipenv)==[0-9][0-9A-Za-z.]*/.exec(command);
  if (!m) return { command, bootstrap: null };
  // Each manager lives in a virtualenv of its own (/opt/poetry, /opt/pipenv), never in the app's /opt/venv.
  assert.ok(m[1] && m[1] !== '/opt/venv/bin/', `the manager is installed outside the app's virtualenv: ${m[0]}`);
  const replacement = `ln -s /usr/bin/${m[2]} ${m[1]}${m[2]}`;
  return { command: command.replace(m[0], replacement), bootstrap: m[0] };
}

interface Replay {
  /** The build context copy the stage saw (/app) and the folder holding /opt (the virtualenvs). */
  app: string;
  opt: string;
  /** HOME (/root) of the stage's commands, writable as in a build. */
  home: string;
  env: NodeJS.ProcessEnv;
  results: { command: string; result: RunResult }[];
  bootstraps: string[];
}

/**
 * Replays the deps stage of `dockerfile` with `context` as the build context; `replace` swaps a copied file's
 * contents. Stops at the first RUN that fails (as a build does).
 */
async function replay(label: string, dockerfile: string, context: string, replace: Record<string, string> = {}): Promise<Replay> {
  const base = mkdtempSync(join(work, `${label}-`));
  const app = join(base, 'app');
  const opt = join(base, 'opt');
  const home = join(base, 'root');
  for (const d of [app, opt, home]) mkdirSync(d);
  // The base image's environment (HOME is /root, mounted writable); the Dockerfile's ENV lines add to it. pip finds
  // the index through PIP_INDEX_URL.
  const env: NodeJS.ProcessEnv = { ...baseEnv(), HOME: '/root', PIP_INDEX_URL: index!.url };
  let cwd = '/';
  const out: Replay = { app, opt, home, env, results: [], bootstraps: [] };
  // The checks read the app's virtualenv at /opt/venv: the stage must make it there and put it first on PATH.
  assert.match(dockerfile, /\nRUN (.* && )?python -m venv \/opt\/venv\n/, `${label}: the deps stage makes /opt/venv`);
  assert.match(dockerfile, '\nENV PATH="/opt/venv/bin:$PATH"\n', `${label}: /opt/venv/bin is first on PATH`);
  for (const step of depsStage(dockerfile)) {
    if (step.kind === 'ENV') for (const [k, v] of step.vars) env[k] = expand(v, env);
    else if (step.kind === 'WORKDIR') {
      cwd = step.dir;
      assert.is(cwd, '/app', `${label}: the replay mounts the stage's folder at /app`);
    } else if (step.kind === 'COPY') {
      assert.is(step.dest, './', `${label}: COPY into the WORKDIR`);
      for (const source of step.sources) {
        // Docker's COPY sources are Go filepath.Match patterns; the generated ones use [x] classes only.
        assert.ok(/^[A-Za-z0-9_./[\]-]+$/.test(source), `${label}: a COPY source the replay can match: ${source}`);
        const matches = copySources(context, source);
        if (!/\[/.test(source)) assert.equal(matches, [source], `${label}: COPY ${source} exists in the build context`);
        for (const m of matches) {
          const name = m.slice(m.lastIndexOf('/') + 1);
          copyFileSync(join(context, m), join(app, name));
          if (replace[name] !== undefined) writeFileSync(join(app, name), replace[name]!);
        }
      }
    } else {
      const { command, bootstrap } = withDebianManager(step.command);
      if (bootstrap) out.bootstraps.push(bootstrap);
      const result = await inRoot(command, cwd, [[app, '/app'], [opt, '/opt'], [home, '/root']], env);
      out.results.push({ command, result });
      if (result.code !== 0) break;
    }
  }
  return out;
}

async function inspect(r: Replay, kind: 'poetry' | 'pipenv', lock: string): Promise<Inspection> {
  const out = await mustRun(`inspect ${kind}`, `python3 -c ${shellQuote(INSPECT)} ${kind} ${lock} requirements-deploy.txt`, '/app', [[r.app, '/app'], [r.opt, '/opt']], baseEnv());
  return JSON.parse(out) as Inspection;
}

/** Copies a fixture into the work folder and points it at the test index. */
function fixture(name: string, kind: 'poetry' | 'pipenv'): string {
  const dir = join(work, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  if (kind === 'poetry') {
    const file = join(dir, 'pyproject.toml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n[[tool.poetry.source]]\nname = "test-index"\nurl = "${index!.url}"\npriority = "primary"\n`);
  } else {
    const file = join(dir, 'Pipfile');
    const text = readFileSync(file, 'utf8');
    assert.match(text, 'url = "https://pypi.org/simple"');
    writeFileSync(file, text.replace('url = "https://pypi.org/simple"', `url = "${index!.url.replace(/\/$/, '')}"`).replace('verify_ssl = true', 'verify_ssl = false'));
  }
  return dir;
}

/** `deployspec build` of the docker and django targets; returns the Dockerfile. */
async function build(dir: string): Promise<string> {
  const r = await run([process.execPath, CLI, 'build', dir, '--target', 'docker,django'].map(shellQuote).join(' '), { cwd: work, env: { PATH: process.env.PATH, HOME: work }, timeoutMs: 60_000 });
  assert.is(r.code, 0, `deployspec build ${dir}:\n${r.stdout}\n${r.stderr}`);
  return readFileSync(join(dir, 'Dockerfile'), 'utf8');
}

function assertInstalledAsLocked(label: string, s: Inspection, devOnly: string[]): void {
  assert.ok(Object.keys(s.production).length >= 4, `${label}: the lock installs packages (${JSON.stringify(s.production)})`);
  for (const [name, version] of Object.entries(s.production)) {
    assert.is(s.installed[name], version, `${label}: ${name} ${version} from the lock is in /opt/venv (found ${s.installed[name] ?? 'nothing'})`);
  }
  for (const name of devOnly) {
    assert.ok(name in s.other && !(name in s.production), `${label}: ${name} is locked for development only`);
    assert.not.ok(name in s.installed, `${label}: ${name} (dev only) is not installed`);
  }
  assert.not.ok('mysite' in s.installed, `${label}: the project itself is not installed`);
  for (const [file, text] of Object.entries(s.pth)) assert.not.match(text, '/app', `${label}: ${file} puts no project folder on the path`);
  assert.ok(s.extras.length >= 2, `${label}: requirements-deploy.txt lists the settings' packages (${JSON.stringify(s.extras)})`);
  for (const e of s.extras) assert.ok(e.ok, `${label}: ${e.line} from requirements-deploy.txt is satisfied (installed: ${e.installed})`);
}

/**
 * The conflict: requirements-deploy.txt asks for a gunicorn the lock does not allow. The install fails, gunicorn
 * keeps its locked version, and pip without the lock would have installed the newer one.
 */
async function assertConflictFails(label: string, dockerfile: string, context: string, kind: 'poetry' | 'pipenv', lock: string, lockedGunicorn: string): Promise<void> {
  const r = await replay(`${label}-conflict`, dockerfile, context, { 'requirements-deploy.txt': `gunicorn>=${NEWER_GUNICORN}\n` });
  const last = r.results.at(-1)!;
  assert.ok(last.result.code !== 0, `${label}: a requirements-deploy.txt conflicting with the lock fails the install:\n${last.result.stdout}\n${last.result.stderr}`);
  assert.match(last.result.stdout + last.result.stderr, /ResolutionImpossible|conflict/i, `${label}: pip reports the conflict`);
  assert.match(last.command, 'requirements-deploy.txt', `${label}: the failing RUN is the one installing the settings' requirements`);
  const s = await inspect(r, kind, lock);
  assert.ok(s.installed.gunicorn === undefined || s.installed.gunicorn === lockedGunicorn, `${label}: gunicorn is not moved off the locked ${lockedGunicorn} (found ${s.installed.gunicorn})`);
  const dry = await mustRun(`${label} pip without the lock`, 'pip install --dry-run --no-cache-dir -r requirements-deploy.txt', '/app', [[r.app, '/app'], [r.opt, '/opt'], [r.home, '/root']], r.env);
  assert.match(dry, `gunicorn-${NEWER_GUNICORN}`, `${label}: without the lock pip would install gunicorn ${NEWER_GUNICORN}:\n${dry}`);
}

if (missing.length) {
  skipOrFail(test, 'Poetry and Pipenv installs of the generated Dockerfile', `missing: ${missing.join('; ')}`);
} else {
  root = (rootState as { root: string }).root;

  test.before(async () => {
    work = mkdtempSync(join(tmpdir(), 'deployspec-managers-'));
    chmodSync(work, 0o755);
    enter = join(work, 'enter.sh');
    writeFileSync(enter, ENTER, { mode: 0o755 });
    const files = join(work, 'index');
    mkdirSync(files);
    const house = join((wheels as { dir: string }).dir, 'wheelhouse');
    for (const f of readdirSync(house).filter((f) => f.endsWith('.whl'))) copyFileSync(join(house, f), join(files, f));
    await mustRun('stand-in wheels', `python3 -c ${shellQuote(STAND_INS)} /opt ${NEWER_GUNICORN}`, '/', [[files, '/opt']], baseEnv());
    index = await serveIndex(files);
  });

  test.after(async () => {
    if (index) await new Promise<void>((resolve) => index!.server.close(() => resolve()));
    index = null;
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const lockEnv = () => ({ ...baseEnv(), PIP_INDEX_URL: index!.url });

  for (const [name, mode] of [['poetry-package', 'package mode'], ['poetry-app', 'non-package mode']] as const) {
    test(`Poetry (${mode}): the Dockerfile installs the lock without dev dependencies or the project, then the settings' requirements`, async () => {
      const dir = fixture(name, 'poetry');
      await mustRun(`${name}: poetry lock`, 'poetry lock --no-interaction --no-ansi', '/app', [[dir, '/app']], lockEnv());
      const lock = readFileSync(join(dir, 'poetry.lock'), 'utf8');
      assert.match(lock, 'name = "tzdata"', `${name}: Poetry locks Django's Windows-only tzdata too (the stand-in)`);
      assert.match(lock, index!.url.replace(/\/$/, ''), `${name}: locked from the test index`);
      const dockerfile = await build(dir);
      const r = await replay(name, dockerfile, dir);
      for (const { command, result } of r.results) assert.is(result.code, 0, `${name}: \`${command}\` exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
      assert.equal(r.bootstraps.length, 1, `${name}: one bootstrap of Poetry replaced (${r.bootstraps.join(', ')})`);
      assert.match(r.results.at(-1)!.command, 'poetry install', `${name}: the last RUN is Poetry's install`);
      assert.not.ok(existsSync(join(r.app, 'README.md')) || existsSync(join(r.app, 'mysite')), `${name}: the stage sees no project sources`);
      const s = await inspect(r, 'poetry', 'poetry.lock');
      assertInstalledAsLocked(name, s, name === 'poetry-package' ? ['pytz', 'six'] : ['pytz']);
      assert.ok('tzdata' in s.other && !('tzdata' in s.installed), `${name}: Windows-only tzdata is locked but not installed`);
      assert.is(s.installed.django?.split('.').slice(0, 2).join('.'), '4.2');
      if (name === 'poetry-app') {
        assert.ok('sentry-sdk' in s.production && s.extras.some((e) => e.line.startsWith('sentry-sdk')), 'a settings package the lock also pins');
        assert.ok(!('whitenoise' in s.production) && s.extras.some((e) => e.line.startsWith('whitenoise')), 'a settings package the lock lacks');
        await assertConflictFails(name, dockerfile, dir, 'poetry', 'poetry.lock', s.production.gunicorn!);
      }
    });
  }

  test("Pipenv: the Dockerfile installs Pipfile.lock's default packages and the settings' requirements in one pip run", async () => {
    const name = 'pipenv';
    const dir = fixture(name, 'pipenv');
    await mustRun(`${name}: pipenv lock`, 'pipenv lock', '/app', [[dir, '/app']], { ...lockEnv(), PIPENV_NOSPIN: '1', PIPENV_YES: '1' });
    const dockerfile = await build(dir);
    const r = await replay(name, dockerfile, dir);
    for (const { command, result } of r.results) assert.is(result.code, 0, `${name}: \`${command}\` exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    assert.equal(r.bootstraps.length, 1, `${name}: one bootstrap of Pipenv replaced (${r.bootstraps.join(', ')})`);
    assert.match(r.results.at(-1)!.command, 'pipenv requirements', `${name}: the last RUN exports the lock`);
    const s = await inspect(r, 'pipenv', 'Pipfile.lock');
    assertInstalledAsLocked(name, s, ['pytz']);
    assert.is(s.installed.django?.split('.').slice(0, 2).join('.'), '4.2');
    await assertConflictFails(name, dockerfile, dir, 'pipenv', 'Pipfile.lock', s.production.gunicorn!);
  });
}

test.run();
