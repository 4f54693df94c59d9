import { expect, it } from 'vitest';
import { SHARED_AFTER_CHECKS, SHARED_AFTER_PARTNERS } from '../../../src/store/history.js';
import { checkWrite, save, DAY, HOUR, T0 } from './check-writes.js';
import { describeStores } from './adapters.js';

const window = (storedValue: number, checks: number, stores: number, prompted: number) => ({ storedValue, checks, stores, prompted });
const visits = (checks: number, days: number, storedValue: number) => ({ checks, days, storedValue });
const NO_VISITS = { d7: visits(0, 0, 0), d30: visits(0, 0, 0) };
const NONE = { h1: window(0, 0, 0, 0), h24: window(0, 0, 0, 0), d30: window(0, 0, 0, 0), sameFamily: NO_VISITS };
const MINUTE = 60_000;

/** One customer (a loyalty card and a payment card) over a month, and other people around them. */
const month = [
  checkWrite({ id: 'chk_a', at: T0 - 20 * DAY, storeId: 'store-2', storedValue: 5_000, identities: ['loyalty-1'] }),
  checkWrite({ id: 'chk_b', at: T0 - 5 * HOUR, storeId: 'store-1', storedValue: 10_000, identities: ['card-1'], action: 'prompt', prompt: true }),
  checkWrite({ id: 'chk_c', at: T0 - 30 * MINUTE, storeId: 'store-3', storedValue: 20_000, identities: ['loyalty-1', 'card-1'], action: 'hold' }),
  // An offline sale replayed later: it sits in history where the till recorded it, three days back.
  checkWrite({ id: 'chk_d', at: T0 - 2 * MINUTE, historyAt: T0 - 3 * DAY, storeId: 'store-2', storedValue: 7_000, identities: ['loyalty-1'] }),
  // No stored value: not part of the customer's gift-card history.
  checkWrite({ id: 'chk_milk', at: T0 - 10 * MINUTE, storedValue: 0, identities: ['loyalty-1'] }),
  // Older than 30 days.
  checkWrite({ id: 'chk_old', at: T0 - 31 * DAY, storeId: 'store-4', storedValue: 90_000, identities: ['loyalty-1'], action: 'refuse' }),
  // Somebody else.
  checkWrite({ id: 'chk_other', at: T0 - 1 * MINUTE, storeId: 'store-5', storedValue: 80_000, identities: ['loyalty-2'], action: 'refuse' }),
  // The check being decided, already stored (a resend): never counted in its own history.
  checkWrite({ id: 'chk_now', at: T0 - 1, storedValue: 60_000, identities: ['loyalty-1', 'card-1'], action: 'prompt' }),
  // Later than the check being decided.
  checkWrite({ id: 'chk_after', at: T0 + MINUTE, storeId: 'store-6', storedValue: 70_000, identities: ['card-1'] }),
];

