import { describe, expect, it } from 'vitest';
import type { ReviewClosing } from '../../../src/store/index.js';
import { postgresAvailable } from '../../helpers/postgres.js';
import { type Adapter, postgresAdapter, type SeedCheck, sqliteAdapter } from './report-fixtures.js';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

const held = (i: number, storeId: string, identity: string): SeedCheck => ({
  id: `held_${i}`,
  storeId,
  tillId: 'till-1',
  transactionId: `tx-${i}`,
  lane: 'staffed',
  ageBand: '65_plus',
  currency: 'GBP',
  occurredAt: T0 + i * MINUTE,
  receivedAt: T0 + i * MINUTE,
  basketTotal: 30_000 + i,
  storedValue: 25_000 + i,
  storedValueUnits: 2,
  tender: 'card',
  action: 'hold',
  score: 90,
  warned: true,
  revision: 1,
  ruleSetVersion: 'v1',
  promptId: null,
  livemode: true,
  outcome: null,
  outcomeAt: null,
  policeReference: null,
  rules: [['high_value', false]],
  reasons: [{ ruleId: 'high_value', message: `held ${i}` }],
  identities: [identity],
});

const closing = (status: ReviewClosing['status'], at: number, by: ReviewClosing['closedBy']): ReviewClosing => ({
  status,
  closedAt: at,
  closedBy: by,
  supervisorRef: by === 'supervisor' ? 'sup-7' : null,
  closedKeyId: by === 'supervisor' ? 'key_sup' : null,
  reason: status === 'refused' ? 'customer on the phone to "the bank"' : null,
  releasedRevision: status === 'released' ? 1 : null,
});
const first = (checkId: string) => ({ checkId, revision: 1 });

/** Holds opened, released, refused and left to expire, read back every way the service reads them. */
async function lifecycle(adapter: Adapter) {
  for (let i = 0; i < 8; i++) await adapter.write.check(held(i, i % 3 === 0 ? 'S2' : 'S1', `id-${i % 4}`));
  // A confirmed scam by the customer of held_1, a day after it was released.
  await adapter.write.check({ ...held(20, 'S2', 'id-1'), occurredAt: T0 + 24 * 60 * MINUTE, receivedAt: T0 + 24 * 60 * MINUTE, outcome: 'scam_confirmed' });
  // A test till's hold in the same store: listed only to the test world, and never in a figure.
  await adapter.write.check({ ...held(9, 'S1', 'test-id'), livemode: false });
  const { reviews } = adapter.repositories;
  await adapter.transaction(async (tx) => {
    for (let i = 0; i < 8; i++) {
      await tx.reviews.open({ checkId: `held_${i}`, revision: 1, storeId: i % 3 === 0 ? 'S2' : 'S1', openedAt: T0 + i * MINUTE, deadline: T0 + (i + 10) * MINUTE });
    }
    await tx.reviews.open({ checkId: 'held_9', revision: 1, storeId: 'S1', openedAt: T0 + 11 * MINUTE, deadline: T0 + 21 * MINUTE });
  });
  const closed = await adapter.transaction(async (tx) => [
    await tx.reviews.close(first('held_1'), 'open', closing('released', T0 + 5 * MINUTE, 'supervisor')),
    await tx.reviews.close(first('held_2'), 'open', closing('refused', T0 + 6 * MINUTE, 'supervisor')),
    await tx.reviews.close(first('held_1'), 'open', closing('refused', T0 + 7 * MINUTE, 'supervisor')),
    await tx.reviews.close(first('held_3'), 'open', closing('released', T0 + 8 * MINUTE, 'outcome')),
  ]);
  // held_1, released, is held again (a basket that asks for more): a second review, the one find answers with.
  await adapter.transaction((tx) => tx.reviews.open({ checkId: 'held_1', revision: 2, storeId: 'S1', openedAt: T0 + 9 * MINUTE, deadline: T0 + 30 * MINUTE }));
  const now = T0 + 14 * MINUTE;
  const before = {
    lists: await lists(adapter, now),
    openNow: [await reviews.openNow(null, now), await reviews.openNow(['S2'], now), await reviews.openNow(['nowhere'], now)],
  };
  // The sweeper: what is past its deadline, written down as expired.
  const swept = await adapter.transaction(async (tx) => {
    const due = await tx.reviews.pastDeadline(now, 10);
    for (const review of due) await tx.reviews.close(review, 'open', closing('expired', now, 'deadline'));
    return due;
  });
  return {
    closed,
    before,
    swept,
    after: await lists(adapter, now),
    found: [await reviews.find('held_2'), await reviews.find('held_1'), await reviews.findHeld('held_1'), await reviews.find('nothing'), await reviews.findHeld('held_4'), await reviews.findHeld('nothing')],
    report: [
      await reviews.forReport({ storeIds: null, from: T0, to: T0 + 60 * MINUTE, scamWindowMs: 2 * 24 * 60 * MINUTE }),
      await reviews.forReport({ storeIds: ['S1'], from: T0, to: T0 + 60 * MINUTE, scamWindowMs: 60 * MINUTE }),
    ],
  };
}

