/**
 * fast-check arbitraries derived from schema/deploy.schema.json, so generated specs track the language:
 * every keyword the schema uses (properties, required, additionalProperties + propertyNames, enum, pattern,
 * min/max, anyOf, items, uniqueItems) is honoured. Semantic rules are applied afterwards by `validSpec`.
 */
import fc from 'fast-check';
import schemaJson from '../../schema/deploy.schema.json' with { type: 'json' };

type S = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const root = schemaJson as S;

function deref(s: S): S {
  let cur = s;
  while (cur.$ref) {
    const parts = (cur.$ref as string).replace(/^#\//, '').split('/');
    let t: S = root;
    for (const p of parts) t = t[p];
    const { $ref: _r, ...rest } = cur;
    cur = { ...t, ...rest };
  }
  return cur;
}

export interface ArbOptions {
  /** Keys never generated (e.g. free-form overrides, environments). */
  skip?: ReadonlySet<string>;
  /** Alphabet for free text, to aim at escaping bugs. */
  text?: fc.Arbitrary<string>;
}

const DEFAULT_TEXT = fc.string({ unit: 'grapheme', maxLength: 24 });

export function fromSchema(schema: S, opts: ArbOptions = {}, depth = 0, key = ''): fc.Arbitrary<unknown> {
  const s = deref(schema);
  if (s.anyOf) return fc.oneof(...(s.anyOf as S[]).map((b) => fromSchema(b, opts, depth, key)));
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const type = Array.isArray(s.type) ? s.type : [s.type];
  if (type.length > 1) return fc.oneof(...type.map((t: string) => fromSchema({ ...s, type: t }, opts, depth, key)));
  switch (type[0]) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'string': {
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        let arb: fc.Arbitrary<string>;
        try {
          arb = fc.stringMatching(re);
        } catch {
          // Lookaheads are not generatable: draw path-like text and keep what matches.
          arb = fc.stringMatching(/^[a-z0-9_.-]{1,12}(\/[a-z0-9_.-]{1,12}){0,2}$/).filter((v) => re.test(v));
        }
        if (s.maxLength) arb = arb.filter((v) => v.length <= s.maxLength);
        if (s.minLength) arb = arb.filter((v) => v.length >= s.minLength);
        return arb;
      }
      const text = opts.text ?? DEFAULT_TEXT;
      return text.filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? 4096));
    }
    case 'array': {
      const item = fromSchema(s.items, opts, depth + 1, key);
      return s.uniqueItems ? fc.uniqueArray(item, { maxLength: 3, selector: (v) => JSON.stringify(v) }) : fc.array(item, { maxLength: 3 });
    }
    case 'object': {
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, S>)) {
        if (opts.skip?.has(k)) continue;
        props[k] = fromSchema(v, opts, depth + 1, k);
      }
      const required = ((s.required ?? []) as string[]).filter((k) => k in props);
      let arb: fc.Arbitrary<Record<string, unknown>> = fc.record(props, { requiredKeys: required });
      if (typeof s.additionalProperties === 'object' && depth < 4) {
        const names = s.propertyNames ? (fromSchema(s.propertyNames, opts, depth + 1) as fc.Arbitrary<string>) : fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
        const extra = fc.dictionary(names, fromSchema(s.additionalProperties, opts, depth + 1, key), { maxKeys: 3 });
        arb = fc.tuple(arb, extra).map(([a, b]) => ({ ...b, ...a }));
      }
      return arb;
    }
    default:
      return fc.constant(null);
  }
}

/** Any spec the schema accepts (environments and free-form overrides left out). */
export function schemaSpec(opts: ArbOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const skip = new Set(['environments', 'overrides', ...(opts.skip ?? [])]);
  return fromSchema(root, { ...opts, skip }) as fc.Arbitrary<Record<string, unknown>>;
}

const SECRETISH = /(^|_)(KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|DSN|CREDENTIALS?)$|PASSWORD|SECRET/;
const CRONS = ['0 3 * * *', '*/10 * * * *', '15 * * * *', '0 7 * * mon', '30 2 1 * *'];

