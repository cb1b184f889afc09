/**
 * Class 8 (ordinary I/O conditions), class 9 (hangs and runaway memory), class 13 (terminal escapes) and class 14
 * (init and large files): real files, FIFOs made with mkfifo, /dev/zero, ulimit, the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze } from '../src/analyze.js';
import { applyChanges, realFs } from '../src/io/write.js';
import type { FsOps } from '../src/io/write.js';
import { escapeControls } from '../src/io/terminal.js';
import { MINIMAL, ROOT, runCli } from './helpers/spec.js';

const test = suite('security: io');
const CLI = ROOT + 'bin/deployspec.js';
const STACK = /internal error|\n\s+at |node:internal/;

function project(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-secio-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
function tree(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, { [p + '/']: '' }, tree(dir, p));
    else out[p] = e.isFile() ? readFileSync(join(dir, p), 'latin1') : 'special';
  }
  return out;
}
function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  assert.is(r.status, 0, 'mkfifo');
}
/** One line naming the file and the cause; no stack trace. */
function oneLine(stderr: string, re: RegExp): void {
  assert.not.match(stderr, STACK);
  // Diagnostics of the spec (notes) may come first; the failure itself is one `deployspec:` line.
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('deployspec:'));
  assert.is(lines.length, 1, stderr);
  assert.match(lines[0]!, re);
}

// --- class 8 -----------------------------------------------------------------------------------------------------

test('deploy.yaml that is a folder: one line, exit 1', () => {
  const dir = project();
  mkdirSync(join(dir, 'deploy.yaml'));
  const r = runCli(['validate'], { cwd: dir });
  assert.is(r.status, 1);
  oneLine(r.stderr, /^deployspec: cannot read deploy\.yaml: it is a folder/);
});

test('--out naming a file: usage error, exit 2, nothing written', () => {
  const dir = project({ 'deploy.yaml': MINIMAL, out: 'x' });
  const before = tree(dir);
  const r = runCli(['build', '--out', 'out'], { cwd: dir });
  assert.is(r.status, 2);
  oneLine(r.stderr, /cannot write to out: it is a file, not a folder/);
  assert.equal(tree(dir), before);
});

test('a huge deploy.yaml is refused before it is read: one line, exit 1', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + '#'.repeat(3 * 1024 * 1024) + '\n' });
  const r = runCli(['validate'], { cwd: dir });
  assert.is(r.status, 1);
  oneLine(r.stderr, /cannot read deploy\.yaml: it is 3\.0 MiB, larger than the 1\.0 MiB/);
});

test('schema --out into a missing folder: one line, exit 1, nothing created', () => {
  const dir = project();
  const r = runCli(['schema', '--out', 'missing/schema.json'], { cwd: dir });
  assert.is(r.status, 1);
  oneLine(r.stderr, /cannot write missing\/schema\.json: no such file or folder \(ENOENT\)/);
  assert.equal(readdirSync(dir), []);
  assert.is(runCli(['schema', '--out', 'schema.json'], { cwd: dir }).status, 0);
  assert.equal(readdirSync(dir), ['schema.json']);
});

test('an output path inside .deployspec/ is a positioned error, nothing written', () => {
  const dir = project({ 'deploy.yaml': MINIMAL + 'targets:\n  django:\n    path: .deployspec/templates/x.py\n' });
  const before = tree(dir);
  const r = runCli(['build'], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /deploy\.yaml:7:11: error: .*inside \.deployspec\/.* \[output\/reserved\]/);
  assert.not.match(r.stderr, STACK);
  assert.equal(tree(dir), before);
});

test('EFBIG (ulimit -f): one line naming the file, exit 1, the folder as it was', () => {
  const dir = project({ 'deploy.yaml': MINIMAL });
  const before = tree(dir);
  const r = spawnSync('bash', ['-c', `ulimit -f 4; exec "${process.execPath}" "${CLI}" build`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DEPLOYSPEC_NO_CACHE: '1' }, timeout: 60_000 });
  assert.is(r.status, 1, r.stderr);
  oneLine(r.stderr, /^deployspec: cannot write \S+: file too large .*\(EFBIG\)$/);
  assert.equal(tree(dir), before);
});

