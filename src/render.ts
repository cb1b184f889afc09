/** Handlebars rendering for line-oriented outputs. Values arrive pre-escaped by the emitters; templates only place them. */
import Handlebars from 'handlebars';

export type TemplateSources = Readonly<Record<string, string>>;

export function createRenderer(sources: TemplateSources): (name: string, view: object) => string {
  const hb = Handlebars.create();
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  return (name, view) => {
    let tpl = cache.get(name);
    if (!tpl) {
      const src = sources[name];
      if (src === undefined) throw new Error(`template ${name} not found`);
      tpl = hb.compile(src, { noEscape: true, strict: true, preventIndent: true });
      cache.set(name, tpl);
    }
    return tpl(view);
  };
}
