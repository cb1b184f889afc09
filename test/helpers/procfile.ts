/**
 * A Procfile parser with the rules of Heroku's Cloud Native Buildpack (heroku/buildpacks-procfile, as summarised in
 * test/conformance/schemas/FORMAT-NOTES.md): what a generated Procfile must satisfy without any correction.
 */
export interface ProcfileEntry {
  name: string;
  command: string;
  line: number;
}

export interface ParsedProcfile {
  entries: ProcfileEntry[];
  warnings: string[];
  errors: string[];
}

const STRICT = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function parseProcfile(text: string): ParsedProcfile {
  const byName = new Map<string, ProcfileEntry>();
  const warnings: string[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const colon = raw.indexOf(':');
    if (colon < 0) return void errors.push(`line ${line}: not a "<process type>: <command>" line`);
    let name = raw.slice(0, colon).trim();
    const command = raw.slice(colon + 1).trim();
    if (name === '') return void errors.push(`line ${line}: missing process type`);
    if (command === '') return void errors.push(`line ${line}: process "${name}" has an empty command`);
    if (!STRICT.test(name)) {
      // Upper case and "_" are corrected with a warning; anything else is fatal.
      const fixed = name.toLowerCase().replace(/_/g, '-');
      if (!STRICT.test(fixed)) return void errors.push(`line ${line}: invalid process type "${name}"`);
      warnings.push(`line ${line}: process type "${name}" was corrected to "${fixed}"`);
      name = fixed;
    }
    if (byName.has(name)) warnings.push(`line ${line}: process type "${name}" is defined again; the last definition wins`);
    byName.set(name, { name, command, line });
  });
  if (byName.size === 0 && errors.length === 0) warnings.push('no processes defined');
  return { entries: [...byName.values()].sort((a, b) => a.line - b.line), warnings, errors };
}
