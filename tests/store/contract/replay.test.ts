import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { PeriodFilter, ReplayRow } from '../../../src/store/index.js';
import { checkWrite, save, DAY, HOUR, T0 } from './check-writes.js';
import { describeStores } from './adapters.js';

const read = async (rows: AsyncIterable<ReplayRow>) => {
  const all: ReplayRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
};

describeStores('replay', (adapter) => {
  it('streams live checks of the period in time order, each as last decided, with its outcome', async () => {
    const { store } = await adapter.fresh();
    const changed = checkWrite({ id: 'chk_b', at: T0 + HOUR, storedValue: 20_000, revision: 2, identities: ['card-1'] });
    await save(
      store,
      checkWrite({ id: 'chk_b', at: T0 + HOUR, storedValue: 50_000, action: 'hold', identities: ['card-1'] }),
      changed,
      // Same time: the id decides, byte by byte (upper case before lower).
      checkWrite({ id: 'chk_a', at: T0 + HOUR, storeId: 'store-2' }),
      checkWrite({ id: 'chk_Z', at: T0 + HOUR, storeId: 'store-2' }),
      checkWrite({ id: 'chk_first', at: T0 }),
      checkWrite({ id: 'chk_test', at: T0 + 2 * HOUR, livemode: false }),
      checkWrite({ id: 'chk_before', at: T0 - 1 }),
      checkWrite({ id: 'chk_at_end', at: T0 + DAY }),
    );
    await store.transaction((tx) =>
      tx.checks.recordOutcome('chk_b', { outcome: 'abandoned', recordedAt: T0 + 2 * HOUR, staffRef: null, policeReference: null, note: null, keyId: 'key-till' }),
    );
    const day: PeriodFilter = { from: T0, to: T0 + DAY, storeIds: null };

    const rows = await read(store.replay.checks(day));
    expect(rows.map((row) => row.checkId)).toEqual(['chk_first', 'chk_Z', 'chk_a', 'chk_b']);
    expect(await store.replay.count(day)).toBe(4);
    expect(rows[3]).toEqual({
      checkId: 'chk_b',
      storeId: 'store-1',
      occurredAt: T0 + HOUR,
      outcome: 'abandoned',
      storedValue: 20_000,
      identified: true,
      request: changed.evaluation.request,
      answers: changed.evaluation.answers,
      history: changed.evaluation.history,
    });

    const store2 = { ...day, storeIds: ['store-2'] };
    expect((await read(store.replay.checks(store2))).map((row) => row.checkId)).toEqual(['chk_Z', 'chk_a']);
    expect(await store.replay.count(store2)).toBe(2);
    expect(await read(store.replay.checks({ ...day, storeIds: [] }))).toEqual([]);
    expect(await store.replay.count({ ...day, storeIds: ['store-1', 'store-2'] })).toBe(4);
  });

  it('reads a period larger than one fetch, and lets go when its reader stops early', async () => {
    // One connection: a cursor that kept it would leave every later call waiting.
    const { store } = await adapter.fresh({ poolSize: 1 });
    const many = Array.from({ length: 1_201 }, (_, i) => checkWrite({ id: `chk_${String(i).padStart(5, '0')}`, at: T0 + i * 1_000 }));
    await save(store, ...many);
    const period: PeriodFilter = { from: T0, to: T0 + DAY, storeIds: null };

    const rows = await read(store.replay.checks(period));
    expect(rows.map((row) => row.checkId)).toEqual(many.map((write) => write.id));

    let seen = 0;
    for await (const _row of store.replay.checks(period)) if (++seen === 3) break;
    expect(seen).toBe(3);
    // The cursor's connection is back: the store still answers, in and out of transactions.
    expect(await store.replay.count(period)).toBe(1_201);
    await save(store, checkWrite({ id: 'chk_after', at: T0 + DAY - 1 }));
    expect(await store.replay.count(period)).toBe(1_202);
  });
});

describeStores(
  'replay, a slice at a time',
  (adapter) => {
    it('holds no read between slices, so the WAL can start over during a back-test, and leaves out checks written meanwhile', async () => {
      const { store, location } = await adapter.fresh();
      const before = Array.from({ length: 1_500 }, (_, i) => checkWrite({ id: `chk_${String(i).padStart(5, '0')}`, at: T0 + i * 1_000 }));
      await save(store, ...before);
      const period: PeriodFilter = { from: T0, to: T0 + DAY, storeIds: null };
      // As a back-test reads: on a read-only connection of its own, beside the one tills write on.
      const reader = await adapter.open(location, { readonly: true });
      const seen: string[] = [];
      for await (const row of reader.replay.checks(period)) {
        seen.push(row.checkId);
        if (seen.length !== 1_200) continue;
        await save(store, checkWrite({ id: 'chk_meanwhile', at: T0 + DAY - 1 }));
        const db = new Database(location);
        try {
          expect(db.pragma('wal_checkpoint(TRUNCATE)')).toEqual([expect.objectContaining({ busy: 0 })]);
          expect(statSync(`${location}-wal`).size).toBe(0);
        } finally {
          db.close();
        }
      }
      expect(seen).toEqual(before.map((write) => write.id));
    });
  },
  { only: 'sqlite' },
);
