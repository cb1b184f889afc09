/**
 * What one target offers the others. A target declares each offer in `Target.offers`; another asks for it through
 * its emit context (`ctx.product('settings')`). New kinds are added here, with the shape every provider must meet.
 */
import type { SpecPath } from './model/model.js';

/** The production settings module and the packages it imports. */
export interface SettingsProduct {
  /** The generated settings file, relative to the spec folder. */
  file: string;
  /**
   * Its dotted module name as imported from the Django folder: what DJANGO_SETTINGS_MODULE is everywhere the app
   * runs, or null when the file is not importable (the project's own settings module is used then).
   */
  module: string | null;
  /** A requirements file listing the packages the settings import, relative to the spec folder. */
  requirementsFile: string;
  /** Those packages, as requirement lines. */
  packages: string[];
}

/** A container image built from the project. */
export interface ImageProduct {
  /** The Dockerfile, relative to the spec folder. */
  dockerfile: string;
  /** The build context. */
  context: string;
  /** The port the web process listens on inside the image. */
  port: number;
  /** The operating-system packages the image installs (build stage and final image), as `name` or `name=version`. */
  packages: string[];
  /** The option that lists them, for hints. */
  packagesOption: SpecPath;
}

/**
 * The operating-system packages a platform was told the app needs (its own option), offered so that every other
 * platform can say when it would run the app without them.
 */
export interface SystemPackagesProduct {
  /** The offering target's name. */
  platform: string;
  /** The option that lists them (`targets.<name>.system_packages`), where notes about them point. */
  option: SpecPath;
  /** The packages, `name` or `name=version`; empty when the option is unset or the platform does not use it. */
  packages: string[];
}

/**
 * How the app recognises at run time the platform it runs on, and what follows from it. The settings module
 * renders every registered platform's facts, so it adapts wherever it is deployed.
 */
export interface PlatformRuntime {
  /** Platform name as `DEPLOYSPEC_PLATFORM` accepts it. */
  name: string;
  /** A variable present only on this platform: set by the platform itself, or by this target's own output. */
  detect: string;
  /** Host names (a leading `.` matches subdomains) the platform serves every app under. */
  hosts: string[];
  /** A variable holding the app's own host name there, or null. */
  hostEnv: string | null;
  /** The platform's managed databases require TLS. */
  databaseTls: boolean;
  /** The platform's managed Redis serves TLS with a self-signed certificate. */
  redisSelfSigned: boolean;
}

/** The variable a pipeline sets, in every deploy step that needs an image, to the pushed image (with its tag). */
export const DEPLOY_IMAGE_ENV = 'DEPLOYSPEC_IMAGE';

/** The CI secret holding `base` for one environment: `RENDER_DEPLOY_HOOK_URL_STAGING`; production keeps `base`. */
export function environmentSecret(base: string, environment: string | null): string {
  return environment === null ? base : `${base}_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** A secret a deploy reads from the CI's secret store, by name only: its value is never written. */
export interface DeploySecret {
  name: string;
  /** What it is and where to get it, for the pipeline's notes and the README. */
  description: string;
}

/** One shell step of a deploy, run by a CI pipeline from the repository root. */
export interface DeployStep {
  /** A short title the CI shows (`Release on <platform>`). */
  name: string;
  /**
   * A POSIX shell script, run with `set -eu` semantics: it reads secrets only from the variables `secrets` names, and
   * the image from DEPLOY_IMAGE_ENV when the deploy needs one. It must pass shellcheck.
   */
  run: string;
}

/** How one deployable variant (production, or one environment) is deployed from CI. */
export interface DeployPlan {
  /** Where it goes, for notes (`<platform> app notes-staging`). */
  destination: string;
  steps: DeployStep[];
  secrets: DeploySecret[];
}

/**
 * How a platform is deployed from a CI pipeline, offered by each platform target: the pipeline targets read it by
 * kind, never by a platform's name.
 */
export interface DeployProduct {
  /** The offering target's name, as the pipelines' `deploy:` option lists it. */
  platform: string;
  /** Generated files the deploy reads, relative to the spec folder. */
  files: string[];
  /** The deploy runs the image the pipeline built and pushed (DEPLOY_IMAGE_ENV); the platform builds nothing. */
  needsImage: boolean;
  /** The steps use a Docker daemon (docker login, tag, push). */
  needsDocker: boolean;
  /** The steps push the repository with git, so the checkout must hold the full history, not a shallow clone. */
  needsHistory: boolean;
  /** The plan of production (`null`) or of one environment of the spec. */
  plan(environment: string | null): DeployPlan;
  /** What the user must still do on the platform so these steps work (create the app, switch its stack, ...). */
  notes: string[];
}

export interface ProductKinds {
  settings: SettingsProduct;
  image: ImageProduct;
  systemPackages: SystemPackagesProduct;
  platformRuntime: PlatformRuntime;
  deploy: DeployProduct;
}
