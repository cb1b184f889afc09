/**
 * Structural check of an app.json after `targets.heroku.overrides` are merged in. It mirrors the closed parts of
 * Heroku's app.json schema (heroku/heroku-mcp-server `app-json.schema.json`): the tests compare its verdicts with Ajv
 * running that schema, so a merge that Heroku would reject is reported instead of written.
 */
type Json = Record<string, unknown>;

const TOP = new Set(['name', 'description', 'keywords', 'website', 'repository', 'logo', 'success_url', 'scripts', 'env', 'formation', 'addons', 'buildpacks', 'environments', 'stack', 'image']);
export const DYNO_SIZES = ['free', 'eco', 'hobby', 'basic', 'standard-1x', 'standard-2x', 'performance-m', 'performance-l', 'private-s', 'private-m', 'private-l', 'shield-s', 'shield-m', 'shield-l'];
const STACKS = ['heroku-18', 'heroku-20', 'heroku-22', 'heroku-24'];

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (o: Json, keys: string[], at: string, out: string[]) => {
  for (const k of Object.keys(o)) if (!keys.includes(k)) out.push(`${at}: unknown key "${k}"`);
};

function isUri(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(v) && !!new URL(v);
  } catch {
    return false;
  }
}

/** Problems of `app` as Heroku's schema sees them; empty when it validates. */
export function checkAppJson(app: unknown): string[] {
  const out: string[] = [];
  if (!isObj(app)) return ['app.json must be an object'];
  for (const k of Object.keys(app)) if (!TOP.has(k)) out.push(`unknown top-level key "${k}"`);
  for (const k of ['name', 'description', 'success_url', 'image']) if (k in app && typeof app[k] !== 'string') out.push(`${k} must be a string`);
  if (typeof app.name === 'string' && (!/^[a-zA-Z-_.]+/.test(app.name) || app.name.length > 300)) out.push('name must start with a letter, "-", "_" or "." (at most 300 characters)');
  for (const k of ['website', 'repository', 'logo']) if (k in app && !isUri(app[k])) out.push(`${k} must be a URI`);
  if ('keywords' in app && (!Array.isArray(app.keywords) || app.keywords.some((x) => typeof x !== 'string'))) out.push('keywords must be a list of strings');
  if ('stack' in app && !STACKS.includes(app.stack as string)) out.push(`stack must be one of ${STACKS.join(', ')}`);
  if ('scripts' in app) {
    if (!isObj(app.scripts)) out.push('scripts must be an object');
    else {
      onlyKeys(app.scripts, ['postdeploy', 'pr-predestroy'], 'scripts', out);
      for (const [k, v] of Object.entries(app.scripts)) if (typeof v !== 'string') out.push(`scripts.${k} must be a string`);
    }
  }
  if ('env' in app) {
    if (!isObj(app.env)) out.push('env must be an object');
    else
      for (const [k, v] of Object.entries(app.env)) {
        if (!/^[A-Z][A-Z0-9_]*$/.test(k)) continue; // the schema only constrains upper-case names
        if (!isObj(v)) {
          out.push(`env.${k} must be an object`);
          continue;
        }
        onlyKeys(v, ['description', 'value', 'required', 'generator'], `env.${k}`, out);
        for (const s of ['description', 'value']) if (s in v && typeof v[s] !== 'string') out.push(`env.${k}.${s} must be a string`);
        if ('required' in v && typeof v.required !== 'boolean') out.push(`env.${k}.required must be a boolean`);
        if ('generator' in v && v.generator !== 'secret') out.push(`env.${k}.generator must be "secret"`);
      }
  }
  if ('formation' in app) {
    if (!isObj(app.formation)) out.push('formation must be an object');
    else
      for (const [k, v] of Object.entries(app.formation)) {
        if (!/^[a-zA-Z0-9_-]+$/.test(k)) continue;
        if (!isObj(v)) {
          out.push(`formation.${k} must be an object`);
          continue;
        }
        onlyKeys(v, ['quantity', 'size'], `formation.${k}`, out);
        if (!Number.isInteger(v.quantity) || (v.quantity as number) < 0) out.push(`formation.${k}.quantity must be a whole number ≥ 0`);
        if ('size' in v && !DYNO_SIZES.includes(v.size as string)) out.push(`formation.${k}.size must be one of ${DYNO_SIZES.join(', ')}`);
      }
  }
  if ('addons' in app) {
    if (!Array.isArray(app.addons)) out.push('addons must be a list');
    else
      app.addons.forEach((a, i) => {
        if (typeof a === 'string') return;
        if (!isObj(a) || typeof a.plan !== 'string') return void out.push(`addons[${i}] must be a plan string or an object with "plan"`);
        onlyKeys(a, ['plan', 'as', 'options'], `addons[${i}]`, out);
        if ('as' in a && typeof a.as !== 'string') out.push(`addons[${i}].as must be a string`);
        if ('options' in a && !isObj(a.options)) out.push(`addons[${i}].options must be an object`);
      });
  }
  if ('buildpacks' in app) {
    if (!Array.isArray(app.buildpacks)) out.push('buildpacks must be a list');
    else
      app.buildpacks.forEach((b, i) => {
        if (!isObj(b) || typeof b.url !== 'string') return void out.push(`buildpacks[${i}] must be an object with a "url" string`);
        onlyKeys(b, ['url'], `buildpacks[${i}]`, out);
      });
  }
  if ('environments' in app) {
    if (!isObj(app.environments)) out.push('environments must be an object');
    else {
      onlyKeys(app.environments, ['test', 'review', 'production'], 'environments', out);
      for (const [k, e] of Object.entries(app.environments)) {
        if (!isObj(e)) {
          out.push(`environments.${k} must be an object`);
          continue;
        }
        for (const o of ['env', 'formation']) if (o in e && !isObj(e[o])) out.push(`environments.${k}.${o} must be an object`);
        for (const l of ['addons', 'buildpacks']) if (l in e && !Array.isArray(e[l])) out.push(`environments.${k}.${l} must be a list`);
        if (k === 'test' && 'scripts' in e) {
          if (!isObj(e.scripts)) out.push('environments.test.scripts must be an object');
          else {
            onlyKeys(e.scripts, ['test'], 'environments.test.scripts', out);
            if ('test' in e.scripts && typeof e.scripts.test !== 'string') out.push('environments.test.scripts.test must be a string');
          }
        }
      }
    }
  }
  return out;
}
