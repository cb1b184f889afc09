/**
 * Render instance types for the portable sizes, from Render's pricing tables ("Instance types (compute specs)":
 * starter 0.5 CPU/512 MB, standard 1 CPU/2 GB, pro 2 CPU/4 GB, pro plus 4 CPU/8 GB, pro max 4 CPU/16 GB,
 * pro ultra 8 CPU/32 GB). Render has no 1 GB type: `small` (1 GB elsewhere) rounds up to standard.
 *
 * | size   | Heroku        | App Platform        | Render    |
 * |--------|---------------|---------------------|-----------|
 * | tiny   | basic         | apps-s-1vcpu-0.5gb  | starter   |
 * | small  | standard-1x   | apps-s-1vcpu-1gb    | standard  |
 * | medium | standard-2x   | apps-s-1vcpu-2gb    | standard  |
 * | large  | performance-m | apps-s-2vcpu-4gb    | pro       |
 * | xlarge | performance-l | apps-d-2vcpu-8gb    | pro plus  |
 *
 * The free type is never chosen: it sleeps when idle and cannot run a pre-deploy command, workers or cron jobs.
 */
import type { Size } from '../../src/model/model.js';

export const SERVICE_PLAN: Readonly<Record<Size, string>> = { tiny: 'starter', small: 'standard', medium: 'standard', large: 'pro', xlarge: 'pro plus' };
/** Render Postgres: the smallest paid type for dev; a Pro type (high availability and read replicas possible) for production. */
export const POSTGRES_PLAN = { dev: 'basic-256mb', production: 'pro-4gb' } as const;
/** Render Key Value: starter (persistent, 256 MB) for dev; standard (1 GB) for production. */
export const KEYVALUE_PLAN = { dev: 'starter', production: 'standard' } as const;
/** Pinned so the build is repeatable; pipenv only exports the lock file to a requirements list. */
export const PIPENV = 'pipenv==2026.10.3';

/** Render plan → portable size, for `init` (the inverse of SERVICE_PLAN, standard read as medium). */
export const SIZE_OF_PLAN: Readonly<Record<string, Size>> = { free: 'tiny', starter: 'tiny', standard: 'medium', pro: 'large', 'pro plus': 'xlarge' };
