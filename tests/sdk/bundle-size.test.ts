import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROWSER_BUNDLE_BUDGET, buildBrowserBundle } from '../../sdk/scripts/bundle.js';

const out = mkdtempSync(join(tmpdir(), 'vouchsafe-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the browser bundle', () => {
  it('stays within its size budget, with none of zod’s unused locales, JSON Schema generator or exports', { timeout: 120_000 }, async () => {
    const bundle = await buildBrowserBundle(out);
    expect(bundle.gzipBytes, `gzipped: ${bundle.gzipBytes} bytes; by input: ${JSON.stringify(bundle.inputs)}`).toBeLessThanOrEqual(BROWSER_BUNDLE_BUDGET.gzipBytes);
    expect(Object.keys(bundle.inputs)).toEqual(expect.arrayContaining(['zod', 'yaml', '@marcbachmann/cel-js', 'sdk/src', 'src/engine', 'src/contract']));
    // English is the only locale zod is ever configured with; the others were 260 KB of the bundle.
    expect(bundle.inputs['zod-english-only:zod-locales']).toBeDefined();
    // zod read as a namespace, without its JSON Schema generator: 193 KB minified without the two.
    expect(bundle.inputs.zod).toBeLessThan(95_000);
    // The offline policy's schemas are imported by the engine but never read in the till.
    expect(bundle.modules).toContain('src/contract/check.ts');
    expect(bundle.modules).not.toContain('src/contract/offline-policy.ts');
  });
});
