/** Dockerfile lint rules: one failing and one passing fixture per rule, pragmas, and the `deployspec lint` command. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintDockerfile, RULES } from '../targets/docker/lint.js';
import { runCli } from './helpers/spec.js';

const codes = (text: string) => lintDockerfile(text).map((f) => `${f.line}:${f.column} ${f.code}`);
const base = 'FROM python:3.12-slim\n';

/** [rule, failing Dockerfile, expected `line:col` of the finding, passing Dockerfile]. */
const CASES: [string, string, string, string][] = [
  ['DL3000', base + 'WORKDIR app\n', '2:1', base + 'WORKDIR /app\n'],
  ['DL3002', base + 'USER app\nUSER root\n', '3:1', base + 'USER root\nRUN id\nUSER app\n'],
  ['DL3004', base + 'RUN sudo apt-get update\n', '2:1', base + 'RUN echo sudoers\n'],
  ['DL3006', 'FROM python\n', '1:1', 'FROM python:3.12-slim AS build\nFROM build\n'],
  ['DL3007', 'FROM python:latest\n', '1:1', 'FROM python:3.12@sha256:' + 'a'.repeat(64) + '\n'],
  ['DL3011', base + 'EXPOSE 80 70000\n', '2:1', base + 'EXPOSE 80 8000-8010/tcp 65535\n'],
  ['DL3012', base + 'HEALTHCHECK CMD ["true"]\nHEALTHCHECK NONE\n', '3:1', base + 'HEALTHCHECK CMD ["true"]\nFROM python:3.12-slim\nHEALTHCHECK NONE\n'],
  ['DL3020', base + 'ADD requirements.txt /app/\n', '2:1', base + 'ADD https://example.com/x.tar.gz /tmp/\nADD vendor.tar.gz /opt/\n'],
  ['DL3021', base + 'COPY a b /app\n', '2:1', base + 'COPY a b /app/\n'],
  ['DL3022', base + 'COPY --from=builder /x /x\n', '2:1', 'FROM node:20 AS builder\n' + base + 'COPY --from=builder /x /x\nCOPY --from=0 /y /y\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n'],
  ['DL3023', 'FROM python:3.12-slim AS app\nCOPY --from=app /x /x\n', '2:1', 'FROM node:20 AS web\nFROM python:3.12-slim AS app\nCOPY --from=web /x /x\n'],
  ['DL3024', 'FROM node:20 AS build\nFROM python:3.12 AS build\n', '2:1', 'FROM node:20 AS client\nFROM python:3.12 AS build\n'],
  ['DL3025', base + 'CMD gunicorn app.wsgi\n', '2:1', base + 'CMD ["gunicorn", "app.wsgi"]\n'],
  ['DL3042', base + 'RUN pip install --no-cache-dir -U pip && pip install -r requirements.txt\n', '2:1', base + 'RUN pip install --no-cache-dir -r requirements.txt && python -m pip install --no-cache-dir x==1\n'],
  ['DL3045', base + 'COPY requirements.txt .\n', '2:1', base + 'WORKDIR /app\nCOPY requirements.txt .\n'],
  ['DL3059', base + 'RUN echo a\nRUN echo b\n', '3:1', base + 'RUN echo a\nENV X="1"\nRUN echo b\n'],
  ['DL3061', 'RUN echo hi\nFROM python:3.12\n', '1:1', '# syntax comment\nARG PY=3.12\nFROM python:${PY}\n'],
  ['DL4003', base + 'CMD ["a"]\nCMD ["b"]\n', '3:1', base + 'CMD ["a"]\nFROM python:3.12-slim\nCMD ["b"]\n'],
  ['DL4004', base + 'ENTRYPOINT ["a"]\nENTRYPOINT ["b"]\n', '3:1', base + 'ENTRYPOINT ["a"]\nCMD ["b"]\n'],
  ['DL4006', base + 'RUN curl -fsSL https://example.com/x | sh\n', '2:1', base + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://example.com/x | sh\nENV A="|"\nRUN test -f x || echo "a | b"\n'],
];

test('every rule has a failing and a passing fixture', () => {
  assert.equal(CASES.map((c) => c[0]).sort(), Object.keys(RULES).sort());
});

for (const [rule, bad, at, good] of CASES) {
  test(`${rule}: flags the failing fixture at ${at}, passes the other`, () => {
    const found = lintDockerfile(bad).filter((f) => f.code === rule);
    assert.equal(found.map((f) => `${f.line}:${f.column}`), [at], `${rule} on:\n${bad}`);
    assert.is(found[0]!.severity, RULES[rule]!.severity);
    assert.equal(codes(good), [], `clean fixture for ${rule}`);
  });
}

test('severities follow hadolint defaults', () => {
  assert.is(RULES.DL3059!.severity, 'info');
  assert.is(RULES.DL3006!.severity, 'warning');
  assert.is(RULES.DL3000!.severity, 'error');
});

test('`# hadolint ignore=` pragmas silence the next instruction only; global ones everywhere', () => {
  assert.equal(codes('# hadolint ignore=DL3006,DL3059\nFROM python\nFROM node\n'), ['3:1 DL3006']);
  assert.equal(codes('# hadolint global ignore=DL3006\nFROM python\nFROM node\n'), []);
  assert.equal(codes('FROM python:3.12\n# hadolint ignore=DL3059\n\nRUN a\n# hadolint ignore=DL3059\nRUN b\nRUN c\n'), ['7:1 DL3059']);
});

test('`deployspec lint`: text and JSON output, exit codes, default ./Dockerfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ds-lint-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nRUN a\nRUN b\nUSER app\nCMD ["x"]\n');
    const info = runCli(['lint'], { cwd: dir });
    assert.is(info.status, 0, 'info findings do not fail');
    assert.match(info.stdout, 'Dockerfile:3:1: info: ');
    assert.match(info.stdout, '[DL3059]');
    writeFileSync(join(dir, 'Bad.dockerfile'), 'FROM python:latest\nCMD python app.py\n');
    const bad = runCli(['lint', 'Bad.dockerfile', '--format', 'json'], { cwd: dir });
    assert.is(bad.status, 1);
    const json = JSON.parse(bad.stdout) as { code: string; line: number; column: number; level: string; file: string }[];
    assert.equal(json.map((f) => `${f.file}:${f.line}:${f.column} ${f.level} ${f.code}`), ['Bad.dockerfile:1:1 warning DL3007', 'Bad.dockerfile:2:1 warning DL3025']);
    const missing = runCli(['lint', 'nope'], { cwd: dir });
    assert.is(missing.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
