import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The SDK as a till vendor gets it: `npm pack`, installed into an empty project (its dependencies from
// the local npm cache, or the registry), type-checked and run there, with no part of this repository
// beside it.
const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'vouchsafe-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

let tarball: string;
let files: string[];
const scratch = join(work, 'scratch');

beforeAll(() => {
  // `prepack` builds sdk/dist: the ES modules, the browser bundle and the types.
  const packed = JSON.parse(run('npm', ['pack', '--workspace', '@vouchsafe/till', '--pack-destination', work, '--json'], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0]!.filename);
  files = packed[0]!.files.map((file) => file.path);
  mkdirSync(scratch);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'a-till', private: true, type: 'module' }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], scratch);
}, 300_000);

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js')).map((file) => join(dir, file));
}

describe('the packed SDK', () => {
  it('carries its licence, changelog, README, the built modules and their types, and no source', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'NOTICE', 'CHANGELOG.md', 'README.md', 'package.json', 'dist/index.js', 'dist/node.js', 'dist/prompt.js', 'dist/browser/vouchsafe-till.js', 'dist/types/sdk/src/index.d.ts']));
    expect(files.filter((file) => !file.startsWith('dist/') && !['LICENSE', 'NOTICE', 'CHANGELOG.md', 'README.md', 'package.json'].includes(file))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(scratch, 'node_modules/@vouchsafe/till/package.json'), 'utf8')) as { license: string; version: string };
    expect(manifest.license).toBe('Apache-2.0');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it('imports nothing outside itself but its declared dependencies', () => {
    const installed = join(scratch, 'node_modules/@vouchsafe/till');
    const { dependencies } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const allowed = new Set([...Object.keys(dependencies), 'better-sqlite3']);
    for (const file of jsFiles(join(installed, 'dist'))) {
      for (const [, from, bare, dynamic] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)) {
        const specifier = from ?? bare ?? dynamic;
        if (specifier!.startsWith('.')) expect(relative(installed, join(file, '..', specifier!)), `${file} imports ${specifier}`).toMatch(/^dist\//);
        else expect(allowed.has(specifier!.split('/').slice(0, specifier!.startsWith('@') ? 2 : 1).join('/')), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('type-checks a till written against it, and its types are not any', { timeout: 120_000 }, () => {
    writeFileSync(
      join(scratch, 'till.ts'),
      `import { createTillClient, indexedDbOutbox, CorsError, type TillDecision, type Basket } from '@vouchsafe/till';
import { sqliteOutbox } from '@vouchsafe/till/node';
import { checkOutboxStorage } from '@vouchsafe/till/conformance';
import { VouchsafePromptElement } from '@vouchsafe/till/prompt';
import { createTillClient as createBrowserTill, VouchsafePromptElement as BundledPrompt } from '@vouchsafe/till/browser';

const till = createTillClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'vsk_x', storeId: 'herts-markyate-003', tillId: 'T04', outbox: indexedDbOutbox({ name: 'till-T04' }) });
const basket: Basket = { transactionId: 'T04-1', currency: 'GBP', lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }] };
export async function sell(): Promise<string> {
  const decision: TillDecision = await till.check(basket);
  if (decision.source === 'offline' && decision.cause instanceof CorsError) return decision.cause.origin;
  const first = decision.prompt?.questions[0];
  // @ts-expect-error: an action is one of four words
  const wrong: typeof decision.action = 'maybe';
  return first ? first.options.map((option) => option.label).join() + wrong : decision.action;
}
export const durable = () => sqliteOutbox('till.db');
export const conforms = () => checkOutboxStorage({ durable: false, place: () => ({ open: () => indexedDbOutbox() }) });
export const element: typeof VouchsafePromptElement = VouchsafePromptElement;
export const bundled: typeof createTillClient = createBrowserTill;
export const bundledElement: typeof VouchsafePromptElement = BundledPrompt;
// @ts-expect-error: a basket needs lines
export const empty: Basket = { transactionId: 'T04-2', currency: 'GBP' };
`,
    );
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['till.ts'] }),
    );
    expect(() => run(process.execPath, [TSC, '-p', '.'], scratch)).not.toThrow();
  });

  it('passes Are the Types Wrong? (ESM only) and publint, every export typed', { timeout: 120_000 }, () => {
    const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
    // Exits non-zero on any export without types, or whose types resolve wrongly, under Node's ESM resolution or a bundler's.
    const attw = run(bin('attw'), ['--profile', 'esm-only', '--format', 'table-flipped', '--no-color', tarball], work);
    for (const entry of ['"@vouchsafe/till"', '"@vouchsafe/till/node"', '"@vouchsafe/till/prompt"', '"@vouchsafe/till/conformance"', '"@vouchsafe/till/browser"']) {
      expect(attw).toContain(entry);
    }
    expect(() => run(bin('publint'), ['run', '--strict', tarball], work)).not.toThrow();
  });

  it('decides offline in Node from the copy of the rules it carries', { timeout: 60_000 }, () => {
    writeFileSync(
      join(scratch, 'run.mjs'),
      `import { createTillClient } from '@vouchsafe/till';
const till = createTillClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'vsk_x', storeId: 'herts-markyate-003', tillId: 'T04', refreshRulesMs: 0, closeTimeoutMs: 10 });
const decision = await till.check({ transactionId: 'T04-1', currency: 'GBP', lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }], customer: { ageBand: '80_plus' } });
console.log(JSON.stringify({ source: decision.source, engine: decision.engine, action: decision.action, cause: decision.cause.name, origin: till.ruleSet().origin }));
await till.close();
`,
    );
    expect(JSON.parse(run(process.execPath, ['run.mjs'], scratch))).toEqual({ source: 'offline', engine: 'rules', action: 'hold', cause: 'ConnectionError', origin: 'bundled' });
  });
});
