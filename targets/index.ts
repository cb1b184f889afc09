/** The target registry: one entry per folder under targets/, in the order `--target all` builds them. */
import type { Target, TargetName } from '../src/target.js';

export const TARGETS: Partial<Record<TargetName, Target>> = {};

export function listTargets(): Target[] {
  return Object.values(TARGETS).filter((t): t is Target => t !== undefined);
}
