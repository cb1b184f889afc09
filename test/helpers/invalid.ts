/**
 * The invalid-spec fixtures: test/invalid/*.yaml break a rule the JSON Schema expresses (the editor must flag them too);
 * test/invalid/semantic/*.yaml break a rule only the CLI checks. Each has a sibling `.out` with the CLI's diagnostics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { analyze } from '../../src/analyze.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { ROOT } from './spec.js';

export interface Fixture {
  /** Path relative to the repository root, as the CLI prints it when run from there. */
  rel: string;
  abs: string;
  name: string;
  /** True when the schema alone cannot express the error. */
  semantic: boolean;
  text: string;
}

function list(dir: string, semantic: boolean): Fixture[] {
  return readdirSync(ROOT + dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ rel: dir + f, abs: ROOT + dir + f, name: f.replace(/\.yaml$/, ''), semantic, text: readFileSync(ROOT + dir + f, 'utf8') }));
}

export function invalidFixtures(): Fixture[] {
  return [...list('test/invalid/', false), ...list('test/invalid/semantic/', true)];
}

/** The CLI's one-line form of a diagnostic (src/format.ts without the code frame and hint). */
export function diagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function analyzeFixture(f: Fixture): Diagnostic[] {
  return analyze(f.rel, f.text, { env: null }).diagnostics;
}
