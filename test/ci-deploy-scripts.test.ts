/**
 * The deploy steps of the CI targets, run by bash: a path or name from the spec reaches the platform tool as one
 * argument, exactly as written, whatever characters it holds, and never as shell syntax. The platform tools
 * (kubectl, doctl) are stubs in $HOME that record their arguments; every other line runs as CI would run it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { shellcheck, shellcheckVersion } from './helpers/ci.js';
import { compileText } from './helpers/spec.js';

const test = suite('CI deploy scripts under bash');

/** Paths a spec may name that are shell syntax if written bare: a command separator, a substitution, quotes, a keyword. */
const HOSTILE_PATHS = ["k8s;touch PWNED;x", "k 8s/$(touch PWNED)", "k8s/'q' \"d\" `touch PWNED`", 'do', 'k8s/*'];

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

/** Runs the steps of a job, except the ones that download the tool; returns the calls the stubbed tool recorded. */
function runSteps(steps: Step[], tool: string): { calls: string[][]; cwd: string } {
  const home = mkdtempSync(join(tmpdir(), 'deployspec-ci-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'deployspec-ci-repo-'));
  // Each call is its arguments, NUL-separated, on a line of its own.
  writeFileSync(join(home, tool), `#!/bin/bash\nprintf '%s\\0' "$@" >> "$HOME/calls"\nprintf '\\n' >> "$HOME/calls"\n`);
  chmodSync(join(home, tool), 0o755);
  writeFileSync(join(home, 'bash_env'), '');
  for (const step of steps) {
    if (!step.run || step.run.includes('curl ')) continue;
    // BASH_ENV: CircleCI's file of exports that every later step's bash reads first.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, BASH_ENV: join(home, 'bash_env'), DEPLOYSPEC_IMAGE: 'ghcr.io/acme/app:1.0' };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = String(v).replace(/\$\{\{[^}]*\}\}/g, 'from-ci');
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step.run], { cwd, env, encoding: 'utf8' });
    assert.is(r.status, 0, `${step.name}: ${r.stderr}`);
  }
  const raw = existsSync(join(home, 'calls')) ? readFileSync(join(home, 'calls'), 'utf8') : '';
  const calls = raw
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\0').slice(0, -1));
  return { calls, cwd };
}

function noPwned(dir: string): void {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
  assert.not.ok(walk(dir).some((f) => f.startsWith('PWNED')), `a path ran as a command: ${walk(dir).join(', ')}`);
}

const SPEC = (k8sPath: string, doPath: string) => `version: 1
name: do
django:
  project: mysite
targets:
  kubernetes:
    path: ${JSON.stringify(k8sPath)}
    image: ghcr.io/acme/app:1.0
  digitalocean:
    path: ${JSON.stringify(doPath)}
  github-actions:
    image:
      registry: ghcr.io
      repository: acme/app
    deploy: [kubernetes, digitalocean]
  circleci:
    image:
      registry: ghcr.io
      repository: acme/app
    deploy: [kubernetes, digitalocean]
`;

for (const path of HOSTILE_PATHS) {
  test(`a spec path ${JSON.stringify(path)} reaches kubectl and doctl as one argument, in both CIs`, () => {
    const doPath = `${path}/app.yaml`;
    const r = compileText(SPEC(path, doPath));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors, [], JSON.stringify(errors));
    const gha = parse(r.files.find((f) => f.path === '.github/workflows/deploy.yml')!.contents) as { jobs: Record<string, { steps: Step[] }> };
    const circle = parse(r.files.find((f) => f.path === '.circleci/config.yml')!.contents) as { jobs: Record<string, { steps: ({ run?: { name?: string; command?: string; environment?: Record<string, string> } } | string)[] }> };
    const circleSteps = (job: string): Step[] =>
      circle.jobs[job]!.steps.flatMap((s) => (typeof s === 'object' && s.run ? [{ name: s.run.name, run: s.run.command, env: s.run.environment }] : []));
    for (const [ci, k8sSteps, doSteps] of [
      ['github-actions', gha.jobs['deploy-kubernetes']!.steps, gha.jobs['deploy-digitalocean']!.steps],
      ['circleci', circleSteps('deploy-kubernetes'), circleSteps('deploy-digitalocean')],
    ] as const) {
      const k8s = runSteps(k8sSteps, 'kubectl');
      const overlay = `${path}/overlays/production/.ci-image`;
      assert.ok(
        k8s.calls.some((c) => c[0] === 'apply' && c[1] === '--kustomize' && c[2] === overlay),
        `${ci}: kubectl calls ${JSON.stringify(k8s.calls)}`,
      );
      assert.ok(k8s.calls.some((c) => c.includes('rollout') && c.includes('--namespace') && c[c.indexOf('--namespace') + 1] === 'do'), `${ci}: ${JSON.stringify(k8s.calls)}`);
      // The kustomization for the pushed image was written at the literal path.
      const kustomization = parse(readFileSync(join(k8s.cwd, overlay, 'kustomization.yaml'), 'utf8')) as { resources: string[]; images: { name: string }[] };
      assert.equal(kustomization.resources, ['..']);
      assert.is(kustomization.images[0]!.name, 'ghcr.io/acme/app');
      noPwned(k8s.cwd);
      const doctl = runSteps(doSteps, 'doctl');
      assert.ok(doctl.calls.some((c) => c[0] === 'apps' && c[1] === 'update' && c[c.indexOf('--spec') + 1] === doPath), `${ci}: doctl calls ${JSON.stringify(doctl.calls)}`);
      noPwned(doctl.cwd);
      // And shellcheck reads each step as written (a bare `do` argument is misplaced syntax to it).
      if (shellcheckVersion) {
        const scripts = [...k8sSteps, ...doSteps].filter((st) => st.run).map((st, i) => ({ name: `${ci} ${i} ${st.name}`, script: `#!/bin/bash\n${st.run}` }));
        assert.equal(shellcheck(scripts), [], ci);
      }
    }
  });
}

test('the stub records what bash passes: a bare path with a separator would run the rest as a command', () => {
  // The check can fail: the same step written without quoting runs `touch PWNED`.
  const { cwd } = runSteps([{ name: 'bare', run: 'mkdir -p k8s;touch PWNED;true\n"$HOME/kubectl" apply --kustomize k8s\n' }], 'kubectl');
  assert.ok(existsSync(join(cwd, 'PWNED')));
});

test.run();