for (const code of ['ENOSPC', 'EACCES', 'EFBIG', 'EIO']) {
  test(`${code} from the file system: one line naming the file and the cause, folder unchanged`, () => {
    const dir = project({ 'a.txt': 'old\n' });
    const before = tree(dir);
    let n = 0;
    const fs: FsOps = { ...realFs, writeFile: (p, d) => (++n === 2 ? (() => { throw Object.assign(new Error(`${code}: simulated`), { code }); })() : realFs.writeFile(p, d)) };
    try {
      applyChanges(dir, { writes: [{ path: 'a.txt', contents: 'new\n' }, { path: 'sub/b.txt', contents: 'b\n' }] }, fs, { journal: '.deployspec/journal.json' });
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, new RegExp(`^cannot write (a\\.txt|sub/b\\.txt|\\.deployspec/journal\\.json): .*\\(${code}\\)$`));
    }
    assert.equal(tree(dir), before);
  });
}

test('EACCES on the output folder (non-root only): one line, exit 1', () => {
  if (process.getuid?.() === 0) return; // root ignores permissions
  const dir = project({ 'deploy.yaml': MINIMAL });
  spawnSync('chmod', ['555', dir]);
  const r = runCli(['build'], { cwd: dir });
  spawnSync('chmod', ['755', dir]);
  assert.is(r.status, 1);
  oneLine(r.stderr, /permission denied \(EACCES\)/);
});

// --- class 9 -----------------------------------------------------------------------------------------------------

function runBounded(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NO_COLOR: '1' } });
  assert.is(r.signal, null, `${args.join(' ')} hung (killed after 20 s)`);
  return r;
}

test('a FIFO as deploy.yaml, as the file to lint and as a template override ends in an error, not a hang', () => {
  const dir = project();
  mkfifo(join(dir, 'deploy.yaml'));
  const v = runBounded(['validate'], dir);
  assert.is(v.status, 1);
  oneLine(v.stderr, /cannot read deploy\.yaml: it is a FIFO/);
  mkfifo(join(dir, 'Dockerfile'));
  const l = runBounded(['lint'], dir);
  assert.is(l.status, 1);
  oneLine(l.stderr, /cannot read Dockerfile: it is a FIFO/);
  const t = project({ 'deploy.yaml': MINIMAL });
  mkdirSync(join(t, '.deployspec/templates/heroku'), { recursive: true });
  mkfifo(join(t, '.deployspec/templates/heroku/Procfile.hbs'));
  const b = runBounded(['build'], t);
  assert.is(b.status, 1);
  assert.match(b.stderr, /template override heroku\/Procfile\.hbs is a FIFO/);
  assert.not.match(b.stderr, STACK);
});

test('deploy.yaml -> /dev/zero is refused at once (no unbounded read)', () => {
  const dir = project();
  symlinkSync('/dev/zero', join(dir, 'deploy.yaml'));
  const r = runBounded(['validate'], dir);
  assert.is(r.status, 1);
  oneLine(r.stderr, /cannot read deploy\.yaml: it is a character device/);
});

test('1,000 environments with a warning each are all reported (their speed is in npm run bench)', () => {
  const spec = (n: number) => {
    const lines = ['version: 1', 'name: big', 'django:', '  project: big', 'env:'];
    for (let j = 0; j < 20; j++) lines.push(`  RATIO_${j}: 3.10`);
    lines.push('environments:');
    for (let i = 0; i < n; i++) lines.push(`  e${i}:`, '    env:', `      LEVEL_${i}: 1.50`);
    return lines.join('\n') + '\n';
  };
  // Every environment's finding is reported once. How long it takes is measured by `npm run bench` (1,000
  // environments), not here: timed assertions fail on a loaded machine.
  for (const n of [50, 1000]) {
    const r = analyze('deploy.yaml', spec(n));
    assert.ok(r.diagnostics.length >= n, `${n} environments: ${r.diagnostics.length} diagnostics`);
  }
});

