/**
 * podman for tests, offline and isolated: the stand-in base images and the wheelhouse come from
 * scripts/deps/30-containers.sh (under /opt/deployspec-test/containers/<key>); every Podman gets its own storage,
 * run and tmp folders (CONTAINERS_STORAGE_CONF / CONTAINERS_CONF), loads the stand-ins into it, and cleanup()
 * removes every container, image and folder it made. Builds use `--format docker` (the OCI format drops
 * HEALTHCHECK), `--network=none`, `--pull=never`, and mount the wheelhouse plus a pip.conf (`no-index`,
 * `find-links`) with `--volume`, so the generated Dockerfile builds unchanged and nothing reaches the network.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './spec.js';

export const SETUP_BASE = process.env.DEPLOYSPEC_CONTAINERS_DIR ?? '/opt/deployspec-test/containers';
const SCRIPT = join(ROOT, 'scripts/deps/30-containers.sh');
/** Stand-in image per registry name a generated FROM line may use. */
const STANDINS: [RegExp, string][] = [
  [/^(docker\.io\/)?(library\/)?python:/, 'localhost/deployspec-standin/python:bookworm'],
  [/^(docker\.io\/)?(library\/)?node:/, 'localhost/deployspec-standin/node:bookworm'],
];

/** The set-up folder of the current 30-containers.sh (same key as the script computes), or why it is unusable. */
export function containerSetup(): { dir: string } | { missing: string } {
  if (spawnSync('sh', ['-c', 'command -v podman']).status !== 0) return { missing: 'podman is not installed' };
  if (process.getuid?.() !== 0) return { missing: 'the container tests run podman as root (storage, slirp4netns ports)' };
  const arch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout ?? '';
  const node = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const key = createHash('sha256').update(readFileSync(SCRIPT)).update(node).update(arch).digest('hex').slice(0, 16);
  const dir = join(SETUP_BASE, key);
  if (!existsSync(join(dir, '.ok'))) return { missing: `no stand-in images and wheelhouse in ${dir}` };
  return { dir };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Podman {
  /** The throwaway folder holding storage, run and tmp state. */
  dir: string;
  env: NodeJS.ProcessEnv;
  podman(args: string[], timeoutMs?: number): Promise<Result>;
  /** podman, failing with its output unless it exits 0. */
  ok(args: string[], timeoutMs?: number): Promise<Result>;
  /** Tags the stand-in for every python:* / node:* image a Dockerfile's FROM lines name. */
  provideBaseImages(dockerfile: string): Promise<string[]>;
  /** `podman build` of a context, offline, with the wheelhouse mounted; returns the build output and time. */
  build(context: string, tag: string): Promise<Result>;
  cleanup(): Promise<void>;
}

export function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, cwd?: string): Promise<Result> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

const live = new Set<string>();
process.on('exit', () => {
  for (const dir of live) hardCleanup(dir);
});

