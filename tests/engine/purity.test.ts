import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The till SDK runs the engine offline, in browsers too: the engine and the contract may import
// only each other, zod, yaml and the CEL library.
const ALLOWED = [/^\.\.?\//, /^zod$/, /^yaml$/, /^@marcbachmann\/cel-js$/];

function importsOf(directory: string): Array<{ file: string; specifier: string }> {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => {
      const text = readFileSync(join(directory, name), 'utf8');
      return [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g)].map((m) => ({
        file: join(directory, name),
        specifier: (m[1] ?? m[2])!,
      }));
    });
}

describe('the engine and contract', () => {
  for (const directory of ['src/engine', 'src/contract']) {
    it(`${directory} imports nothing Node-only and nothing outside the engine and contract`, () => {
      const offending = importsOf(directory).filter(
        ({ specifier }) =>
          !ALLOWED.some((pattern) => pattern.test(specifier)) || /\/(store|http|rule-sets)\//.test(specifier) || /^\.\.\/[a-z-]+\.js$/.test(specifier),
      );
      expect(offending).toEqual([]);
    });
  }
});
