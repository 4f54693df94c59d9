import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import { decode, OutboxEntry } from '../../sdk/src/outbox/entry.js';
import { memoryOutbox } from '../../sdk/src/outbox/memory.js';
import { sqliteOutbox } from '../../sdk/src/outbox/sqlite.js';
import type { OutboxStorage } from '../../sdk/src/outbox/storage.js';
import { outboxEntry } from './helpers/arbitraries.js';

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-outbox-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'outbox.db');
}

const adapters: Array<[string, () => OutboxStorage]> = [
  ['memoryOutbox', () => memoryOutbox()],
  ['sqliteOutbox', () => sqliteOutbox(tempFile())],
];

describe.each(adapters)('%s', (_name, make) => {
  it('hands back entries in the order they were queued, without what was delivered or dead-lettered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(outboxEntry, { selector: (entry) => entry.id, minLength: 1, maxLength: 12 }), fc.nat(), async (entries, pick) => {
        const storage = make();
        for (const entry of entries) await storage.append(entry);
        const gone = entries[pick % entries.length]!;
        if (pick % 2 === 0) await storage.delivered(gone.id, { localId: 'local_01m888psdy7yqz3cp2mv2b0bjm', checkId: 'chk_01m888psdy7yqz3cp2mv2b0bjm', linkedAt: Date.now() });
        else await storage.deadLetter(gone.id, { failedAt: 1, failure: { message: 'refused', status: 409 }, entry: gone });
        const loaded = await storage.load();
        await storage.close();
        expect(loaded.entries).toEqual(entries.filter((entry) => entry.id !== gone.id));
        expect(loaded.links.length + loaded.deadLetters.length).toBe(1);
      }),
      { numRuns: 10 },
    );
  });
});

describe('sqliteOutbox', () => {
  it('keeps the queue, the dead letters, the id links and the rule set across a restart', async () => {
    const path = tempFile();
    const [first, second, third] = fc.sample(outboxEntry, { numRuns: 3, seed: 42 }) as [OutboxEntry, OutboxEntry, OutboxEntry];
    const before = sqliteOutbox(path);
    await before.append(first);
    await before.append(second);
    await before.append(third);
    const link = { localId: 'local_01m888psdy7yqz3cp2mv2b0bjm', checkId: 'chk_01m888psdy7yqz3cp2mv2b0bjm', linkedAt: Date.now() };
    await before.delivered(first.id, link);
    await before.deadLetter(second.id, { failedAt: 1, failure: { message: '409 outcome_conflict', status: 409 }, entry: second });
    await before.saveRuleSet({ etag: '"abc"', source: { files: [{ path: 'a.yaml', content: 'rules: []' }], prompts: [{ path: 'prompts/en-GB.yaml', content: 'x' }] } });
    await before.close();

    const after = await sqliteOutbox(path).load();
    expect(after.entries).toEqual([third]);
    expect(after.links).toEqual([link]);
    expect(after.deadLetters).toMatchObject([{ failure: { status: 409 }, entry: second }]);
    expect(after.ruleSet?.etag).toBe('"abc"');
  });

  it('dead-letters a row it cannot read, with its text, and still hands back the rest in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(outboxEntry, { selector: (entry) => entry.id, minLength: 2, maxLength: 6 }),
        fc.oneof(fc.string(), fc.jsonValue().map((value) => JSON.stringify(value))),
        async (entries, garbage) => {
          const path = tempFile();
          const storage = sqliteOutbox(path);
          await storage.append(entries[0]!);
          await storage.close();
          // Another program, a newer SDK or a damaged disk wrote this row.
          const db = new Database(path);
          db.prepare('INSERT INTO entries (id, entry) VALUES (?, ?)').run('garbage', garbage);
          db.close();
          const reopened = sqliteOutbox(path);
          for (const entry of entries.slice(1)) await reopened.append(entry);
          const loaded = await reopened.load();
          const again = await reopened.load();
          await reopened.close();

          const readable = decode(OutboxEntry, garbage).ok;
          expect(loaded.entries.length).toBe(entries.length + (readable ? 1 : 0));
          if (!readable) {
            expect(loaded.entries).toEqual(entries);
            expect(loaded.deadLetters).toEqual([expect.objectContaining({ unreadable: garbage })]);
            expect(again.deadLetters).toHaveLength(1);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('refuses a file written by a newer SDK rather than misread it', () => {
    const path = tempFile();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => sqliteOutbox(path)).toThrow(/newer SDK/);
  });
});

describe('the outbox format', () => {
  it('reads back every entry exactly as it was written', () => {
    fc.assert(
      fc.property(outboxEntry, (entry) => {
        expect(decode(OutboxEntry, JSON.stringify(entry))).toEqual({ ok: true, value: entry });
      }),
    );
  });

  it('never throws on text that is not an entry', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((value) => JSON.stringify(value))), (text) => {
        const decoded = decode(OutboxEntry, text);
        return decoded.ok || decoded.error.length > 0;
      }),
    );
  });
});
