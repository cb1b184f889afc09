/** The target registry: one entry per folder under targets/, in the order `--target all` builds them. */
import type { Target, TargetName } from '../src/target.js';
import { docker } from './docker/docker.js';

export const TARGETS: Partial<Record<TargetName, Target>> = {
  docker,
};

export function listTargets(): Target[] {
  return Object.values(TARGETS).filter((t): t is Target => t !== undefined);
}
