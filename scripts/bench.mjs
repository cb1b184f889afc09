// deployspec benchmark: cold CLI start against `node -e 0`, against ajv-cli, and compile time as specs grow.
// `npm run bench` for the full run; `node scripts/bench.mjs --quick` runs every case once (CI smoke).
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const runs = quick ? 1 : Number(process.env.BENCH_RUNS ?? 15);
const example = join(root, 'examples/06-docker-sentry/deploy.yaml');
const cli = join(root, 'bin/deployspec.js');
if (!existsSync(join(root, 'dist/cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
};

// ajv-cli compiles the schema on every start; it needs the YAML as JSON-compatible data, which it reads itself.
const ajvCli = join(root, 'node_modules/ajv-cli/dist/index.js');
const haveAjvCli = existsSync(ajvCli);

const cases = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ['deployspec validate', process.execPath, [cli, 'validate', example]],
  ['deployspec build --target all --dry-run', process.execPath, [cli, 'build', example, '--target', 'all', '--dry-run']],
];
if (haveAjvCli) {
  cases.push(['ajv validate (ajv-cli)', process.execPath, [ajvCli, 'validate', '-s', join(root, 'schema/deploy.schema.json'), '-d', example, '-c', 'ajv-formats', '--strict=false', '--spec=draft7']]);
}

// Alternate the cases within each round so machine noise hits them all alike.
const samples = new Map(cases.map(([name]) => [name, []]));
for (let i = 0; i < runs + (quick ? 0 : 1); i++) {
  for (const [name, cmd, args] of cases) {
    const ms = time(cmd, args);
    if (!quick && i === 0) continue; // warm the file cache once
    samples.get(name).push(ms);
  }
}

const base = stats(samples.get('node -e 0')).median;
const ajvMedian = haveAjvCli ? stats(samples.get('ajv validate (ajv-cli)')).median : null;
const rows = [['case', 'median ms', 'min', 'max', '× node -e 0', '× ajv-cli']];
for (const [name] of cases) {
  const s = stats(samples.get(name));
  rows.push([name, s.median.toFixed(1), s.min.toFixed(1), s.max.toFixed(1), (s.median / base).toFixed(2), ajvMedian ? (s.median / ajvMedian).toFixed(2) : 'n/a']);
}

// Scaling: in-process compile of generated specs with N processes and N env vars, to every target.
const { compile, listTargets, BUILTIN_TEMPLATES } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
function bigSpec(n) {
  const lines = ['version: 1', 'name: big', 'django:', '  project: big', 'database: {}', 'cache: {}', 'processes:', '  web:', '    health_check: /healthz'];
  for (let i = 0; i < n; i++) lines.push(`  worker-${i}:`, `    command: celery -A big worker -Q q${i}`);
  lines.push('env:');
  for (let i = 0; i < n; i++) lines.push(`  SETTING_${i}: "value ${i}"`);
  return lines.join('\n') + '\n';
}
const sizes = quick ? [10, 100] : [10, 100, 1000, 5000];
const scale = [];
for (const n of sizes) {
  const text = bigSpec(n);
  const reps = quick ? 1 : n >= 1000 ? 3 : 10;
  const times = [];
  let peak = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const result = compile('deploy.yaml', text, { env: null, targets: listTargets(), templates: BUILTIN_TEMPLATES });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (result.diagnostics.some((d) => d.severity === 'error')) throw new Error(`spec with ${n} entries failed: ${result.diagnostics[0].message}`);
  }
  scale.push({ n, ms: stats(times).median, rssMb: peak / 1048576 });
}
// Environments: validation of the base spec and every overlay, each with a warning, must stay linear.
const { analyze } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
function envSpec(n) {
  const lines = ['version: 1', 'name: big', 'django:', '  project: big', 'env:'];
  for (let j = 0; j < 20; j++) lines.push(`  RATIO_${j}: 3.10`);
  lines.push('environments:');
  for (let i = 0; i < n; i++) lines.push(`  e${i}:`, '    env:', `      LEVEL_${i}: 1.50`);
  return lines.join('\n') + '\n';
}
const envRuns = [];
for (const n of quick ? [100] : [100, 1000]) {
  const text = envSpec(n);
  const times = [];
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const t0 = process.hrtime.bigint();
    const result = analyze('deploy.yaml', text);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (result.diagnostics.length < n) throw new Error(`expected a warning per environment, got ${result.diagnostics.length}`);
  }
  envRuns.push({ n, ms: stats(times).median });
}

// Least-squares slope of time over entries.
const mx = scale.reduce((a, s) => a + s.n, 0) / scale.length;
const my = scale.reduce((a, s) => a + s.ms, 0) / scale.length;
const slope = scale.reduce((a, s) => a + (s.n - mx) * (s.ms - my), 0) / scale.reduce((a, s) => a + (s.n - mx) ** 2, 0);

