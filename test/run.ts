/**
 * Test entry: runs every test/**\/*.test.ts with uvu in one process, then prints the closing line
 * `N passed, N failed, N skipped` that CI reads. `npm test -- heroku` runs only files whose path contains "heroku".
 */
import fg from 'fast-glob';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (await fg('test/**/*.test.ts', { cwd: root })).sort().filter((f) => !filters.length || filters.some((p) => f.includes(p)));
if (!files.length) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

(globalThis as { UVU_DEFER?: number }).UVU_DEFER = 1;
const uvu = await import('uvu');
const queue = (globalThis as unknown as { UVU_QUEUE: unknown[][] }).UVU_QUEUE;
for (let i = 0; i < files.length; i++) {
  (globalThis as { UVU_INDEX?: number }).UVU_INDEX = i;
  queue.push([files[i]]);
  await import(pathToFileURL(root + files[i]).href);
}

let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;
await uvu.exec(false);
process.stdout.write = write;
const num = (label: string) => Number(new RegExp(`${label}:\\s+(?:\\u001b\\[\\d+m)?(\\d+)`).exec(captured)?.[1] ?? NaN);
const total = num('Total');
const passed = num('Passed');
const skipped = num('Skipped');
// uvu's Total counts the tests that ran; a test.skip is never registered, so it is in Skipped only.
const failed = total - passed;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || !Number.isFinite(failed)) process.exitCode = 1;
