/** targets.<name>.overrides patch one list item by its identity instead of replacing the whole list. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { mergeOverrides } from '../src/model/overrides.js';
import { compileText, MINIMAL, yaml } from './helpers/spec.js';
import { digitalocean } from '../targets/digitalocean/digitalocean.js';
import { heroku } from '../targets/heroku/heroku.js';

test('lists of named items merge item by item; new names are appended; other lists replace; null removes', () => {
  const base = { services: [{ name: 'web', run_command: 'gunicorn', instance_count: 1 }, { name: 'api', run_command: 'x' }], tags: ['a', 'b'], keep: 1, drop: 2 };
  const over = { services: [{ name: 'web', source_dir: 'backend' }, { name: 'extra', run_command: 'y' }], tags: ['c'], drop: null };
  assert.equal(mergeOverrides(base, over), {
    services: [{ name: 'web', run_command: 'gunicorn', instance_count: 1, source_dir: 'backend' }, { name: 'api', run_command: 'x' }, { name: 'extra', run_command: 'y' }],
    tags: ['c'],
    keep: 1,
  });
  assert.equal(mergeOverrides([{ key: 'A', value: '1' }, { key: 'B', value: '2' }], [{ key: 'B', scope: 'RUN_TIME' }]), [{ key: 'A', value: '1' }, { key: 'B', value: '2', scope: 'RUN_TIME' }]);
});

test('App Platform: an override patches the web service alone', () => {
  const r = compileText(MINIMAL + yaml`
    processes:
      worker:
        command: celery -A mysite worker
    targets:
      digitalocean:
        overrides:
          services:
            - name: web
              source_dir: backend
          envs:
            - key: DJANGO_SETTINGS_MODULE
              scope: RUN_TIME
  `, { targets: [digitalocean] });
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const spec = parse(r.files.find((f) => f.path === '.do/app.yaml')!.contents);
  assert.is(spec.services.length, 1);
  assert.is(spec.services[0].source_dir, 'backend');
  assert.ok(spec.services[0].run_command.startsWith('gunicorn'), 'the rest of the service is kept');
  assert.is(spec.workers[0].name, 'worker');
  const dsm = spec.envs.find((e: { key: string }) => e.key === 'DJANGO_SETTINGS_MODULE');
  assert.is(dsm.scope, 'RUN_TIME');
  assert.ok(dsm.value, 'the value is kept');
});

test('Heroku: a buildpack list without identities replaces; an env entry patches by name', () => {
  const r = compileText(MINIMAL + yaml`
    targets:
      heroku:
        overrides:
          buildpacks:
            - url: heroku/python
            - url: https://github.com/heroku/heroku-buildpack-apt
          env:
            DJANGO_SETTINGS_MODULE:
              required: true
  `, { targets: [heroku] });
  const app = JSON.parse(r.files.find((f) => f.path === 'app.json')!.contents);
  assert.equal(app.buildpacks, [{ url: 'heroku/python' }, { url: 'https://github.com/heroku/heroku-buildpack-apt' }]);
  assert.is(app.env.DJANGO_SETTINGS_MODULE.required, true);
  assert.ok(app.env.DJANGO_SETTINGS_MODULE.value);
});

test.run();
