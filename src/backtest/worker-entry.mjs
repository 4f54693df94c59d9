// A worker thread starts without the parent's TypeScript loader. The built service (`npm run build`)
// has the compiled worker beside this file; run from source, tsx is registered first.
import { existsSync } from 'node:fs';

const built = new URL('./worker.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker.ts');
}
