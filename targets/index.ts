/** The target registry: one entry per folder under targets/, in the order `--target all` builds them. */
import type { Target, TargetName } from '../src/target.js';
import { heroku } from './heroku/heroku.js';
import { digitalocean } from './digitalocean/digitalocean.js';
import { django } from './django/django.js';

export const TARGETS: Partial<Record<TargetName, Target>> = {
  heroku,
  digitalocean,
  django,
};

export function listTargets(): Target[] {
  return Object.values(TARGETS).filter((t): t is Target => t !== undefined);
}
