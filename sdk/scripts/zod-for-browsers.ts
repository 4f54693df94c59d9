import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * What keeps zod small in the SDK's bundles. The contract is written once, in zod's classic API, for
 * the service (its OpenAPI document needs it) and the SDK alike; these plugins leave out of the SDK's
 * bundles the parts of zod the SDK never runs, without changing a schema or a message.
 */

const require = createRequire(import.meta.url);
const ZOD = `${join('node_modules', 'zod')}`;

/**
 * zod's classic API exposes every locale's messages through `z.locales`, so a bundler keeps all of
 * them (about 260 KB) although only English is ever configured. The SDK never switches locale: the
 * browser bundle gets English alone, and validation messages read exactly as they do in Node.
 */
export const englishOnlyZod: Plugin = {
  name: 'zod-english-only',
  setup(esbuild) {
    const english = require.resolve('zod/v4/locales/en.js');
    esbuild.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(ZOD) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(english)};`,
      resolveDir: dirname(english),
    }));
  },
};

/** `import { z } from 'zod'`, the form the contract and the engine use (the size test notices another). */
const NAMED_Z_IMPORT = /^import \{ z \} from 'zod';$/m;

/**
 * `import { z } from 'zod'` hands esbuild `z` as a value (zod's index re-exports a namespace), so it
 * keeps every export zod has: JSON Schema conversion, `z.compile`, ISO helpers, some 90 KB minified.
 * `import * as z from 'zod'` is the same object at run time, and lets esbuild keep only the members
 * the code names. Rewritten here, at build time, so source files need not change form (and new ones
 * written the usual way are covered too).
 */
export const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!NAMED_Z_IMPORT.test(source)) return undefined;
      return { contents: source.replace(NAMED_Z_IMPORT, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

/**
 * zod's classic schemas each carry a `toJSONSchema()` method, so its JSON Schema generator (about
 * 18 KB minified) is bundled although the SDK never asks for one (the service's OpenAPI document is
 * made in Node, with all of zod). In the browser bundle these modules' exports refuse with a clear
 * error; `aggregateChecks`, which reads a schema's own checks (e.g. `z.number().int()`'s format, which
 * the engine reads to type CEL facts), stays the real one.
 */
export const zodWithoutJsonSchema: Plugin = {
  name: 'zod-without-json-schema',
  setup(esbuild) {
    const modules = ['to-json-schema', 'json-schema-processors'];
    const kept = new Set(['aggregateChecks']);
    esbuild.onResolve({ filter: /\/(to-json-schema|json-schema-processors)\.js$/ }, (args) =>
      args.importer.includes(ZOD) && args.namespace === 'file'
        ? { path: join(args.resolveDir, args.path), namespace: 'zod-without-json-schema' }
        : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'zod-without-json-schema' }, async (args) => {
      if (!modules.some((name) => args.path.endsWith(`/${name}.js`))) return undefined;
      const real = (await import(args.path)) as Record<string, unknown>;
      const lines = ["const refuse = () => { throw new Error('zod’s JSON Schema conversion is not in the Vouchsafe browser bundle'); };"];
      for (const [name, value] of Object.entries(real)) {
        if (kept.has(name)) lines.push(`export { ${name} } from ${JSON.stringify(args.path)};`);
        // Called as a schema is read (`~standard`), their results only when JSON Schema is asked for.
        else if (/^create\w*JSONSchemaMethod$/.test(name)) lines.push(`export const ${name} = () => refuse;`);
        else lines.push(`export const ${name} = ${typeof value === 'function' ? 'refuse' : '{}'};`);
      }
      return { contents: lines.join('\n'), resolveDir: dirname(args.path) };
    });
  },
};
