import { expect, it } from 'vitest';
import type { CaseRow, Store } from '../../../src/store/index.js';
import { describeStores } from './adapters.js';
import { checkWrite, HOUR, save, T0 } from './check-writes.js';

const opening = (id: string, checkId: string, at: number, storeId = 'store-1', livemode = true): Pick<CaseRow, 'id' | 'checkId' | 'storeId' | 'livemode' | 'openedAt' | 'openedReason'> => ({
  id,
  checkId,
  storeId,
  livemode,
  openedAt: at,
  openedReason: 'scam_confirmed',
});

async function withCheck(store: Store, id: string, storeId = 'store-1', livemode = true) {
  await save(store, checkWrite({ id, storeId, livemode, storedValue: 30_000, action: 'hold' }));
}

describeStores('cases', (adapter) => {
  it('opens one case per check, reads it back with its check’s facts, and lists it', async () => {
    const { store } = await adapter.fresh();
    await withCheck(store, 'chk_1');
    expect(await store.transaction((tx) => tx.cases.open(opening('cas_1', 'chk_1', T0)))).toBe(true);
    expect(await store.transaction((tx) => tx.cases.open(opening('cas_2', 'chk_1', T0 + 1)))).toBe(false);
    const row = await store.cases.findByCheck('chk_1');
    expect(row).toEqual({
      ...opening('cas_1', 'chk_1', T0),
      status: 'open',
      reopenStatus: null,
      owner: null,
      valueLost: null,
      valueFrozen: 0,
      freezeRequestedAt: null,
      updatedAt: T0,
      version: 1,
      tillId: 'T04',
      currency: 'GBP',
      storedValue: 30_000,
      saleAt: T0,
    });
    expect(await store.cases.findById('cas_1')).toEqual(row);
    expect(await store.cases.findById('cas_2')).toBeUndefined();
  });

  it('writes a change only to the version read, and keeps the events in order', async () => {
    const { store } = await adapter.fresh();
    await withCheck(store, 'chk_1');
    await store.transaction((tx) => tx.cases.open(opening('cas_1', 'chk_1', T0)));
    const row = (await store.cases.findById('cas_1'))!;
    const change = { status: 'freeze_requested' as const, reopenStatus: null, owner: 'lp-anna', valueLost: 5_000, valueFrozen: 20_000, freezeRequestedAt: T0 + 60_000, updatedAt: T0 + 60_000 };
    expect(await store.transaction((tx) => tx.cases.update(row, change))).toBe(true);
    expect(await store.transaction((tx) => tx.cases.update(row, { ...change, owner: 'lp-ben' }))).toBe(false);
    expect(await store.cases.findById('cas_1')).toMatchObject({ ...change, version: 2 });
    await store.transaction(async (tx) => {
      await tx.cases.appendEvent({ caseId: 'cas_1', at: T0, kind: 'case_opened', actor: null, detail: { reason: 'scam_confirmed' } });
      await tx.cases.appendEvent({ caseId: 'cas_1', at: T0, kind: 'note', actor: 'key_1', detail: { text: 'Issuer called “back”.' } });
    });
    expect(await store.cases.events('cas_1')).toEqual([
      { caseId: 'cas_1', seq: 1, at: T0, kind: 'case_opened', actor: null, detail: { reason: 'scam_confirmed' } },
      { caseId: 'cas_1', seq: 2, at: T0, kind: 'note', actor: 'key_1', detail: { text: 'Issuer called “back”.' } },
    ]);
  });

  it('lists by world, store, status and time, newest first, a page before a given case', async () => {
    const { store } = await adapter.fresh();
    const cases = [
      ['cas_a', 'chk_a', 'store-1', true, T0],
      ['cas_b', 'chk_b', 'store-2', true, T0 + HOUR],
      ['cas_c', 'chk_c', 'store-1', true, T0 + 2 * HOUR],
      ['cas_d', 'chk_d', 'store-1', false, T0 + 3 * HOUR],
    ] as const;
    for (const [id, checkId, storeId, livemode, at] of cases) {
      await withCheck(store, checkId, storeId, livemode);
      await store.transaction((tx) => tx.cases.open(opening(id, checkId, at, storeId, livemode)));
    }
    const ids = async (filter: Partial<Parameters<Store['cases']['list']>[0]>) =>
      (await store.cases.list({ scope: { storeIds: null, livemode: true }, statuses: null, from: null, to: null, before: null, limit: 10, ...filter })).map((row) => row.id);
    expect(await ids({})).toEqual(['cas_c', 'cas_b', 'cas_a']);
    expect(await ids({ scope: { storeIds: null, livemode: false } })).toEqual(['cas_d']);
    expect(await ids({ scope: { storeIds: ['store-1'], livemode: true } })).toEqual(['cas_c', 'cas_a']);
    expect(await ids({ statuses: ['closed'] })).toEqual([]);
    expect(await ids({ statuses: ['open', 'closed'] })).toEqual(['cas_c', 'cas_b', 'cas_a']);
    expect(await ids({ from: T0 + HOUR, to: T0 + 2 * HOUR })).toEqual(['cas_b']);
    expect(await ids({ before: 'cas_c', limit: 1 })).toEqual(['cas_b']);
    expect((await store.cases.forReport({ storeIds: null, from: T0, to: T0 + 3 * HOUR + 1 })).map((row) => row.id).sort()).toEqual(['cas_a', 'cas_b', 'cas_c']);
  });

  it('goes with its check when the check is purged', async () => {
    const { store } = await adapter.fresh();
    await withCheck(store, 'chk_1');
    await store.transaction(async (tx) => {
      await tx.cases.open(opening('cas_1', 'chk_1', T0));
      await tx.cases.appendEvent({ caseId: 'cas_1', at: T0, kind: 'case_opened', actor: null, detail: {} });
    });
    await store.retention.purgeChecksBefore(T0 + 1);
    expect(await store.cases.findById('cas_1')).toBeUndefined();
    expect(await store.cases.events('cas_1')).toEqual([]);
  });
});
