import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * How the SDK package is built. The contract and the engine live in the service's `src/`; they are
 * bundled into the SDK's output here, so nothing in `dist/` reaches outside the package at run time.
 */

const SDK = join(import.meta.dirname, '..');
const ROOT = join(SDK, '..');
const require = createRequire(import.meta.url);

/** What the package's Node and bundler entry points import rather than carry: its npm dependencies. */
const DEPENDENCIES = Object.keys((JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);

/**
 * What the browser bundle is built for: ES2020 syntax, so the bundle parses in every browser listed
 * in sdk/README.md. Newer built-ins the code may call are looked up when called, never at load.
 */
export const BROWSER_TARGET = ['es2020', 'chrome80', 'edge80', 'firefox78', 'safari15'];

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
      args.importer.includes(`${join('node_modules', 'zod')}`) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: `export { default as en } from ${JSON.stringify(english)};`,
      resolveDir: dirname(english),
    }));
  },
};

/** ESM for Node and bundlers: the SDK, the contract and the engine in, its npm dependencies out. */
export async function buildModules(outdir: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      index: 'sdk/src/index.ts',
      node: 'sdk/src/node.ts',
      prompt: 'sdk/src/prompt/index.ts',
      conformance: 'sdk/src/outbox/conformance.ts',
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: [...DEPENDENCIES, 'better-sqlite3'],
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
}

/**
 * What the browser bundle may weigh. The target is 60 KB gzipped; today's floor is set by the
 * dependencies the offline engine needs (gzipped: zod's classic API ~54 KB, yaml ~30 KB, cel-js
 * ~26 KB). Going lower takes a contract on zod/mini or a rule-set format the browser need not parse
 * as YAML: see sdk/README.md. The budget holds today's size so nothing grows it unnoticed.
 */
// Not the 60 KB the browser SDK aims at: what is left is the offline engine itself (see sdk/README.md, "Size").
export const BROWSER_BUNDLE_BUDGET = { gzipBytes: 160 * 1024 };

export interface BrowserBundle {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Minified bytes each package (or our own `src/`, `sdk/`) adds. */
  inputs: Record<string, number>;
}

/** One file a page can load with `<script type="module">`: the SDK, `indexedDbOutbox()` and `<vouchsafe-prompt>`, every dependency in. */
export async function buildBrowserBundle(outdir: string, entry = 'sdk/src/browser.ts', name = 'vouchsafe-till.js'): Promise<BrowserBundle> {
  const path = join(outdir, name);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile: path,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: BROWSER_TARGET,
    minify: true,
    metafile: true,
    legalComments: 'eof',
    // The one file a vendor copies into a web till carries its licence with it; dependencies' notices follow at the end.
    banner: { js: '/*! @vouchsafe/till | Copyright 2026 The Vouchsafe authors | SPDX-License-Identifier: Apache-2.0 */' },
    plugins: [englishOnlyZod],
    logLevel: 'warning',
  });
  const code = readFileSync(path);
  return { path, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, inputs: inputsOf(result.metafile) };
}

function inputsOf(metafile: Metafile): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const key = inPackage ? inPackage[1]! : file.split('/').slice(0, 2).join('/');
      sizes[key] = (sizes[key] ?? 0) + bytesInOutput;
    }
  }
  return sizes;
}

/** `.d.ts` for every entry point, with the contract's and the engine's beside them inside `dist/types`. */
export function buildTypes(outdir: string): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(SDK, 'tsconfig.build.json'), '--outDir', join(outdir, 'types')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
