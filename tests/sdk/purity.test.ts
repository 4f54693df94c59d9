import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// A browser till runs the SDK core: everything it imports, however indirectly, must be the SDK, the
// engine, the contract, or one of the three pure libraries the engine uses.
const PURE_PACKAGES = new Set(['zod', 'yaml', '@marcbachmann/cel-js']);
const PURE_DIRECTORIES = ['sdk/src/', 'src/engine/', 'src/contract/'];
const NODE_ONLY_ENTRIES = new Set(['sdk/src/node.ts', 'sdk/src/outbox/sqlite.ts']);
const NODE_GLOBALS = /\b(process\.|Buffer\b|__dirname|__filename|require\()/;

/** Every file reachable from `entry` by static or dynamic imports, and every package named on the way. */
function importGraph(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)) {
      const specifier = (match[1] ?? match[2] ?? match[3])!;
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const target = normalize(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      expect(existsSync(target), `${file} imports ${specifier}`).toBe(true);
      pending.push(target);
    }
  }
  return { files: [...files].map((file) => relative('.', file)), packages: [...packages] };
}

describe('the SDK core', () => {
  const graph = importGraph('sdk/src/index.ts');

  it('reaches the client, the outbox and the engine (so the walk itself works)', () => {
    expect(graph.files).toEqual(expect.arrayContaining(['sdk/src/client.ts', 'sdk/src/outbox/outbox.ts', 'src/engine/compile.ts', 'src/contract/check.ts']));
  });

  it('imports nothing Node-only: no node: modules, no native packages, no service code', () => {
    expect(graph.packages.filter((name) => !PURE_PACKAGES.has(name))).toEqual([]);
    expect(graph.files.filter((file) => !PURE_DIRECTORIES.some((directory) => file.startsWith(directory)) || NODE_ONLY_ENTRIES.has(file))).toEqual([]);
  });

  it('uses no Node globals', () => {
    expect(graph.files.filter((file) => NODE_GLOBALS.test(readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('leaves SQLite to the Node entry point', () => {
    expect(importGraph('sdk/src/node.ts').packages).toContain('better-sqlite3');
  });
});
