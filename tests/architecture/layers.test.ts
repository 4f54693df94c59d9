import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers, lowest first. A file may import its own layer and the layers below it, never one above.
 * The SDK sits beside the service and shares only the contract and the engine, which stay pure so the
 * SDK can run them offline in a browser.
 */
const LAYERS: ReadonlyArray<{ name: string; paths: readonly string[]; packages: RegExp }> = [
  { name: 'contract', paths: ['src/contract/'], packages: /^zod$/ },
  { name: 'engine', paths: ['src/engine/'], packages: /^(zod|yaml|@marcbachmann\/cel-js)$/ },
  { name: 'store', paths: ['src/store/'], packages: /^(node:|better-sqlite3$|postgres$)/ },
  {
    name: 'domain',
    paths: [
      'src/access/',
      'src/checks/',
      'src/reviews/',
      'src/cases/',
      'src/stores/',
      'src/webhooks/',
      'src/rule-sets/',
      'src/reports/',
      'src/backtest/',
      'src/tuning/',
      'src/exchange/',
      'src/workers/',
      'src/errors.ts',
      'src/duration.ts',
      'src/log.ts',
      'src/tracing.ts',
      'src/metrics.ts',
      'src/sortable-id.ts',
      'src/customer-identifiers.ts',
      'src/services.ts',
    ],
    // Everything but the web framework: no Hono type below src/http/.
    packages: /^(?!hono|@hono\/)/,
  },
  { name: 'http', paths: ['src/http/'], packages: /./ },
  { name: 'app', paths: ['src/server.ts', 'src/run-server.ts', 'src/cli.ts', 'src/cli/', 'src/config.ts'], packages: /./ },
];
const SDK = { paths: ['sdk/src/'], mayImport: ['contract', 'engine'], packages: /^(zod|yaml|@marcbachmann\/cel-js|better-sqlite3)$/ };

const SOURCE = /\.(ts|tsx|mjs)$/;
const IMPORT = /\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]|new URL\(\s*['"](\.[^'"]+)['"]/gm;

export interface Import {
  file: string;
  specifier: string;
}

function layerOf(file: string): number {
  return LAYERS.findIndex((layer) => layer.paths.some((path) => file === path || file.startsWith(path)));
}

function target(file: string, specifier: string): string {
  return normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

/** Every import that points up a layer, out of the SDK's reach, or at a package the layer may not use. */
export function violations(imports: readonly Import[]): string[] {
  const found: string[] = [];
  for (const { file, specifier } of imports) {
    const relative = specifier.startsWith('.');
    if (file.startsWith('sdk/')) {
      if (!relative) {
        if (!SDK.packages.test(specifier) && !specifier.startsWith('node:')) found.push(`${file} imports the package ${specifier}`);
        continue;
      }
      const to = target(file, specifier);
      if (to.startsWith('sdk/')) continue;
      const layer = layerOf(to);
      if (layer < 0 || !SDK.mayImport.includes(LAYERS[layer]!.name)) found.push(`${file} (sdk) imports ${to}`);
      continue;
    }
    const from = layerOf(file);
    if (from < 0) {
      found.push(`${file} is in no layer: add it to the table in tests/architecture/layers.test.ts`);
      continue;
    }
    if (!relative) {
      if (!LAYERS[from]!.packages.test(specifier)) found.push(`${file} (${LAYERS[from]!.name}) imports the package ${specifier}`);
      continue;
    }
    const to = target(file, specifier);
    const layer = layerOf(to);
    if (layer > from) found.push(`${file} (${LAYERS[from]!.name}) imports ${to} (${LAYERS[layer]!.name}): an upward import`);
    if (/\/migrations\/\d/.test(to) && !file.includes('/migrations/')) found.push(`${file} imports the frozen migration ${to}`);
  }
  return found;
}

function importsUnder(directory: string): Import[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => SOURCE.test(name))
    .flatMap((name) => {
      const file = join(directory, name);
      // Type-only imports count too: a type from above is still a dependency on above.
      return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => ({ file, specifier: (m[1] ?? m[2] ?? m[3] ?? m[4])! }));
    });
}

describe('the layers', () => {
  const imports = [...importsUnder('src'), ...importsUnder('sdk/src')];

  it('finds the imports it judges (so the walk itself works)', () => {
    expect(imports.length).toBeGreaterThan(200);
    expect(imports).toContainEqual({ file: 'src/http/routes/checks/create.ts', specifier: '../../../contract/check.js' });
  });

  it('point only down: contract → engine → store → domain → http → app/cli, the SDK beside on contract and engine', () => {
    expect(violations(imports)).toEqual([]);
  });

  it('catch an upward import, a Hono import below http, an SDK import of the service, a live import of a migration and an unplaced file', () => {
    expect(
      violations([
        { file: 'src/store/checks.ts', specifier: '../checks/submit.js' },
        { file: 'src/engine/decide.ts', specifier: '../store/index.js' },
        { file: 'src/checks/submit.ts', specifier: 'hono/http-exception' },
        { file: 'src/engine/decide.ts', specifier: 'node:fs' },
        { file: 'sdk/src/client.ts', specifier: '../../src/store/index.js' },
        { file: 'src/store/reports.ts', specifier: './migrations/0040-reports.js' },
        { file: 'src/somewhere.ts', specifier: './log.js' },
      ]),
    ).toHaveLength(7);
    expect(violations([{ file: 'src/checks/submit.ts', specifier: '../store/index.js' }])).toEqual([]);
  });
});
