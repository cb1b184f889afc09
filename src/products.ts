/**
 * What one target offers the others. A target declares each offer in `Target.offers`; another asks for it through
 * its emit context (`ctx.product('settings')`). New kinds are added here, with the shape every provider must meet.
 */

/** The production settings module and the packages it imports. */
export interface SettingsProduct {
  /** The generated settings file, relative to the spec folder. */
  file: string;
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

export interface ProductKinds {
  settings: SettingsProduct;
  image: ImageProduct;
  platformRuntime: PlatformRuntime;
}
