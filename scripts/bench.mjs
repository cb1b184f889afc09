// deployspec benchmark: cold CLI start against `node -e 0`, against ajv-cli, and compile time as specs grow.
// `npm run bench` for the full run; `node scripts/bench.mjs --quick` runs every case once (CI smoke).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
if (!quick) {
  const validate = stats(samples.get('deployspec validate')).median / base;
  const build = stats(samples.get('deployspec build --target all --dry-run')).median / base;
  const big = scale.find((s) => s.n === 5000);
  const envs = envRuns.find((s) => s.n === 1000);
  const verdict = [`validate ${validate.toFixed(2)}× (target ≤ 1.5×)`, `build ${build.toFixed(2)}× (target ≤ 2×)`, big ? `5,000 entries ${big.ms.toFixed(0)} ms (target < 1000)` : '', envs ? `1,000 environments ${envs.ms.toFixed(0)} ms (target < 3000)` : ''];
  console.log('\ntargets: ' + verdict.filter(Boolean).join('; '));
}