async function lists(adapter: Adapter, now: number) {
  const { reviews } = adapter.repositories;
  const statuses = ['open', 'expired', 'released', 'refused'] as const;
  return {
    every: await Promise.all(statuses.map((status) => reviews.list({ scope: { storeIds: null, livemode: true }, status, now, limit: 50 }))),
    s1: await Promise.all(statuses.map((status) => reviews.list({ scope: { storeIds: ['S1'], livemode: true }, status, now, limit: 2 }))),
    test: await Promise.all(statuses.map((status) => reviews.list({ scope: { storeIds: ['S1'], livemode: false }, status, now, limit: 50 }))),
  };
}

describe('reviews on every adapter', () => {
  it('open, close and expire holds, and report them', async () => {
    const sqlite = await lifecycle(sqliteAdapter());
    expect(sqlite.closed).toEqual([true, true, false, true]);
    expect(sqlite.swept.map((review) => review.checkId)).toEqual(['held_0', 'held_4']);
    expect(sqlite.before.openNow[0]).toEqual({ count: 4, oldestOpenedAt: T0 + 5 * MINUTE });
    expect(sqlite.found[1]).toMatchObject({ checkId: 'held_1', revision: 2, status: 'open', releasedRevision: null });
    expect(sqlite.found[2]).toMatchObject({ checkId: 'held_1', revision: 2, status: 'open' });
    // The test hold is listed to the test world alone, and counted in no figure.
    const ids = (rows: { checkId: string }[][]) => rows.flat().map((row) => row.checkId);
    expect(ids(sqlite.before.lists.test)).toEqual(['held_9']);
    expect(ids(sqlite.before.lists.every)).not.toContain('held_9');
    expect(sqlite.report[0]!.map((row) => row.openedAt)).not.toContain(T0 + 11 * MINUTE);
    // Both of held_1's reviews are listed: the release as made, and the hold after it.
    expect(sqlite.before.lists.every[0]!.filter((row) => row.checkId === 'held_1').map((row) => row.revision)).toEqual([2]);
    expect(sqlite.before.lists.every[2]!.filter((row) => row.checkId === 'held_1')).toEqual([expect.objectContaining({ revision: 1, releasedRevision: 1 })]);
    const released = sqlite.report[0]!.filter((row) => row.status === 'released');
    expect(released.map((row) => row.scamLater).sort()).toEqual([false, true]);
  });

  it.skipIf(!postgresAvailable)('answer on PostgreSQL exactly as on SQLite', async () => {
    const sqlite = await lifecycle(sqliteAdapter());
    const postgres = await lifecycle(await postgresAdapter());
    expect(postgres).toEqual(sqlite);
  });

  it.skipIf(!postgresAvailable)('are expired once when two nodes sweep at the same moment', async () => {
    const first = await postgresAdapter();
    const second = await first.anotherNode!();
    for (let i = 0; i < 12; i++) await first.write.check(held(i, 'S1', `id-${i}`));
    await first.transaction(async (tx) => {
      for (let i = 0; i < 12; i++) await tx.reviews.open({ checkId: `held_${i}`, revision: 1, storeId: 'S1', openedAt: T0, deadline: T0 + i });
    });
    const now = T0 + MINUTE;
    const sweep = (node: Adapter, meanwhile: () => Promise<unknown>) =>
      node.transaction(async (tx) => {
        const due = await tx.reviews.pastDeadline(now, 5);
        // The other sweeper runs while this one's transaction is still open.
        await meanwhile();
        for (const review of due) expect(await tx.reviews.close(review, 'open', closing('expired', now, 'deadline'))).toBe(true);
        return due.map((review) => review.checkId);
      });
    let other: string[] = [];
    const mine = await sweep(first, async () => {
      other = await sweep(second, async () => {});
    });
    expect(mine).toHaveLength(5);
    expect(other).toHaveLength(5);
    expect(mine.filter((id) => other.includes(id))).toEqual([]);
    const rest = await sweep(first, async () => {});
    expect([...mine, ...other, ...rest].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `held_${i}`).sort());
  });
});
