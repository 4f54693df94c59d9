import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-commit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'vouchsafe.db');
}

const audit = (store: Store, n: number) =>
  store.transaction((tx) => tx.audit.append({ at: n, actor: 'test', action: 'test.write', subject: String(n), detail: {} }));

describe('group commit', () => {
  it('lets the writes of one event-loop turn share a commit, each durable once awaited', async () => {
    const path = tempPath();
    const commits: number[] = [];
    const store = await openStore(path, { groupCommit: { onCommit: (transactions) => commits.push(transactions) } });
    // Ten requests in one turn of the event loop: each runs its transaction, none waits for a commit.
    await Promise.all(Array.from({ length: 10 }, (_, n) => audit(store, n)));
    expect(commits).toEqual([]);
    await store.durable();
    expect(commits).toEqual([10]);
    await audit(store, 10);
    await store.durable();
    expect(commits).toEqual([10, 1]);
    // Another connection sees every write: they were committed, not just visible to the writer.
    const reader = new Database(path, { readonly: true });
    expect((reader.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'test.write'").get() as { n: number }).n).toBe(11);
    reader.close();
    await store.close();
  });

  it('rolls back a failing transaction alone, keeping the others in its commit', async () => {
    const path = tempPath();
    const store = await openStore(path, { groupCommit: true });
    await audit(store, 1);
    await expect(
      store.transaction(async (tx) => {
        await tx.audit.append({ at: 2, actor: 'test', action: 'test.write', subject: 'doomed', detail: {} });
        throw new Error('a route refused the request');
      }),
    ).rejects.toThrow('a route refused');
    await audit(store, 3);
    await store.durable();
    expect((await store.audit.recent(10)).filter((e) => e.action === 'test.write').map((e) => e.subject)).toEqual(['3', '1']);
    await store.close();
  });

  it('commits what is pending when the store closes', async () => {
    const path = tempPath();
    const store = await openStore(path, { groupCommit: true });
    await audit(store, 1);
    await store.close();
    const reopened = await openStore(path);
    expect((await reopened.audit.recent(5)).some((e) => e.subject === '1')).toBe(true);
    await reopened.close();
  });
});

describe('background checkpoints', () => {
  it('copy the WAL into the database file from a worker, not on writes', async () => {
    const path = tempPath();
    const store = await openStore(path, { background: { onError: (error) => { throw error; } } });
    const size = () => statSync(path).size;
    const before = size();
    await store.transaction(async (tx) => {
      for (let n = 0; n < 3000; n++) await tx.audit.append({ at: n, actor: 'test', action: 'test.bulk', subject: 'x'.repeat(200), detail: { n } });
    });
    // The writer never checkpoints itself (that is the point), so the file grows only when the worker runs.
    expect(size()).toBe(before);
    await expect.poll(size, { timeout: 5000, interval: 100 }).toBeGreaterThan(before + 500_000);
    await store.close();
  });

  it('copy the WAL of a database reached through a symbolic link, whose WAL SQLite keeps beside the real file', async () => {
    const real = tempPath();
    const first = await openStore(real);
    await first.close();
    const link = join(dirname(real), 'linked.db');
    symlinkSync(real, link);
    const store = await openStore(link, { background: { onError: (error) => { throw error; } } });
    const size = () => statSync(real).size;
    const before = size();
    await store.transaction(async (tx) => {
      for (let n = 0; n < 3000; n++) await tx.audit.append({ at: n, actor: 'test', action: 'test.bulk', subject: 'x'.repeat(200), detail: { n } });
    });
    await expect.poll(size, { timeout: 5000, interval: 100 }).toBeGreaterThan(before + 500_000);
    await store.close();
  });

  it('let a short WAL grow while writes trickle in, so that it starts over once per few MiB, not after every pass', async () => {
    const path = tempPath();
    const store = await openStore(path, { groupCommit: true, background: { onError: (error) => { throw error; } } });
    const size = () => statSync(path).size;
    const before = size();
    const trickle = async (bytes: number) => {
      await store.transaction((tx) => tx.audit.append({ at: 0, actor: 'test', action: 'test.trickle', subject: 'x'.repeat(bytes), detail: {} }));
      await store.durable();
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    // A commit every 20 ms for six of the worker's ticks, never a pause: each pass would let the next
    // write start the WAL over, syncing its header on this thread. A short WAL is left alone.
    for (let n = 0; n < 30; n++) await trickle(4096);
    expect(size()).toBe(before);
    // Past WAL_PASS_BYTES (4 MiB), still trickling: copied without waiting for writes to pause.
    for (let n = 0; n < 48 && size() === before; n++) await trickle(256 * 1024);
    expect(size()).toBeGreaterThan(before);
    await store.close();
  });

  it('keep the WAL bounded under writes that never pause, though the worker alone never lets it start over', async () => {
    const path = tempPath();
    const store = await openStore(path, { groupCommit: true, background: { onError: (error) => { throw error; } } });
    const wal = () => statSync(`${path}-wal`).size;
    let largest = 0;
    // 96 MiB in 1 MiB transactions, a commit each turn of the event loop: the writer never pauses long
    // enough for the worker's copy to catch up with it, so only the writer's own checkpoint starts it over.
    for (let batch = 0; batch < 96; batch++) {
      await store.transaction(async (tx) => {
        for (let n = 0; n < 16; n++) await tx.audit.append({ at: n, actor: 'test', action: 'test.bulk', subject: `${batch}:${n}:${'x'.repeat(65_536)}`, detail: {} });
      });
      await store.durable();
      largest = Math.max(largest, wal());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Bound 16 MiB, and the file kept at up to 32 MiB when the WAL starts over: never 96.
    expect(largest).toBeLessThan(48 * 1024 * 1024);
    await store.close();
    // A clean stop leaves no WAL behind.
    expect(existsSync(`${path}-wal`) ? wal() : 0).toBe(0);
  });

  it('leave an idle store alone: no transaction while nothing waits for the report roll-ups', async () => {
    const path = tempPath();
    const commits: number[] = [];
    const store = await openStore(path, { groupCommit: { onCommit: (transactions) => commits.push(transactions) }, background: { onError: (error) => { throw error; } } });
    // The roll-ups look for work every 25 ms; a look that finds none must not take the writer's turn.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(commits).toEqual([]);
    await store.close();
  });
});
