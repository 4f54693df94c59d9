import { expect, it } from 'vitest';
import { checkWrite, save, DAY, type Shape, T0 } from './check-writes.js';
import { describeStores } from './adapters.js';

const CUTOFF = T0 - 30 * DAY;
const aged = (id: string, daysBefore: number, changes: Partial<Shape> = {}) =>
  checkWrite({ id, at: T0 - daysBefore * DAY, identities: ['loyalty-1'], reasons: ['older-customer'], action: 'prompt', ...changes });

describeStores('retention', (adapter) => {
  it('purges checks older than the cutoff in batches, with everything that hangs off them, and nothing else', async () => {
    const { store } = await adapter.fresh();
    const old = [40, 39, 38, 37, 36].map((days) => aged(`chk_old_${days}`, days));
    const kept = [aged('chk_at_cutoff', 30), aged('chk_recent', 1)];
    // A check with two evaluations goes whole.
    await save(store, ...old, aged('chk_old_36', 36, { revision: 2 }), ...kept);
    await store.transaction((tx) =>
      tx.checks.recordOutcome('chk_old_40', { outcome: 'proceeded', recordedAt: T0 - 40 * DAY, staffRef: null, policeReference: null, note: null, keyId: 'key-till' }),
    );
    const everything = { from: 0, to: T0 + DAY, storeIds: null };
    const historyJustAfterCutoff = () => store.history.windows(['loyalty-1'], CUTOFF + DAY, 'store-1', 'chk_new');
    expect((await historyJustAfterCutoff()).d30.checks).toBe(6);

    expect(await store.retention.countChecksBefore(CUTOFF)).toBe(5);
    const batches: number[] = [];
    expect(await store.retention.purgeChecksBefore(CUTOFF, { batchSize: 2, onBatch: (deleted) => batches.push(deleted) })).toBe(5);
    expect(batches).toEqual([2, 2, 1]);

    expect(await store.retention.countChecksBefore(CUTOFF)).toBe(0);
    for (const { id } of old) {
      expect(await store.checks.findById(id)).toBeUndefined();
      expect(await store.checks.evaluations(id)).toEqual([]);
    }
    // Their identity hashes and matched rules went with them.
    expect((await historyJustAfterCutoff()).d30.checks).toBe(1);
    expect((await store.ruleHits.counts(everything, { shadow: false })).map(({ ruleId, hits }) => ({ ruleId, hits }))).toEqual([{ ruleId: 'older-customer', hits: 2 }]);
    for (const write of kept) {
      expect((await store.checks.findById(write.id))?.latest).toEqual(write.evaluation);
      expect(await store.checks.evaluations(write.id)).toHaveLength(1);
    }
    expect(await store.replay.count(everything)).toBe(2);

    const again: number[] = [];
    expect(await store.retention.purgeChecksBefore(CUTOFF, { onBatch: (deleted) => again.push(deleted) })).toBe(0);
    expect(again).toEqual([0]);
  });

  it('purges test-mode checks alone, however recent the live ones beside them', async () => {
    const { store } = await adapter.fresh();
    await save(
      store,
      aged('chk_test_35', 35, { livemode: false }),
      aged('chk_test_10', 10, { livemode: false }),
      aged('chk_test_2', 2, { livemode: false }),
      aged('chk_live_35', 35),
      aged('chk_live_10', 10),
    );
    expect(await store.retention.purgeTestChecksBefore(T0 - 7 * DAY, 1)).toBe(2);
    const left = await Promise.all(['chk_test_35', 'chk_test_10', 'chk_test_2', 'chk_live_35', 'chk_live_10'].map((id) => store.checks.findById(id)));
    expect(left.map((check) => check?.id)).toEqual([undefined, undefined, 'chk_test_2', 'chk_live_35', 'chk_live_10']);
    expect(await store.retention.purgeTestChecksBefore(T0 - 7 * DAY)).toBe(0);
  });
});
