/** Writes the commented deploy.yaml text for a draft: each imported fact says where it came from. */
import { isMap, isScalar } from 'yaml';
import type { Pair, YAMLMap } from 'yaml';
import { escapeControls } from '../io/terminal.js';
import { yamlDocument } from '../yaml-out.js';
import type { Draft } from './draft.js';

import pkg from '../../package.json' with { type: 'json' };

/**
 * The editor's schema, by a versioned public URL of the published package: it resolves in any project, with or
 * without node_modules (a Python project run through npx has none). The alternative for offline editing, once
 * deployspec is installed locally, is `$schema=./node_modules/deployspec/schema/deploy.schema.json` (README).
 */
export const SCHEMA_URL = `https://unpkg.com/deployspec@${pkg.version}/schema/deploy.schema.json`;
export const MODELINE = `# yaml-language-server: $schema=${SCHEMA_URL}`;

/** Spec keys in the order the README and examples use. */
const ORDER = ['version', 'name', 'description', 'runtime', 'django', 'client', 'processes', 'release', 'jobs', 'database', 'cache', 'static', 'media', 'hosts', 'env', 'monitoring', 'targets'];

/**
 * Comment text quoting project files (names, keys, lines that were not carried over): every control character and
 * line break but `\n` is written as an escape, so a CR, NEL or LINE SEPARATOR in an app.json key cannot end the
 * comment for a YAML 1.1 reader (PyYAML) and start a line of YAML that deployspec itself reads as a comment.
 */
function commentText(s: string): string {
  return escapeControls(s, { tabs: false });
}

function annotate(node: unknown, path: string[], d: Draft): void {
  if (!isMap(node)) return;
  for (const pair of (node as YAMLMap).items as Pair[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const p = [...path, key];
    const found = d.sources.get(p.join('.'));
    if (found) {
      const note = commentText(found);
      const v = pair.value;
      if (isScalar(v)) v.comment = ` ${note}`;
      else if (isScalar(pair.key)) pair.key.commentBefore = ` ${note}`;
    }
    annotate(pair.value, p, d);
  }
}

export function renderSpec(d: Draft): string {
  const ordered: Record<string, unknown> = {};
  for (const k of ORDER) if (d.spec[k] !== undefined) ordered[k] = d.spec[k];
  for (const k of Object.keys(d.spec)) if (!(k in ordered)) ordered[k] = d.spec[k];
  // Written like build's YAML: values copied from project files (`1:30`, `0o17`, `=`) stay strings for every reader.
  const doc = yamlDocument(ordered);
  annotate(doc.contents, [], d);
  // Numeric-looking versions must stay strings ("3.12", "16"): the schema wants strings.
  const text = doc.toString({ lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  const head = [MODELINE, '# Written by `deployspec init` from what it found in this project. Edit it, then run `deployspec build`.', ''];
  const tail = d.skipped.length
    ? ['', '# Not carried over (deployspec does not model these; move them by hand if you need them):', ...[...new Set(d.skipped)].map((s) => `#   - ${commentText(s).replace(/\n/g, ' ')}`)]
    : [];
  return head.join('\n') + '\n' + text.replace(/\n+$/, '\n') + (tail.length ? tail.join('\n') + '\n' : '');
}
