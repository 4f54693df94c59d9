import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildBrowserBundle, buildModules, buildTypes } from './bundle.js';

// `npm run build:sdk`: sdk/dist/ — ESM for Node and bundlers, the browser bundle, and the types.
const dist = join(import.meta.dirname, '..', 'dist');
rmSync(dist, { recursive: true, force: true });
await buildModules(dist);
const browser = await buildBrowserBundle(join(dist, 'browser'));
buildTypes(dist);
console.error(`sdk/dist written; the browser bundle is ${(browser.bytes / 1024).toFixed(1)} KB, ${(browser.gzipBytes / 1024).toFixed(1)} KB gzipped`);
