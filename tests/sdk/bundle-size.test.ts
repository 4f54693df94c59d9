import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROWSER_BUNDLE_BUDGET, buildBrowserBundle } from '../../sdk/scripts/bundle.js';

const out = mkdtempSync(join(tmpdir(), 'vouchsafe-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the browser bundle', () => {
  it('stays within its size budget, with none of zod’s unused locales', { timeout: 120_000 }, async () => {
    const bundle = await buildBrowserBundle(out);
    expect(bundle.gzipBytes, `gzipped: ${bundle.gzipBytes} bytes; by input: ${JSON.stringify(bundle.inputs)}`).toBeLessThanOrEqual(BROWSER_BUNDLE_BUDGET.gzipBytes);
    expect(Object.keys(bundle.inputs)).toEqual(expect.arrayContaining(['zod', 'yaml', '@marcbachmann/cel-js', 'sdk/src', 'src/engine', 'src/contract']));
    // English is the only locale zod is ever configured with; the others were 260 KB of the bundle.
    expect(bundle.inputs['zod-english-only:zod-locales']).toBeDefined();
    expect(bundle.inputs.zod).toBeLessThan(200_000);
  });
});