test('a spec whose environments times processes would take minutes is one error at environments, before any compile', () => {
  const spec = (processes: number, envs: number, overlayProcesses = 0) => {
    const lines = ['version: 1', 'name: big', 'django:', '  project: big', 'processes:', '  web:', '    command: gunicorn big.wsgi'];
    for (let i = 1; i < processes; i++) lines.push(`  w${i}:`, `    command: python worker.py ${i}`);
    if (envs) lines.push('environments:');
    for (let e = 0; e < envs; e++) {
      lines.push(`  e${e}:`, '    env:', `      LEVEL: "${e}"`);
      if (overlayProcesses) lines.push('    processes:', ...Array.from({ length: overlayProcesses }, (_, i) => [`      x${i}:`, `        command: python x.py ${i}`]).flat());
    }
    return lines.join('\n') + '\n';
  };
  const refused = (text: string) => analyze('deploy.yaml', text).diagnostics.filter((d) => d.code === 'spec/too-large');
  // 200 processes in 300 environments took minutes and over 1.5 GB; 201 x 301 = 60,501 compiles.
  const big = spec(200, 300);
  const e = refused(big);
  assert.is(e.length, 1);
  assert.is(e[0]!.line, big.split('\n').indexOf('environments:') + 1);
  assert.match(e[0]!.message, /60,501 process compiles/);
  assert.is(analyze('deploy.yaml', big).model, null);
  // Processes an overlay adds count in its environment: none in the base, 20 added in each of 500 environments.
  assert.is(refused(spec(0, 500, 20)).length, 1);
  // Within the limit: 99 processes in 99 environments, 1,000 environments of 4 processes, 5,000 processes alone.
  for (const text of [spec(99, 99), spec(4, 1000), spec(5000, 0)]) assert.equal(analyze('deploy.yaml', text).diagnostics.filter((d) => d.severity === 'error'), []);
});

// --- class 13 ----------------------------------------------------------------------------------------------------

const ESC = '\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x1b[H\u009b31m\u202e';
const DJANGO = {
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
  'mysite/__init__.py': '',
  'mysite/settings.py': 'SECRET_KEY = "x"\n',
  'mysite/wsgi.py': 'application = None\n',
};

test('init never prints terminal escapes from project files (OSC 52, screen clear, C1, bidi)', () => {
  const dir = project({ ...DJANGO, Procfile: `web: gunicorn mysite.wsgi ${ESC}\nworker: celery -A mysite worker ${ESC}\n${ESC}odd: line\n`, 'requirements.txt': `django\ngunicorn\n# ${ESC}\n` });
  for (const args of [['init', '--stdout'], ['init']]) {
    const r = runCli(args, { cwd: dir });
    const all = r.stdout + r.stderr;
    assert.not.ok(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/.test(all), `${args.join(' ')} printed a control character:\n${JSON.stringify(all)}`);
    assert.not.match(all, STACK);
  }
});

test('build --check prints a hand-edited file with escapes inert', () => {
  const dir = project({ 'deploy.yaml': MINIMAL, Procfile: `web: mine ${ESC}\n` });
  const r = runCli(['build', '--check'], { cwd: dir });
  assert.is(r.status, 1);
  assert.not.ok(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/.test(r.stdout + r.stderr), JSON.stringify(r.stdout));
  assert.match(r.stdout, /\\x1b\]52;c;/);
  assert.is(escapeControls('a\x1bb\nc\u202e'), 'a\\x1bb\nc\\u202e');
});

test('--format json, sarif, config and one-line errors print C1 controls and bidi overrides as escapes', () => {
  // JSON.stringify escapes C0 controls only: U+009B (CSI), U+009D (OSC) and U+202E reach the terminal raw.
  const odd = '\u009b2J\u202e\u009d52;c;aGk=\u0007';
  const spec = MINIMAL + `description: "d${odd}"\nenv:\n  "A${odd}": 1\nacknowledge: ["x${odd}"]\n`;
  const dir = project({ 'deploy.yaml': spec });
  // C1 controls are refused in the spec (rule/unsafe-character); a bidi override is a valid character to carry.
  const bidi = '\u202eevil\u2066';
  const valid = project({ 'deploy.yaml': MINIMAL + `description: "d${bidi}"\n` });
  const runs: [string[], string][] = [
    [['validate', '--format', 'json'], dir],
    [['validate', '--format', 'sarif'], dir],
    [['build', '--format', 'json'], dir],
    [['config', '--format', 'json'], dir],
    [['config', '--format', 'json'], valid],
    [['config'], valid],
    [['validate', `nowhere${odd}/deploy.yaml`], dir],
    [['validate', '--format', 'json', `nowhere${odd}/deploy.yaml`], dir],
  ];
  for (const [args, cwd] of runs) {
    const r = runCli(args, { cwd });
    const all = r.stdout + r.stderr;
    assert.not.ok(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/.test(all), `${args.join(' ')} printed a control character:\n${JSON.stringify(all)}`);
    assert.not.match(all, STACK);
  }
  // The JSON documents still carry the same data.
  const r = runCli(['config', '--format', 'json'], { cwd: valid });
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).spec.description, `d${bidi}`);
});

