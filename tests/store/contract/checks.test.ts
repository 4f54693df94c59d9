import { expect, it } from 'vitest';
import type { CheckWrite } from '../../../src/store/index.js';
import { checkWrite, save, DAY, T0 } from './check-writes.js';
import { describeStores } from './adapters.js';

/** The check as the domain reads it after `write` was its last. */
const asRead = (write: CheckWrite, warned = write.evaluation.action !== 'allow') => {
  const { identities: _identities, evaluation, ...check } = write;
  return { ...check, warned, latest: evaluation, outcome: null, updatedAt: evaluation.evaluatedAt };
};

const identity = ({ storeId, livemode, transactionId, businessDay }: CheckWrite) => ({ storeId, livemode, transactionId, businessDay });

describeStores('checks', (adapter) => {
  it('reads a saved check back with its evaluation, by id and by its transaction on its business day', async () => {
    const { store } = await adapter.fresh();
    const write = checkWrite({ id: 'chk_1', identities: ['loyalty-1'], action: 'prompt', prompt: true, reasons: ['older-customer'], shadowReasons: ['new-rule'] });
    await save(store, write);

    expect(await store.checks.findById('chk_1')).toEqual(asRead(write));
    expect(await store.checks.findByTransaction(identity(write))).toEqual(asRead(write));
    expect(await store.checks.evaluations('chk_1')).toEqual([write.evaluation]);
    expect(await store.checks.findById('chk_2')).toBeUndefined();
    expect(await store.checks.findByTransaction({ ...identity(write), businessDay: '2026-01-06' })).toBeUndefined();
    expect(await store.checks.findByTransaction({ ...identity(write), storeId: 'store-2' })).toBeUndefined();
    expect(await store.checks.findByTransaction({ ...identity(write), livemode: false })).toBeUndefined();
  });

  it('makes revision 2 of a changed basket, keeps revision 1, and stays warned once prompted', async () => {
    const { store } = await adapter.fresh();
    const first = checkWrite({ id: 'chk_1', storedValue: 50_000, action: 'prompt', prompt: true });
    const second = checkWrite({ id: 'chk_1', storedValue: 10_000, revision: 2, action: 'allow' });
    await save(store, first);
    await save(store, second);

    expect(await store.checks.findById('chk_1')).toEqual(asRead(second, true));
    expect(await store.checks.evaluations('chk_1')).toEqual([first.evaluation, second.evaluation]);
    expect(await store.checks.revisionWithFingerprint('chk_1', first.requestFingerprint)).toBe(1);
    expect(await store.checks.revisionWithFingerprint('chk_1', second.requestFingerprint)).toBe(2);
    expect(await store.checks.revisionWithFingerprint('chk_1', 'fp-never-sent')).toBeUndefined();
  });

  it('keeps one check per transaction id, store and business day', async () => {
    const { store } = await adapter.fresh();
    const monday = checkWrite({ id: 'chk_mon', transactionId: 'T04-0001' });
    const tuesday = checkWrite({ id: 'chk_tue', transactionId: 'T04-0001', at: T0 + DAY });
    await save(store, monday, tuesday);
    expect((await store.checks.findByTransaction(identity(monday)))?.id).toBe('chk_mon');
    expect((await store.checks.findByTransaction(identity(tuesday)))?.id).toBe('chk_tue');

    // Two nodes that each made a check for the same transaction: the second write fails, whole.
    await expect(save(store, checkWrite({ id: 'chk_again', transactionId: 'T04-0001', storedValue: 1 }))).rejects.toThrow();
    expect(await store.checks.findById('chk_again')).toBeUndefined();
    expect(await store.checks.evaluations('chk_again')).toEqual([]);
    expect((await store.checks.findByTransaction(identity(monday)))?.totals.storedValue).toBe(10_000);
  });

  it('keeps test and live transaction ids apart: the same id, store and day is one check in each world', async () => {
    const { store } = await adapter.fresh();
    const live = checkWrite({ id: 'chk_live', transactionId: 'T04-0001' });
    const test = checkWrite({ id: 'chk_test', transactionId: 'T04-0001', livemode: false, storedValue: 1 });
    await save(store, live, test);
    expect((await store.checks.findByTransaction(identity(live)))?.id).toBe('chk_live');
    expect((await store.checks.findByTransaction(identity(test)))?.id).toBe('chk_test');
    expect((await store.checks.findById('chk_live'))?.totals.storedValue).toBe(10_000);
  });

  it('records an outcome once', async () => {
    const { store } = await adapter.fresh();
    await save(store, checkWrite({ id: 'chk_1', action: 'hold' }));
    const outcome = { outcome: 'scam_confirmed' as const, recordedAt: T0 + 60_000, staffRef: 'S12', policeReference: 'CAD-1234', note: 'Caller on the line', keyId: 'key-till' };
    expect(await store.transaction((tx) => tx.checks.recordOutcome('chk_1', outcome))).toBe(true);
    expect(await store.transaction((tx) => tx.checks.recordOutcome('chk_1', { ...outcome, outcome: 'proceeded', note: null }))).toBe(false);
    expect((await store.checks.findById('chk_1'))?.outcome).toEqual(outcome);
    expect(await store.transaction((tx) => tx.checks.recordOutcome('chk_missing', outcome))).toBe(false);
  });

  it('notes what the till decided offline on the evaluation it concerns, and only there', async () => {
    const { store } = await adapter.fresh();
    const first = checkWrite({ id: 'chk_1', action: 'prompt', prompt: true });
    const second = checkWrite({ id: 'chk_1', revision: 2 });
    await save(store, first, second);
    const decision = { action: 'prompt', decidedAt: '2026-01-05T10:00:05Z', policyVersion: 'offline-3' };
    await store.transaction((tx) => tx.checks.noteOfflineDecision('chk_1', 1, decision));
    const [one, two] = await store.checks.evaluations('chk_1');
    expect(one).toEqual({ ...first.evaluation, request: { ...first.evaluation.request, offlineDecision: decision } });
    expect(two).toEqual(second.evaluation);
  });

  it('counts rule hits on each check’s latest evaluation, live checks of the period and stores only', async () => {
    const { store } = await adapter.fresh();
    await save(
      store,
      checkWrite({ id: 'chk_1', storedValue: 50_000, action: 'hold', reasons: ['older-customer', 'high-value'], shadowReasons: ['new-rule'] }),
      // Basket changed: high-value no longer matches, new-rule went from shadow to live.
      checkWrite({ id: 'chk_1', revision: 2, storedValue: 20_000, action: 'prompt', reasons: ['older-customer', 'new-rule'], shadowReasons: ['high-value'] }),
      checkWrite({ id: 'chk_2', storedValue: 30_000, action: 'prompt', reasons: ['older-customer'] }),
      checkWrite({ id: 'chk_3', storeId: 'store-2', storedValue: 40_000, action: 'refuse', reasons: ['older-customer'] }),
      checkWrite({ id: 'chk_test', livemode: false, action: 'hold', reasons: ['older-customer'] }),
      checkWrite({ id: 'chk_later', at: T0 + 2 * DAY, action: 'hold', reasons: ['older-customer'] }),
    );
    await store.transaction((tx) =>
      tx.checks.recordOutcome('chk_2', { outcome: 'abandoned', recordedAt: T0 + 1, staffRef: null, policeReference: null, note: null, keyId: 'key-till' }),
    );
    const period = { from: T0 - DAY, to: T0 + DAY, storeIds: null };

    expect(await store.ruleHits.counts(period, { shadow: false })).toEqual([
      { ruleId: 'older-customer', hits: 3, storedValue: 90_000, byOutcome: { none: 2, abandoned: 1 }, byAction: { prompt: 2, refuse: 1 } },
      { ruleId: 'new-rule', hits: 1, storedValue: 20_000, byOutcome: { none: 1 }, byAction: { prompt: 1 } },
    ]);
    expect(await store.ruleHits.counts(period, { shadow: true })).toEqual([
      { ruleId: 'high-value', hits: 1, storedValue: 20_000, byOutcome: { none: 1 }, byAction: { prompt: 1 } },
    ]);
    expect(await store.ruleHits.counts({ ...period, storeIds: ['store-2'] }, { shadow: false })).toEqual([
      { ruleId: 'older-customer', hits: 1, storedValue: 40_000, byOutcome: { none: 1 }, byAction: { refuse: 1 } },
    ]);
    expect(await store.ruleHits.counts({ ...period, storeIds: [] }, { shadow: false })).toEqual([]);
    // At the first screen (each check's first evaluation) new-rule was the shadow rule, not high-value.
    expect(await store.ruleHits.shadowFirstScreen(period)).toEqual({ 'new-rule': 1 });
    expect(await store.ruleHits.shadowFirstScreen({ ...period, storeIds: ['store-2'] })).toEqual({});
  });
});
