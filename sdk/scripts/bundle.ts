import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { englishOnlyZod, zodNamespaceImport, zodWithoutJsonSchema } from './zod-for-browsers.js';

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
 * The contract and the engine only declare at load (schemas, functions, constants), so a module of
 * theirs the SDK imports but never reads from can be left out. esbuild cannot tell that a zod call is
 * free of side effects; this says so for their modules as a whole (e.g. the offline policy's schemas,
 * which the till never reads).
 */
const DECLARATION_ONLY = ['contract', 'engine'].map((layer) => `${join(ROOT, 'src', layer)}/`);
export const declarationOnlyModules: Plugin = {
  name: 'declaration-only-modules',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (args.namespace !== 'file' || args.importer.includes('node_modules')) return undefined;
      const path = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      return DECLARATION_ONLY.some((dir) => path.startsWith(dir)) ? { path, sideEffects: false } : undefined;
    });
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
    plugins: [zodNamespaceImport],
    logLevel: 'warning',
  });
}

/**
 * What the browser bundle may weigh: today's size (141.4 KB gzipped, with till tokens; about 10 KB of it added in
 * December 2026 by the warm hand-off's texts in three languages, the cards sold (their schemas and the checks
 * that refuse PINs and redemption codes), the area-alert, visit-counting and exchange rules and prompts in
 * three languages, escalations, and `<vouchsafe-prompt>` following holds) and a little room, so nothing grows it unnoticed. Not yet the 60 KB: the offline engine the till runs in the browser
 * brings yaml (~30 KB gzipped), cel-js (~25 KB), zod (~23 KB) and the bundled rules as YAML (~13 KB);
 * the SDK, contract and engine are ~31 KB (`npx tsx sdk/scripts/measure-bundle.ts`). sdk/README.md ("Size") says what 60 KB would take.
 */
export const BROWSER_BUNDLE_BUDGET = { gzipBytes: 144 * 1024 };

export interface BrowserBundle {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Minified bytes each package (or our own `src/`, `sdk/`) adds. */
  inputs: Record<string, number>;
  /** Every module with code in it, as esbuild names it. */
  modules: string[];
}

/**
 * Leaves a package (imported, not bundled) or one of our modules (its exports undefined) out of a
 * bundle: how `sdk/scripts/measure-bundle.ts` tells what each part adds. Never in a bundle shipped.
 */
function leaveOut(parts: readonly string[]): Plugin {
  return {
    name: 'leave-out',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!parts.some((part) => args.path === join(ROOT, part))) return undefined;
        const names = [...readFileSync(args.path, 'utf8').matchAll(/^export const (\w+)/gm)].map((match) => match[1]!);
        return { contents: names.map((name) => `export const ${name} = undefined;`).join('\n'), loader: 'js' };
      });
    },
  };
}

/**
 * One file a page can load with `<script type="module">`: the SDK, `indexedDbOutbox()` and
 * `<vouchsafe-prompt>`, every dependency in. `without` is for measuring only (see leaveOut).
 */
export async function buildBrowserBundle(outdir: string, entry = 'sdk/src/browser.ts', name = 'vouchsafe-till.js', without: readonly string[] = []): Promise<BrowserBundle> {
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
    external: without.filter((part) => !part.includes('/') || part.startsWith('@')),
    // The one file a vendor copies into a web till carries its licence with it; dependencies' notices follow at the end.
    banner: { js: '/*! @vouchsafe/till | Copyright 2026 The Vouchsafe authors | SPDX-License-Identifier: Apache-2.0 */' },
    plugins: [leaveOut(without), englishOnlyZod, zodNamespaceImport, zodWithoutJsonSchema, declarationOnlyModules],
    logLevel: 'warning',
  });
  const code = readFileSync(path);
  return { path, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, inputs: inputsOf(result.metafile), modules: modulesIn(result.metafile) };
}

function modulesIn(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([file]) => file));
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
