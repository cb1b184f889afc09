/**
 * The runtime contract: the environment variables the generated Django settings read, beyond the ones the spec
 * names itself (the database, cache and secret variables). The settings template and every emitter that sets
 * one of them take the name from here, so a name can never drift between the file that sets it and the code
 * that reads it.
 */
export const RUNTIME_ENV = {
  /** Extra hosts for ALLOWED_HOSTS, comma separated (e.g. for a local run). */
  allowedHosts: 'DJANGO_ALLOWED_HOSTS',
  /** Extra CSRF trusted origins, comma separated. */
  csrfTrustedOrigins: 'DJANGO_CSRF_TRUSTED_ORIGINS',
  /** `1` turns DEBUG on; never in production. */
  debug: 'DJANGO_DEBUG',
  /** `0` turns the HTTPS redirect off (a local run over plain HTTP). */
  sslRedirect: 'DJANGO_SECURE_SSL_REDIRECT',
  /** Root logger level. */
  logLevel: 'DJANGO_LOG_LEVEL',
  /** Overrides STATIC_ROOT. */
  staticRoot: 'DJANGO_STATIC_ROOT',
  /** Overrides MEDIA_ROOT, where local uploads go when media are stored on disk. */
  mediaRoot: 'DJANGO_MEDIA_ROOT',
  /** `0` stops trusting X-Forwarded-Proto: the app is reached directly, with no proxy that sets it. */
  proxySslHeader: 'DJANGO_SECURE_PROXY_SSL_HEADER',
  /** `1` while building: collectstatic runs without secrets or a database. */
  build: 'DJANGO_COLLECTSTATIC',
  /** Names the platform explicitly, overriding detection. */
  platform: 'DEPLOYSPEC_PLATFORM',
  /** Sentry environment name, overriding the spec's. */
  sentryEnvironment: 'SENTRY_ENVIRONMENT',
} as const;

/** The settings module Django loads. */
export const SETTINGS_MODULE_ENV = 'DJANGO_SETTINGS_MODULE';

/** A placeholder key for build-time collectstatic only: it signs nothing. */
export const BUILD_SECRET_KEY = 'build-only-not-a-secret';
