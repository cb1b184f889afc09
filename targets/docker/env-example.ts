/**
 * `.env.example`: every variable the app reads (the model's env), one block each with its description and its kind,
 * and never a value. compose.yaml reads `.env` beside it; copying this file there and filling in the secrets is a
 * local run's setup, and the file is the list a newcomer needs. Values, even plain ones, stay in deploy.yaml (and
 * compose.yaml sets them): the file holds names only, so it can never leak a secret.
 */
import type { DeployModel, EnvVarModel } from '../../src/model/model.js';
import { HEADER } from './dockerfile.js';

const KIND: Record<EnvVarModel['kind'], string> = {
  secret: 'secret: set it in .env, never commit it',
  generated: 'generated secret: make one with python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
  plain: 'plain: its value is in deploy.yaml, and compose.yaml sets it',
  reference: 'set from a resource URL: compose.yaml sets it to its local service',
};

/** One line of text: control characters and line breaks become spaces, so a description cannot start a variable. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function envExample(model: DeployModel): string {
  const out = [
    `# ${HEADER}`,
    '# Every variable the app reads, without values. For a local run: cp .env.example .env, then fill in the secrets',
    '# (compose.yaml reads .env; never commit it). Variables left commented out are set by compose.yaml.',
  ];
  for (const v of model.env) {
    out.push('');
    const what = oneLine(v.description);
    out.push(`# ${v.name}${what ? ` - ${what}` : ''}`);
    out.push(`# (${KIND[v.kind]}${v.required ? '' : '; optional'}${v.scope === 'build' ? '; used at build time only' : ''})`);
    out.push(v.kind === 'secret' || v.kind === 'generated' ? `${v.name}=` : `# ${v.name}=`);
  }
  return out.join('\n') + '\n';
}
