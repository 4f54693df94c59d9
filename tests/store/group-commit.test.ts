import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../src/store/index.js';

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-commit-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'vouchsafe.db');
}

const audit = (store: ReturnType<typeof openStore>, n: number) =>
  store.transaction(() => store.audit.append({ at: n, actor: 'test', action: 'test.write', subject: String(n), detail: {} }));

describe('group commit', () => {
  it('lets the writes of one event-loop turn share a commit, each durable once awaited', async () => {
    const path = tempPath();
    const commits: number[] = [];
    const store = openStore(path, { groupCommit: { onCommit: (transactions) => commits.push(transactions) } });
    for (let n = 0; n < 10; n++) audit(store, n);
    expect(commits).toEqual([]);
    await store.durable();
    expect(commits).toEqual([10]);
    audit(store, 10);
    await store.durable();
    expect(commits).toEqual([10, 1]);
    // Another connection sees every write: they were committed, not just visible to the writer.
    const reader = new Database(path, { readonly: true });
    expect((reader.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'test.write'").get() as { n: number }).n).toBe(11);
    reader.close();
    store.close();
  });

  it('rolls back a failing transaction alone, keeping the others in its commit', async () => {
    const path = tempPath();
    const store = openStore(path, { groupCommit: true });
    audit(store, 1);
    expect(() =>
      store.transaction(() => {
        store.audit.append({ at: 2, actor: 'test', action: 'test.write', subject: 'doomed', detail: {} });
        throw new Error('a route refused the request');
      }),
    ).toThrow('a route refused');
    audit(store, 3);
    await store.durable();
    expect(store.audit.recent(10).filter((e) => e.action === 'test.write').map((e) => e.subject)).toEqual(['3', '1']);
    store.close();
  });

  it('commits what is pending when the store closes', () => {
    const path = tempPath();
    const store = openStore(path, { groupCommit: true });
    audit(store, 1);
    store.close();
    const reopened = openStore(path);
    expect(reopened.audit.recent(5).some((e) => e.subject === '1')).toBe(true);
    reopened.close();
  });
});

describe('background checkpoints', () => {
  it('copy the WAL into the database file from a worker, not on writes', async () => {
    const path = tempPath();
    const store = openStore(path, { background: { onError: (error) => { throw error; } } });
    const size = () => statSync(path).size;
    const before = size();
    store.transaction(() => {
      for (let n = 0; n < 3000; n++) store.audit.append({ at: n, actor: 'test', action: 'test.bulk', subject: 'x'.repeat(200), detail: { n } });
    });
    // The writer never checkpoints itself (that is the point), so the file grows only when the worker runs.
    expect(size()).toBe(before);
    await expect.poll(size, { timeout: 5000, interval: 100 }).toBeGreaterThan(before + 500_000);
    store.close();
  });
});
