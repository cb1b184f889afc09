/**
 * Handlebars rendering for line-oriented outputs. Values arrive pre-escaped by the emitters; templates only place them.
 * Built-in templates are precompiled at build time and run on the small Handlebars runtime; only a user's override
 * needs the template compiler, which the caller passes in (and loads only then).
 */
import runtimeModule from 'handlebars/runtime.js';
import type { TemplateDelegate } from 'handlebars';
import { BUILTIN_TEMPLATES } from './generated/templates.js';
import { COMPILED_TEMPLATES } from './generated/templates-compiled.js';

export type TemplateSources = Readonly<Record<string, string>>;

/** Same options as the precompiled built-ins (scripts/gen-templates.mjs). */
export const TEMPLATE_OPTIONS = { noEscape: true, strict: true, preventIndent: true } as const;

/** Compiles an override's source; `(await import('handlebars')).default.compile` fits. */
export type TemplateCompiler = (source: string, options: typeof TEMPLATE_OPTIONS) => TemplateDelegate;

// The runtime build has the same API as the full module minus the compiler; its typings only re-export the latter.
const HandlebarsRuntime = runtimeModule as unknown as typeof import('handlebars');

export function createRenderer(sources: TemplateSources, compiler?: TemplateCompiler): (name: string, view: object) => string {
  const runtime = HandlebarsRuntime.create();
  const cache = new Map<string, TemplateDelegate>();
  return (name, view) => {
    let tpl: TemplateDelegate | undefined = cache.get(name);
    if (tpl === undefined) {
      const src = sources[name];
      if (src === undefined) throw new Error(`template ${name} not found`);
      const spec = COMPILED_TEMPLATES[name];
      if (spec && src === BUILTIN_TEMPLATES[name]) tpl = runtime.template(spec);
      else if (compiler) tpl = compiler(src, TEMPLATE_OPTIONS);
      else throw new Error(`template ${name} is overridden but no template compiler was given`);
      cache.set(name, tpl);
    }
    return tpl(view);
  };
}
