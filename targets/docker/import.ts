/**
 * What `init` lists of a project's container files. Nothing is imported from them: the docker target writes its own
 * Dockerfile and compose.yaml from deploy.yaml, and the listing says what happens to the project's.
 */
import type { Importer } from '../../src/target.js';

export const importers: readonly Importer[] = [
  {
    files: [
      {
        matches: (p) => /(^|\/)(Dockerfile|Containerfile)([.-][^/]*)?$|(^|\/)[^/]+\.(Dockerfile|Containerfile)$/.test(p),
        why: 'not read: the docker target writes its own Dockerfile from deploy.yaml (build steps it lacks: targets.docker.system_packages, or a template override)',
      },
      {
        matches: (p) => /(^|\/)docker-compose([.-][^/]*)?\.ya?ml$/.test(p) || /(^|\/)compose\.yml$/.test(p),
        why: 'not read: the docker target writes compose.yaml, which docker compose reads before this file; remove it once compose.yaml has what you need',
      },
      { matches: (p) => /(^|\/)compose(\.[^/]+)?\.yaml$/.test(p), why: 'not read: the docker target writes its own compose.yaml (and compose.<env>.yaml) from deploy.yaml' },
      { matches: (p) => /(^|\/)\.dockerignore$/.test(p), why: 'not read: the docker target writes its own .dockerignore' },
    ],
  },
];
