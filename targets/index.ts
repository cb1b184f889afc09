/**
 * The target registry: the one list of targets, in the order `--target all` builds them. Each entry is a folder
 * under targets/ exporting its Target; target names, the `--target` choices, the README's platform table and the
 * pre-commit hook's file filter are all derived from this list.
 */
import type { AnyTarget } from '../src/target.js';
import { circleci } from './circleci/circleci.js';
import { digitalocean } from './digitalocean/digitalocean.js';
import { django } from './django/django.js';
import { docker } from './docker/docker.js';
import { fly } from './fly/fly.js';
import { githubActions } from './github-actions/github-actions.js';
import { heroku } from './heroku/heroku.js';
import { kubernetes } from './kubernetes/kubernetes.js';
import { render } from './render/render.js';

export const TARGETS = [heroku, digitalocean, render, docker, kubernetes, fly, django, githubActions, circleci] as const satisfies readonly AnyTarget[];

export type TargetName = (typeof TARGETS)[number]['name'];

export const TARGET_NAMES: readonly TargetName[] = TARGETS.map((t) => t.name);

export function listTargets(): AnyTarget[] {
  return [...TARGETS];
}

export function targetByName(name: string): AnyTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
