import { expect, it } from 'vitest';
import type { CardRow } from '../../../src/store/index.js';
import { describeStores } from './adapters.js';
import { checkWrite, DAY, save, T0 } from './check-writes.js';
import { aKey } from './fixtures.js';

const card = (checkId: string, position: number, recordedAt: number): CardRow => ({
  id: `card_${checkId}_${position}`,
  checkId,
  position,
  brand: 'apple',
  amount: 10000 * (position + 1),
  serialLast4: '7890',
  activationLast4: null,
  sealed: `v1.abcd1234.nonce.sealed-${checkId}-${position}`,
  recordedAt,
});

describeStores('cards sold', (adapter) => {
  it('keeps a check’s cards in order, across a restart, and drops them with the check', async () => {
    const { store, location } = await adapter.fresh();
    await save(store, checkWrite({ id: 'chk_a', at: T0 }), checkWrite({ id: 'chk_b', at: T0 }));
    const cards = [card('chk_a', 0, T0), card('chk_a', 1, T0)];
    await store.transaction((tx) => tx.checks.saveCards(cards));
    expect(await store.checks.cards('chk_a')).toEqual(cards);
    expect(await store.checks.cards('chk_b')).toEqual([]);
    await store.close();
    const reopened = await adapter.open(location);
    expect(await reopened.checks.cards('chk_a')).toEqual(cards);
    expect(await reopened.retention.purgeChecksBefore(T0 + 1)).toBe(2);
    expect(await reopened.checks.cards('chk_a')).toEqual([]);
  });

  it('purges sealed serials past the cutoff, oldest first, keeping brand, value and last four', async () => {
    const { store } = await adapter.fresh();
    await save(store, checkWrite({ id: 'chk_old', at: T0 - 100 * DAY }), checkWrite({ id: 'chk_new', at: T0 }));
    await store.transaction((tx) =>
      tx.checks.saveCards([card('chk_old', 0, T0 - 100 * DAY), card('chk_old', 1, T0 - 95 * DAY), card('chk_new', 0, T0 - DAY)]),
    );
    const cutoff = T0 - 90 * DAY;
    expect(await store.transaction((tx) => tx.retention.purgeCardSecretsBefore(cutoff, 1))).toBe(1);
    expect((await store.checks.cards('chk_old')).map((row) => row.sealed)).toEqual([null, 'v1.abcd1234.nonce.sealed-chk_old-1']);
    expect(await store.transaction((tx) => tx.retention.purgeCardSecretsBefore(cutoff, 100))).toBe(1);
    expect(await store.transaction((tx) => tx.retention.purgeCardSecretsBefore(cutoff, 100))).toBe(0);
    const old = await store.checks.cards('chk_old');
    expect(old.map(({ sealed, brand, amount, serialLast4 }) => ({ sealed, brand, amount, serialLast4 }))).toEqual([
      { sealed: null, brand: 'apple', amount: 10000, serialLast4: '7890' },
      { sealed: null, brand: 'apple', amount: 20000, serialLast4: '7890' },
    ]);
    expect((await store.checks.cards('chk_new'))[0]!.sealed).not.toBeNull();
  });

  it('takes processor keys', async () => {
    const { store } = await adapter.fresh();
    await store.keys.insert(aKey({ id: 'key_processor', role: 'processor', storeIds: null }));
    expect((await store.keys.findById('key_processor'))?.role).toBe('processor');
  });
});