const fmt = (table) => {
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c]).length)));
  return table.map((r) => '| ' + r.map((v, c) => String(v).padEnd(widths[c])).join(' | ') + ' |').join('\n');
};
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${runs} alternating runs${quick ? ' (quick)' : ''}`);
console.log('\nCold start (wall time):\n' + fmt(rows));
console.log('\nScaling (in-process compile to all targets; N processes + N env vars):\n' + fmt([['N', 'median ms', 'peak RSS MiB'], ...scale.map((s) => [s.n, s.ms.toFixed(1), s.rssMb.toFixed(0)])]));
console.log(`\nslope: ${(slope * 1000).toFixed(1)} µs per entry (least squares)`);
console.log('\nEnvironments (in-process validate; N overlays with a warning each, 20 base warnings):\n' + fmt([['N', 'median ms'], ...envRuns.map((s) => [s.n, s.ms.toFixed(1)])]));
if (!haveAjvCli) console.log('\najv-cli not installed: ratio column is n/a');

// Container build of examples/07-django-project's generated Dockerfile with podman: cold (empty storage; the base image
// is the stand-in of scripts/deps/30-containers.sh), then after a one-line code edit, and the image size. Only when
// that set-up exists (root, podman); never in --quick mode (a cold build takes tens of seconds).
const containerSetupDir = (() => {
  const script = join(root, 'scripts/deps/30-containers.sh');
  const node = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const arch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout ?? '';
  const key = createHash('sha256').update(readFileSync(script)).update(node).update(arch).digest('hex').slice(0, 16);
  const dir = join(process.env.DEPLOYSPEC_CONTAINERS_DIR ?? '/opt/deployspec-test/containers', key);
  return existsSync(join(dir, '.ok')) && spawnSync('sh', ['-c', 'command -v podman']).status === 0 ? dir : null;
})();
if (quick) console.log('\ncontainer build: skipped in --quick mode');
else if (!containerSetupDir) console.log('\ncontainer build: skipped (podman and the stand-in images are not set up: run scripts/system-deps.sh as root)');
else {
  const work = mkdtempSync(join(tmpdir(), 'deployspec-bench-podman-'));
  const env = { ...process.env, CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'), CONTAINERS_CONF: join(work, 'containers.conf') };
  writeFileSync(env.CONTAINERS_STORAGE_CONF, `[storage]\ndriver = "overlay"\ngraphroot = "${work}/store"\nrunroot = "${work}/run"\n`);
  writeFileSync(env.CONTAINERS_CONF, readFileSync(join(containerSetupDir, 'containers.conf'), 'utf8').replace('[engine]\n', `[engine]\ntmp_dir = "${work}/tmp"\n`));
  const podman = (args) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('podman', args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout };
  };
  try {
    const app = join(work, 'app');
    cpSync(join(root, 'examples/07-django-project'), app, { recursive: true, filter: (f) => !f.includes('__pycache__') });
    const gen = spawnSync(process.execPath, [cli, 'build', '--target', 'all'], { cwd: app, encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`deployspec build: ${gen.stderr}`);
    podman(['load', '-q', '-i', join(containerSetupDir, 'images/python.tar')]);
    const from = /^FROM (python:\S+)/m.exec(readFileSync(join(app, 'Dockerfile'), 'utf8'))[1];
    podman(['tag', 'localhost/deployspec-standin/python:bookworm', `docker.io/library/${from}`]);
    const build = (tag) => podman(['build', '--format', 'docker', '--network=none', '--pull=never', '--volume', `${join(containerSetupDir, 'wheelhouse')}:/wheelhouse:ro`, '--volume', `${join(containerSetupDir, 'pip.conf')}:/etc/pip.conf:ro`, '-t', tag, app]).ms;
    const cold = build('localhost/bench/app:1');
    appendFileSync(join(app, 'notes/views.py'), '\n# edited\n');
    const warm = build('localhost/bench/app:2');
    const size = Number(podman(['image', 'inspect', '--format', '{{.Size}}', 'localhost/bench/app:2']).out.trim());
    console.log('\nContainer build (podman, examples/07-django-project, offline, stand-in base image):\n' +
      fmt([['case', 'seconds'], ['cold build', (cold / 1000).toFixed(1)], ['rebuild after a code edit', (warm / 1000).toFixed(1)], ['image size (MB)', (size / 1e6).toFixed(0)]]));
  } finally {
    spawnSync('podman', ['rmi', '-a', '-f'], { env, stdio: 'ignore' });
    spawnSync('sh', ['-c', `grep -o " ${work}/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l`], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
}
if (!quick) {
  const validate = stats(samples.get('deployspec validate')).median / base;
  const build = stats(samples.get('deployspec build --target all --dry-run')).median / base;
  const big = scale.find((s) => s.n === 5000);
  const envs = envRuns.find((s) => s.n === 1000);
  const verdict = [`validate ${validate.toFixed(2)}× (target ≤ 1.5×)`, `build ${build.toFixed(2)}× (target ≤ 2×)`, big ? `5,000 entries ${big.ms.toFixed(0)} ms (target < 1000)` : '', envs ? `1,000 environments ${envs.ms.toFixed(0)} ms (target < 3000)` : ''];
  console.log('\ntargets: ' + verdict.filter(Boolean).join('; '));
}

