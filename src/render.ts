/**
 * Handlebars rendering for line-oriented outputs. Values arrive pre-escaped by the emitters; templates only place them.
 * Built-in templates are precompiled at build time and run on the small Handlebars runtime; only a user's override
 * needs the template compiler, which the caller passes in (and loads only then).
 */
import runtimeModule from 'handlebars/runtime.js';
import type { TemplateDelegate } from 'handlebars';
import { BUILTIN_TEMPLATES } from './generated/templates.js';
import { COMPILED_TEMPLATES } from './generated/templates-compiled.js';
import type { Diagnostic } from './diagnostics.js';

export type TemplateSources = Readonly<Record<string, string>>;

/** Same options as the precompiled built-ins (scripts/gen-templates.mjs). */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true, preventIndent: true } as const;

/** Compiles an override's source; `(await import('handlebars')).default.compile` fits. */
export type TemplateCompiler = (source: string, options: typeof TEMPLATE_OPTIONS) => TemplateDelegate;

// The runtime build has the same API as the full module minus the compiler; its typings only re-export the latter.
const HandlebarsRuntime = runtimeModule as unknown as typeof import('handlebars');

/** Folder of the project's template overrides, beside the spec: `.deployspec/templates/<target>/<file>.hbs`. */
export const TEMPLATE_OVERRIDE_DIR = '.deployspec/templates';

/** A template that failed to compile or render: which one, whether it is the project's override, and where. */
export class TemplateRenderError extends Error {
  constructor(
    message: string,
    readonly template: string,
    readonly overridden: boolean,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

function failure(err: unknown, name: string, overridden: boolean): TemplateRenderError {
  if (err instanceof TemplateRenderError) return err;
  const e = err as { message?: string; lineNumber?: number; column?: number };
  const raw = String(e?.message ?? err).split('\n')[0]!;
  // Handlebars ends strict-mode messages with ` - line:column`; the position is also on the error.
  const pos = / - (\d+):(\d+)$/.exec(raw);
  const line = typeof e?.lineNumber === 'number' ? e.lineNumber : pos ? Number(pos[1]) : 1;
  const col = (typeof e?.column === 'number' ? e.column : pos ? Number(pos[2]) : 0) + 1;
  const message = raw.replace(/ - \d+:\d+$/, '').replace(/ in \[object Object\]/, '');
  return new TemplateRenderError(message, name, overridden, line, col);
}

export function createRenderer(sources: TemplateSources, compiler?: TemplateCompiler): (name: string, view: object) => string {
  const runtime = HandlebarsRuntime.create();
  // `{{log}}` would write to the console from inside a build: it renders nothing and prints nothing.
  runtime.registerHelper('log', () => '');
  runtime.log = () => undefined;
  const cache = new Map<string, TemplateDelegate>();
  return (name, view) => {
    const src = sources[name];
    if (src === undefined) throw new Error(`template ${name} not found`);
    const overridden = src !== BUILTIN_TEMPLATES[name];
    try {
      let tpl: TemplateDelegate | undefined = cache.get(name);
      if (tpl === undefined) {
        const spec = COMPILED_TEMPLATES[name];
        if (spec && !overridden) tpl = runtime.template(spec);
        else if (compiler) {
          // Overrides compile against the same isolated runtime (no `log`, no globally registered helpers).
          const compiled = compiler(src, TEMPLATE_OPTIONS);
          tpl = (ctx: unknown, options?: object) => compiled(ctx, { helpers: { log: () => '' }, ...options });
        } else throw new Error(`template ${name} is overridden but no template compiler was given`);
        cache.set(name, tpl);
      }
      return tpl(view);
    } catch (err) {
      throw failure(err, name, overridden);
    }
  };
}

/** The diagnostic for a template that failed: at the override's line when it is the project's, else at the spec. */
export function renderFailure(err: unknown, specFile: string, target: string): Diagnostic {
  const hint = 'Check the template override in .deployspec/templates/ for a misspelled variable or helper; `deployspec templates` lists what each template receives.';
  if (err instanceof TemplateRenderError && err.overridden) {
    const slash = specFile.lastIndexOf('/');
    const folder = slash >= 0 ? specFile.slice(0, slash + 1) : '';
    return { severity: 'error', code: `${target}/template`, message: `cannot render template override ${err.template}: ${err.message}`, hint, file: `${folder}${TEMPLATE_OVERRIDE_DIR}/${err.template}`, line: err.line, col: err.col, target };
  }
  return { severity: 'error', code: `${target}/template`, message: `cannot render ${target} output: ${(err as Error).message}`, hint, file: specFile, line: 1, col: 1, target };
}