// --- class 14 ----------------------------------------------------------------------------------------------------

test('init reads a large requirements.txt (psycopg2 and gunicorn after 2 MB of comments)', () => {
  const big = '# pinned by the platform team: do not edit by hand, regenerate with pip-compile --upgrade\n'.repeat(25_000) + 'Django==4.2\npsycopg2-binary==2.9.9\ngunicorn==22.0\n';
  const dir = project({ ...DJANGO, 'requirements.txt': big });
  const r = runCli(['init', '--stdout'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^database:/m);
  assert.not.match(r.stdout + r.stderr, /does not list gunicorn/);
});

test('init says loudly which file it could not read and gives no advice that depends on it', () => {
  const dir = project({ ...DJANGO, 'pyproject.toml': '[project]\nname = "x"\n' + `# ${'x'.repeat(100)}\n`.repeat(15_000) + 'dependencies = ["gunicorn", "psycopg2"]\n' });
  const r = runCli(['init', '--stdout'], { cwd: dir });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /not read pyproject\.toml: it is 1\.\d MiB, over the \d+ KiB init reads/);
  assert.not.match(r.stdout + r.stderr, /does not list gunicorn/);
  assert.match(r.stdout, /pyproject\.toml was not read/);
});

/** A string in UTF-16 with a byte-order mark, as PowerShell's `pip freeze > requirements.txt` writes it. */
function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  return endian === 'le' ? le : le.swap16();
}

test('init reads requirements and Procfiles in UTF-16 and with a UTF-8 byte-order mark, small and streamed', () => {
  const reqs = 'Django==4.2\r\npsycopg2-binary==2.9.9\r\ngunicorn==22.0\r\n';
  const big = '# pinned\r\n'.repeat(120_000) + reqs;
  for (const [what, bytes] of [
    ['UTF-16 LE', utf16(reqs, 'le')],
    ['UTF-16 BE', utf16(reqs, 'be')],
    ['UTF-8 with a BOM', Buffer.from(`\ufeff${reqs}`)],
    ['UTF-16 LE over 1 MB (streamed)', utf16(big, 'le')],
  ] as const) {
    const dir = project({ ...DJANGO, 'requirements.txt': bytes, Procfile: Buffer.from('\ufeffweb: gunicorn mysite.wsgi --workers 3\nworker: celery -A mysite worker\n') });
    const r = runCli(['init', '--stdout'], { cwd: dir });
    assert.is(r.status, 0, `${what}: ${r.stderr}`);
    assert.match(r.stdout, /^database:/m, what);
    assert.not.match(r.stdout + r.stderr, /does not list gunicorn|not read|not a process line/, what);
    assert.match(r.stdout, /command: gunicorn mysite\.wsgi --workers 3 # Procfile, line 1/, what);
  }
});

test('init names a requirements file that is not UTF-8 (Latin-1, UTF-16 without a mark) instead of missing its packages', () => {
  const latin1 = Buffer.from('Django==4.2\npsycopg2==2.9.9 # caf\xe9\ngunicorn\n', 'latin1');
  const noMark = Buffer.from('Django==4.2\npsycopg2==2.9.9\ngunicorn\n', 'utf16le');
  for (const [what, bytes] of [['Latin-1', latin1], ['UTF-16 without a mark', noMark], ['Latin-1 over 1 MB (streamed)', Buffer.concat([Buffer.from('# x\n'.repeat(300_000)), latin1])]] as const) {
    const dir = project({ ...DJANGO, 'requirements.txt': bytes });
    const r = runCli(['init', '--stdout'], { cwd: dir });
    assert.is(r.status, 0, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /not read requirements\.txt: it is not (valid UTF-8 )?text/, `${what}: ${r.stderr}`);
    assert.match(r.stdout, /requirements\.txt was not read/, what);
    assert.not.match(r.stdout + r.stderr, /does not list gunicorn/, what);
  }
});

test.run();
