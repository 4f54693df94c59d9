import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTBOX_STORAGE_CHECKS, runCheck, type StorageUnderTest } from '../../sdk/src/outbox/conformance.js';
import { memoryOutbox } from '../../sdk/src/outbox/memory.js';
import { sqliteOutbox } from '../../sdk/src/outbox/sqlite.js';

// The conformance checks every OutboxStorage runs (sdk/src/outbox/conformance.ts); IndexedDB runs
// the same ones in Chromium (browser-outbox.test.ts).
const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const subjects: Array<[string, StorageUnderTest]> = [
  ['memoryOutbox', { durable: false, place: () => ({ open: () => memoryOutbox() }) }],
  [
    'sqliteOutbox',
    {
      durable: true,
      place() {
        const path = join(dir, `outbox-${(files += 1)}.db`);
        return { open: () => sqliteOutbox(path) };
      },
    },
  ],
];

describe.each(subjects)('%s conforms', (_name, subject) => {
  it.each(OUTBOX_STORAGE_CHECKS.filter((check) => subject.durable || !check.durableOnly).map((check) => [check.name, check] as const))('%s', async (_check, check) => {
    const result = await runCheck(check, subject);
    expect(result.problem).toBeUndefined();
    expect(result.passed).toBe(true);
  });
});

describe('a storage that breaks the contract', () => {
  it('fails the checks it breaks, saying what was wrong', async () => {
    // Hands entries back newest first, and forgets dead letters.
    const careless = () => {
      const inner = memoryOutbox();
      return {
        ...inner,
        async load() {
          const loaded = await inner.load();
          return { ...loaded, entries: [...loaded.entries].reverse(), deadLetters: [] };
        },
      };
    };
    const results = await Promise.all(OUTBOX_STORAGE_CHECKS.filter((check) => !check.durableOnly).map((check) => runCheck(check, { durable: false, place: () => ({ open: careless }) })));
    const failed = results.filter((result) => !result.passed).map((result) => result.name);
    expect(failed).toEqual(expect.arrayContaining(['hands back entries in the order they were queued, exactly as written', 'deadLetter() takes the entry off the queue and keeps the letter, oldest first']));
    expect(results.find((result) => result.name === 'a new storage is empty')?.passed).toBe(true);
    expect(results.find((result) => !result.passed)?.problem).toMatch(/expected .* got /);
  });
});
