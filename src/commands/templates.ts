/** `deployspec templates`: the text templates, the variables each receives, and the project's overrides. */
import { hasErrors } from '../diagnostics.js';
import { formatText, summary } from '../format.js';
import { BUILTIN_TEMPLATES } from '../generated/templates.js';
import { loadTemplates, OVERRIDE_DIR } from '../io/read.js';
import { templateVariables } from '../templates/vars.js';
import type { Io } from './io.js';
import { jsonText } from '../io/terminal.js';
import { UsageError } from './io.js';

export interface TemplateInfo {
  template: string;
  variables: string[];
}

/** Every built-in template with its variables, sorted by name. */
export function templateCatalogue(sources: Readonly<Record<string, string>> = BUILTIN_TEMPLATES): TemplateInfo[] {
  return Object.keys(sources)
    .sort()
    .map((template) => ({ template, variables: templateVariables(sources[template]!) }));
}

/** The README table: one row per template. */
export function templatesMarkdown(list: readonly TemplateInfo[]): string {
  const rows = list.map((t) => `| \`${t.template}\` | ${t.variables.map((v) => `\`${v}\``).join(', ') || '(none)'} |`);
  return ['| template | variables |', '|---|---|', ...rows].join('\n') + '\n';
}

export async function templatesCommand(io: Io, opts: { format?: string }): Promise<number> {
  const format = opts.format ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`--format must be text, json or markdown, not ${JSON.stringify(format)}`);
  const list = templateCatalogue();
  const loaded = await loadTemplates(io.cwd, io.cwd);
  const overridden = new Set(loaded.overridden);
  if (format === 'json') {
    io.out(jsonText({ command: 'templates', ok: !hasErrors(loaded.diagnostics), templates: list.map((t) => ({ ...t, overridden: overridden.has(t.template) })), diagnostics: loaded.diagnostics }) + '\n');
  } else if (format === 'markdown') {
    io.out(templatesMarkdown(list));
  } else {
    if (!list.length) io.out('no text templates are built in\n');
    for (const t of list) {
      io.out(`${t.template}${overridden.has(t.template) ? `  (overridden by ${OVERRIDE_DIR}/${t.template})` : ''}\n`);
      for (const v of t.variables) io.out(`  ${v}\n`);
    }
    io.out(`\nOverride one by copying it to ${OVERRIDE_DIR}/<target>/<file>.hbs; it may use only the variables listed.\n`);
  }
  if (loaded.diagnostics.length && format !== 'json') io.err(formatText(loaded.diagnostics, new Map(), io.colors) + '\n' + summary(loaded.diagnostics) + '\n');
  return hasErrors(loaded.diagnostics) ? 1 : 0;
}