/** Makes schema-valid data satisfy the semantic rules too, keeping as much of it as possible. */
export function repair(input: Record<string, unknown>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const s = structuredClone(input) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const procs: Record<string, any> = s.processes ?? {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  delete procs.release;
  for (const [name, p] of Object.entries(procs)) {
    if (name === 'web') continue;
    p.command ??= `python manage.py run-${name}`;
    delete p.health_check;
  }
  const jobs: Record<string, any> = s.jobs ?? {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  let i = 0;
  for (const [name, j] of Object.entries(jobs)) {
    if (name in procs || name === 'web') {
      delete jobs[name];
      continue;
    }
    j.schedule = CRONS[i++ % CRONS.length];
    j.command ??= 'python manage.py clearsessions';
  }
  const components = new Set([...Object.keys(procs), 'web', ...Object.keys(jobs)]);
  if (s.database && components.has(s.database.name ?? 'db')) s.database.name = 'pgdb';
  if (s.cache && (components.has(s.cache.name ?? 'cache') || s.cache.name === s.database?.name)) s.cache.name = 'kv';
  if (s.static?.serve === 'static-site') {
    delete procs.static;
    delete jobs.static;
  }
  for (const t of Object.keys(s.targets ?? {})) {
    const sizes = s.targets?.[t]?.sizes;
    if (sizes) for (const k of Object.keys(sizes)) if (!(k in procs) && !(k in jobs) && k !== 'web') delete sizes[k];
  }
  // Output paths through hidden (dot) folders are refused by the output-path policy: generate visible ones (a
  // letter, not nothing, in place of the dots: a part starting with `-` is refused by the schema).
  const undot = (p: unknown) => (typeof p === 'string' ? p.split('/').map((seg) => (seg === '.' ? seg : seg.replace(/^\.+/, 'x'))).join('/') : p);
  if (s.django?.root !== undefined) s.django.root = undot(s.django.root);
  // Heroku and App Platform read one Aptfile at the root: two different lists there are a conflict by design.
  if (s.targets?.heroku?.system_packages && s.targets?.digitalocean?.system_packages) s.targets.digitalocean.system_packages = s.targets.heroku.system_packages;
  for (const t of Object.keys(s.targets ?? {})) if (typeof s.targets[t]?.path === 'string') s.targets[t].path = undot(s.targets[t].path);
  if (s.database?.plan === 'production' && s.targets?.digitalocean && !s.targets.digitalocean.database_cluster) s.targets.digitalocean.database_cluster = 'main-cluster';
  if (s.database?.plan === 'production' && !s.targets?.digitalocean?.database_cluster) {
    s.targets ??= {};
    s.targets.digitalocean ??= {};
    s.targets.digitalocean.database_cluster = 'main-cluster';
  }
  if (s.media) {
    if (s.media.s3) delete s.media.s3.endpoint;
    if (s.media.storage === 's3') {
      s.media.s3 ??= {};
      s.media.s3.bucket ??= 'media-bucket';
    } else delete s.media.s3;
  }
  const env: Record<string, any> = s.env ?? {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  const reserved = new Set(['DJANGO_SETTINGS_MODULE', s.database ? (s.database.env ?? 'DATABASE_URL') : '', s.cache ? (s.cache.env ?? 'REDIS_URL') : '', s.monitoring?.sentry ? (s.monitoring.sentry.dsn_env ?? 'SENTRY_DSN') : '']);
  for (const [name, raw] of Object.entries(env)) {
    if (reserved.has(name)) {
      delete env[name];
      continue;
    }
    const v = typeof raw === 'object' && raw !== null ? raw : { value: raw };
    const out: Record<string, unknown> = {};
    if (v.description !== undefined) out.description = v.description;
    if (v.scope !== undefined) out.scope = v.scope;
    if (v.from && ((v.from === 'database.url' && s.database) || (v.from === 'cache.url' && s.cache))) out.from = v.from;
    else if (v.generate) out.generate = 'secret';
    else if (v.secret === true || v.value === undefined) {
      out.secret = true;
      if (v.required !== undefined) out.required = v.required;
    } else {
      out.value = v.value;
      if (SECRETISH.test(name) || /:\/\/[^/\s:@]*:[^/\s@]+@/.test(String(v.value))) {
        out.secret = false;
        out.reason = 'generated test value';
      }
    }
    env[name] = out;
  }
  return s;
}