describeStores('history windows', (adapter) => {
  it('count a customer’s earlier checks with stored value in the hour, day and 30 days, by either identity', async () => {
    const { store } = await adapter.fresh();
    await save(store, ...month);

    expect(await store.history.windows(['loyalty-1', 'card-1'], T0, 'store-1', 'chk_now')).toEqual({
      h1: window(20_000, 1, 1, 1),
      h24: window(30_000, 2, 1, 2),
      d30: window(42_000, 4, 2, 2),
      sameFamily: NO_VISITS,
    });
    expect(await store.history.windows(['card-1'], T0, 'store-1', 'chk_now')).toEqual({
      h1: window(20_000, 1, 1, 1),
      h24: window(30_000, 2, 1, 2),
      d30: window(30_000, 2, 1, 2),
      sameFamily: NO_VISITS,
    });
    // Seen from another store, the customer's checks there are not "other stores".
    expect((await store.history.windows(['loyalty-1'], T0, 'store-2', 'chk_now')).d30).toEqual(window(32_000, 3, 1, 1));
    expect(await store.history.windows(['loyalty-9'], T0, 'store-1', 'chk_new')).toEqual(NONE);
    await expect(store.history.windows([], T0, 'store-1', 'chk_new')).rejects.toThrow(/at least one identity/);
  });

  it('count visits for the same kind of card: checks, distinct days and value in 7 and 30 days, by brand family', async () => {
    const { store } = await adapter.fresh();
    const day = (n: number) => new Date(T0 - n * DAY).toISOString().slice(0, 10);
    await save(
      store,
      // Game cards of three brands on four days, two visits on one of them, one of them 20 days back.
      checkWrite({ id: 'chk_g1', at: T0 - 1 * DAY, businessDay: day(1), brand: 'steam', storedValue: 3_500, identities: ['loyalty-1'] }),
      checkWrite({ id: 'chk_g2', at: T0 - 3 * DAY, businessDay: day(3), brand: 'playstation', storedValue: 3_000, identities: ['card-1'] }),
      checkWrite({ id: 'chk_g3', at: T0 - 3 * DAY + HOUR, businessDay: day(3), brand: 'steam', storedValue: 4_000, identities: ['loyalty-1'] }),
      checkWrite({ id: 'chk_g4', at: T0 - 20 * DAY, businessDay: day(20), brand: 'xbox', storedValue: 5_000, identities: ['loyalty-1'] }),
      // Another kind of card, and another customer's game cards.
      checkWrite({ id: 'chk_coffee', at: T0 - 2 * DAY, businessDay: day(2), brand: 'costa', storedValue: 2_500, identities: ['loyalty-1'] }),
      checkWrite({ id: 'chk_other', at: T0 - 2 * DAY, businessDay: day(2), brand: 'steam', storedValue: 9_000, identities: ['loyalty-2'] }),
    );
    const games = await store.history.windows(['loyalty-1', 'card-1'], T0, 'store-1', 'chk_now', 'games');
    expect(games.sameFamily).toEqual({ d7: visits(3, 2, 10_500), d30: visits(4, 3, 15_500) });
    expect(games.d30.checks).toBe(5);
    expect((await store.history.windows(['loyalty-1'], T0, 'store-1', 'chk_now', 'costa')).sameFamily.d7).toEqual(visits(1, 1, 2_500));
    // A basket with no named gift card is no kind of card.
    expect((await store.history.windows(['loyalty-1'], T0, 'store-1', 'chk_now', '')).sameFamily).toEqual(NO_VISITS);
    expect((await store.history.customer(['loyalty-1', 'card-1'], T0, 'store-1', 'chk_now', 'games')).windows).toEqual(games);
  });

  it('follow a check’s identities as its later revisions give them', async () => {
    const { store } = await adapter.fresh();
    await save(store, ...month);
    // The payment card was taken off the basket's customer; then a revision that says nothing of identities.
    await save(store, checkWrite({ id: 'chk_c', revision: 2, at: T0 - 30 * MINUTE, storeId: 'store-3', storedValue: 20_000, identities: ['loyalty-1'] }));
    await save(store, checkWrite({ id: 'chk_c', revision: 3, at: T0 - 30 * MINUTE, storeId: 'store-3', storedValue: 20_000, identities: undefined }));
    expect(await store.history.windows(['card-1'], T0, 'store-1', 'chk_now')).toEqual({
      h1: window(0, 0, 0, 0),
      h24: window(10_000, 1, 0, 1),
      d30: window(10_000, 1, 0, 1),
      sameFamily: NO_VISITS,
    });
    // Held at revision 1, allowed since: it was still a warned check.
    expect((await store.history.windows(['loyalty-1'], T0, 'store-1', 'chk_now')).h1).toEqual(window(20_000, 1, 1, 1));
    // A revision with no identities left takes them all away.
    await save(store, checkWrite({ id: 'chk_c', revision: 4, at: T0 - 30 * MINUTE, storeId: 'store-3', storedValue: 20_000, identities: [] }));
    expect((await store.history.windows(['loyalty-1'], T0, 'store-1', 'chk_now')).h1).toEqual(window(0, 0, 0, 0));
  });

  it('tell an identifier many people use from one person’s', async () => {
    const { store } = await adapter.fresh();
    const around = (id: string, minutesBefore: number, identities: string[]) =>
      checkWrite({ id, at: T0 - minutesBefore * MINUTE, identities });
    // A loyalty card shown with SHARED_AFTER_PARTNERS payment cards is a household's; one more, a shop's.
    const household = Array.from({ length: SHARED_AFTER_PARTNERS }, (_, i) => around(`chk_h${i}`, i + 1, ['loyalty-house', `card-h${i}`]));
    const guest = Array.from({ length: SHARED_AFTER_PARTNERS + 1 }, (_, i) => around(`chk_g${i}`, i + 1, ['loyalty-guest', `card-g${i}`]));
    // Used SHARED_AFTER_CHECKS times in 30 days, always alone; one fewer is still one person.
    const busy = Array.from({ length: SHARED_AFTER_CHECKS }, (_, i) => around(`chk_b${i}`, i + 1, ['loyalty-busy']));
    const regular = Array.from({ length: SHARED_AFTER_CHECKS - 1 }, (_, i) => around(`chk_r${i}`, i + 1, ['loyalty-regular']));
    await save(store, ...household, ...guest, ...busy, ...regular);

    expect(await store.history.isShared('loyalty-house', T0)).toBe(false);
    expect(await store.history.isShared('loyalty-guest', T0)).toBe(true);
    expect(await store.history.isShared('card-g0', T0)).toBe(false);
    expect(await store.history.isShared('loyalty-busy', T0)).toBe(true);
    expect(await store.history.isShared('loyalty-regular', T0)).toBe(false);
    // Judged on the 30 days before: a month on, nobody shares it.
    expect(await store.history.isShared('loyalty-guest', T0 + 31 * DAY)).toBe(false);
    expect(await store.history.isShared('loyalty-busy', T0 + 31 * DAY)).toBe(false);
    expect(await store.history.isShared('loyalty-nobody', T0)).toBe(false);

    // A check's customer is what its own identifiers say: the guest card neither identifies nor counts.
    const windowsOfCardG0 = await store.history.windows(['card-g0'], T0, 'store-1', 'chk_new');
    expect(windowsOfCardG0.d30.checks).toBe(1);
    expect(await store.history.customer(['loyalty-guest', 'card-g0'], T0, 'store-1', 'chk_new')).toEqual({ personal: ['card-g0'], windows: windowsOfCardG0 });
    expect(await store.history.customer(['card-h0', 'loyalty-house'], T0, 'store-1', 'chk_new')).toEqual({
      personal: ['card-h0', 'loyalty-house'],
      windows: await store.history.windows(['card-h0', 'loyalty-house'], T0, 'store-1', 'chk_new'),
    });
    expect(await store.history.customer(['loyalty-guest', 'loyalty-busy'], T0, 'store-1', 'chk_new')).toEqual({ personal: [], windows: null });
    expect(await store.history.customer([], T0, 'store-1', 'chk_new')).toEqual({ personal: [], windows: null });
  });
});
