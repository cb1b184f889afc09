/** Every example, built for every target that has a conformance module, is accepted by the platform's own checks. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TARGETS } from '../targets/index.js';
import { CONFORMANCE_MODULES } from './helpers/conformance.js';
import { EXAMPLES, exampleText } from './helpers/paas.js';
import { compileText, skipLoudly } from './helpers/spec.js';

for (const target of TARGETS) {
  const m = CONFORMANCE_MODULES.get(target.name);
  if (!m) continue;
  const name = `${target.name}: every example's output passes the platform's own checks`;
  if (m.unavailable) {
    skipLoudly(name, m.unavailable);
    test.skip(name, () => {});
    continue;
  }
  test(name, () => {
    for (const ex of EXAMPLES) {
      const r = compileText(exampleText(ex), { targets: [target] });
      assert.equal(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), [], `${ex} builds`);
      assert.equal(m.conformance(r), [], `${ex}/${target.name}`);
    }
  });
}

test.run();
