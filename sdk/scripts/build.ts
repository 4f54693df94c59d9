import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildBrowserBundle, buildModules, buildTypes } from './bundle.js';

// `npm run build:sdk`: sdk/dist/ — ESM for Node and bundlers, the browser bundle, and the types.
const sdk = join(import.meta.dirname, '..');
const dist = join(sdk, 'dist');
rmSync(dist, { recursive: true, force: true });
await buildModules(dist);
const browser = await buildBrowserBundle(join(dist, 'browser'));
buildTypes(dist);

// Every export a till can import has its code and its types, or the build fails here rather than in a
// till's type-check (`npm run check:sdk` then asks attw whether they resolve as they should).
const { exports } = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8')) as { exports: Record<string, string | { types?: string; default: string }> };
const untyped = Object.entries(exports)
  .filter(([name]) => name !== './package.json')
  .flatMap(([name, target]) =>
    typeof target === 'string' || !target.types ? [`${name} has no types`] : [target.types, target.default].filter((file) => !existsSync(join(sdk, file))).map((file) => `${name}: ${file} was not built`),
  );
if (untyped.length > 0) throw new Error(`sdk/package.json exports:\n${untyped.join('\n')}`);
console.error(`sdk/dist written; the browser bundle is ${(browser.bytes / 1024).toFixed(1)} KB, ${(browser.gzipBytes / 1024).toFixed(1)} KB gzipped`);
