/** The target registry: one entry per folder under targets/, in the order `--target all` builds them. */
import type { Target, TargetName } from '../src/target.js';
import { digitalocean } from './digitalocean/digitalocean.js';
import { django } from './django/django.js';
import { docker } from './docker/docker.js';
import { heroku } from './heroku/heroku.js';

export const TARGETS: Readonly<Record<TargetName, Target>> = { heroku, digitalocean, docker, django };

export function listTargets(): Target[] {
  return Object.values(TARGETS);
}
