/**
 * Each target may prove its own output: `targets/<name>/conformance.ts` exports
 * `conformance(result: CompileResult): string[]`, the problems the platform's own schemas and parsers find in the
 * target's files of a successful build (an empty list when they accept them), and optionally `unavailable`, the
 * reason the check cannot run on this machine (a schema that is not vendored), which makes its tests skip loudly.
 * The conformance and property tests run every registered target's module; a new target needs no test wiring.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { CompileResult } from '../../src/compile.js';
import { TARGETS } from '../../targets/index.js';
import { ROOT } from './spec.js';

export interface ConformanceModule {
  conformance(result: CompileResult): string[];
  unavailable?: string | null;
}

/** The registered targets' conformance modules, by target name. */
export const CONFORMANCE_MODULES: ReadonlyMap<string, ConformanceModule> = new Map(
  await Promise.all(
    TARGETS.filter((t) => existsSync(`${ROOT}targets/${t.name}/conformance.ts`)).map(async (t) => [t.name, (await import(pathToFileURL(`${ROOT}targets/${t.name}/conformance.ts`).href)) as ConformanceModule] as const),
  ),
);

/** Problems every available conformance module finds in a build of the whole registry. */
export function conformanceProblems(result: CompileResult): string[] {
  const out: string[] = [];
  for (const [name, m] of CONFORMANCE_MODULES) {
    if (m.unavailable) continue;
    out.push(...m.conformance({ ...result, files: result.files.filter((f) => f.target === name) }).map((p) => `${name}: ${p}`));
  }
  return out;
}
