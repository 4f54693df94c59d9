/**
 * What each part of the browser bundle adds, gzipped: the bundle built without it, against the whole.
 *   npx tsx sdk/scripts/measure-bundle.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBrowserBundle } from './bundle.js';

const PARTS = ['yaml', '@marcbachmann/cel-js', 'zod', 'sdk/src/rules/bundled.ts'];
const out = mkdtempSync(join(tmpdir(), 'vouchsafe-measure-bundle-'));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(6)} KB`;
try {
  const whole = await buildBrowserBundle(out);
  console.log(`${'the browser bundle'.padEnd(28)}${kb(whole.gzipBytes)} gzipped (${kb(whole.bytes).trim()} minified)`);
  let rest = whole.gzipBytes;
  for (const part of PARTS) {
    const without = await buildBrowserBundle(out, undefined, undefined, [part]);
    rest -= whole.gzipBytes - without.gzipBytes;
    console.log(`${`  ${part}`.padEnd(28)}${kb(whole.gzipBytes - without.gzipBytes)}`);
  }
  const all = await buildBrowserBundle(out, undefined, undefined, PARTS);
  console.log(`${'  the SDK, contract, engine'.padEnd(28)}${kb(all.gzipBytes)} (the rest; the parts add up to the whole within ${kb(Math.abs(all.gzipBytes - rest)).trim()})`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