/** Last resort (process exit): unmount what podman mounted under the folder, then remove it. */
function hardCleanup(dir: string): void {
  spawnSync('sh', ['-c', `grep -o " ${dir}/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l`]);
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

export async function startPodman(setup: string): Promise<Podman> {
  const dir = mkdtempSync(join(tmpdir(), 'deployspec-podman-'));
  live.add(dir);
  for (const sub of ['store', 'run', 'tmp']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/store"\nrunroot = "${dir}/run"\n`);
  // The set-up's engine settings (cgroupfs, runc, ulimits) plus a private tmp_dir, so runs never share state.
  const conf = readFileSync(join(setup, 'containers.conf'), 'utf8').replace('[engine]\n', `[engine]\ntmp_dir = "${dir}/tmp"\n`);
  writeFileSync(join(dir, 'containers.conf'), conf);
  const env = { ...process.env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'), CONTAINERS_CONF: join(dir, 'containers.conf') };
  const podman = (args: string[], timeoutMs?: number) => exec('podman', args, env, timeoutMs);
  const ok = async (args: string[], timeoutMs?: number) => {
    const r = await podman(args, timeoutMs);
    if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r;
  };
  for (const image of ['python', 'node']) await ok(['load', '-q', '-i', join(setup, 'images', `${image}.tar`)], 300_000);
  return {
    dir,
    env,
    podman,
    ok,
    async provideBaseImages(dockerfile) {
      const names = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!).filter((n) => !/^[a-z0-9_-]+$/.test(n) || n.includes(':'));
      const tagged: string[] = [];
      for (const name of new Set(names)) {
        const standin = STANDINS.find(([re]) => re.test(name))?.[1];
        if (!standin) {
          if ((await podman(['image', 'exists', name])).code === 0) continue;
          throw new Error(`no stand-in for base image ${name}`);
        }
        const full = name.includes('/') ? name : `docker.io/library/${name}`;
        await ok(['tag', standin, full]);
        tagged.push(full);
      }
      return tagged;
    },
    build(context, tag) {
      return podman(
        ['build', '--format', 'docker', '--network=none', '--pull=never', '--volume', `${join(setup, 'wheelhouse')}:/wheelhouse:ro`, '--volume', `${join(setup, 'pip.conf')}:/etc/pip.conf:ro`, '-t', tag, context],
        900_000,
      );
    },
    async cleanup() {
      await podman(['rm', '-a', '-f', '-t', '0'], 60_000);
      await podman(['rmi', '-a', '-f'], 120_000);
      hardCleanup(dir);
    },
  };
}

/** `Size` of an image in bytes as podman reports it (all layers, uncompressed). */
export async function imageSize(pm: Podman, tag: string): Promise<number> {
  const r = await pm.ok(['image', 'inspect', '--format', '{{.Size}}', tag]);
  return Number(r.stdout.trim());
}

/** The build steps that ran without the cache ("STEP n/m: X" not followed by "Using cache"). */
export function uncachedSteps(buildOutput: string): string[] {
  const lines = buildOutput.split('\n');
  const steps: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\[\d+\/\d+\] STEP \d+\/\d+: (.*)$|^STEP \d+\/\d+: (.*)$/.exec(lines[i]!);
    if (!m) continue;
    const next = lines.slice(i + 1).find((l) => l.startsWith('--> ') || /STEP \d+\/\d+:/.test(l)) ?? '';
    if (!next.startsWith('--> Using cache')) steps.push(m[1] ?? m[2]!);
  }
  return steps;
}

/**
 * A Django project for an example that has only a deploy.yaml: examples/07-django-project's code with the project
 * package renamed, placed in django.root, a requirements.txt including the generated requirements-deploy.txt, and
 * whatever extra the example names (`extraRequirements`, a worker's management command, a frontend).
 */
export interface ProjectOptions {
  project: string;
  root: string;
  extraRequirements?: string[];
  /** Management commands (name → module source) added to the notes app. */
  commands?: Record<string, string>;
  /** A frontend: package.json whose build writes `output` with one asset, with an empty lockfile for `npm ci`. */
  client?: { root: string; output: string };
}

export function makeProject(dest: string, example: string, opts: ProjectOptions): void {
  const src = join(ROOT, 'examples/07-django-project');
  const app = join(dest, opts.root);
  mkdirSync(app, { recursive: true });
  cpSync(join(ROOT, 'examples', example, 'deploy.yaml'), join(dest, 'deploy.yaml'));
  if (example === '07-django-project') {
    cpSync(src, dest, { recursive: true, filter: (p) => !p.includes('__pycache__') });
    return;
  }
  for (const entry of ['manage.py', 'notes', 'notesite']) cpSync(join(src, entry), join(app, entry), { recursive: true, filter: (p) => !p.includes('__pycache__') && !p.endsWith('deploy_settings.py') });
  renameSync(join(app, 'notesite'), join(app, opts.project));
  const rename = (file: string) => writeFileSync(file, readFileSync(file, 'utf8').replaceAll('notesite', opts.project));
  rename(join(app, 'manage.py'));
  for (const f of readdirSync(join(app, opts.project))) if (f.endsWith('.py')) rename(join(app, opts.project, f));
  writeFileSync(join(app, 'requirements.txt'), ['Django>=3.2,<5.0', '-r requirements-deploy.txt', ...(opts.extraRequirements ?? [])].join('\n') + '\n');
  for (const [name, code] of Object.entries(opts.commands ?? {})) {
    const dir = join(app, 'notes', 'management', 'commands');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(app, 'notes', 'management', '__init__.py'), '');
    writeFileSync(join(dir, '__init__.py'), '');
    writeFileSync(join(dir, `${name}.py`), code);
  }
  if (opts.client) {
    const c = join(dest, opts.client.root);
    mkdirSync(c, { recursive: true });
    const pkg = { name: 'frontend', version: '1.0.0', private: true, scripts: { build: 'node build.js' } };
    writeFileSync(join(c, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    writeFileSync(join(c, 'package-lock.json'), JSON.stringify({ name: 'frontend', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'frontend', version: '1.0.0' } } }, null, 2) + '\n');
    const rel = opts.client.output.slice(opts.client.root.length + 1);
    writeFileSync(join(c, 'build.js'), `const fs = require('fs');\nfs.mkdirSync(${JSON.stringify(rel)}, { recursive: true });\nfs.writeFileSync(${JSON.stringify(rel + '/app.js')}, 'console.log("built by npm run build");\\n');\n`);
    writeFileSync(join(c, 'src.js'), '// frontend source: must not reach the runtime image\n');
  }
}
