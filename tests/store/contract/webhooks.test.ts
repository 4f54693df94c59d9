import { describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../helpers/postgres.js';
import { type Adapter, postgresAdapter, sqliteAdapter } from './report-fixtures.js';

const T0 = 1_700_000_000_000;
const LEASE = 30_000;

async function endpoints(adapter: Adapter) {
  const { webhooks } = adapter.repositories;
  for (const [id, events] of [
    ['we_a', ['review.opened', 'check.held']],
    ['we_b', ['check.held']],
    ['we_c', ['check.held', 'review.closed']],
  ] as const) {
    await webhooks.insertEndpoint({ id, url: `https://example.test/${id}`, events: [...events], description: id === 'we_b' ? 'tills' : null, secret: `whsec_${id}`, createdAt: T0, createdBy: 'admin', livemode: true });
  }
}

/** A live and a test endpoint wanting the same event, and an event of each world. */
async function worlds(adapter: Adapter) {
  const { webhooks } = adapter.repositories;
  for (const [id, livemode] of [['we_live', true], ['we_test', false]] as const) {
    await webhooks.insertEndpoint({ id, url: `https://example.test/${id}`, events: ['check.held'], description: null, secret: `whsec_${id}`, createdAt: T0, createdBy: 'admin', livemode });
  }
  let next = 0;
  const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
  const enqueued = await adapter.transaction(async (tx) => [
    await tx.webhooks.enqueue({ id: 'evt_live', type: 'check.held', occurredAt: T0 + 1, payload: '{"livemode":true}' }, true, deliveryId),
    await tx.webhooks.enqueue({ id: 'evt_test', type: 'check.held', occurredAt: T0 + 2, payload: '{"livemode":false}' }, false, deliveryId),
  ]);
  const received = async (id: string) => (await webhooks.deliveries(id, { status: null, limit: 10 })).map((delivery) => delivery.event.id);
  return {
    enqueued,
    received: { live: await received('we_live'), test: await received('we_test') },
    listed: { live: (await webhooks.activeEndpoints(true)).map((endpoint) => endpoint.id), test: (await webhooks.activeEndpoints(false)).map((endpoint) => endpoint.id) },
    found: await webhooks.findEndpoint('we_test'),
  };
}

/** Events enqueued, claimed, attempted, retried and cancelled: the outbox read back at every turn. */
async function outbox(adapter: Adapter) {
  const { webhooks } = adapter.repositories;
  await endpoints(adapter);
  let next = 0;
  const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
  const enqueued = await adapter.transaction(async (tx) => [
    await tx.webhooks.enqueue({ id: 'evt_1', type: 'check.held', occurredAt: T0 + 1, payload: '{"type":"check.held","n":1}' }, true, deliveryId),
    await tx.webhooks.enqueue({ id: 'evt_2', type: 'review.opened', occurredAt: T0 + 2, payload: '{"type":"review.opened"}' }, true, deliveryId),
    await tx.webhooks.enqueue({ id: 'evt_3', type: 'nobody.listens', occurredAt: T0 + 3, payload: '{}' }, true, deliveryId),
  ]);
  const nextDue = await webhooks.nextDueAt();
  const claimed = await adapter.transaction((tx) => tx.webhooks.claimDue(T0 + 10, 2, T0 + 10 + LEASE));
  const claimedAgain = await adapter.transaction((tx) => tx.webhooks.claimDue(T0 + 10, 10, T0 + 10 + LEASE));
  const nothingDue = await adapter.transaction((tx) => tx.webhooks.claimDue(T0 + 11, 10, T0 + 11 + LEASE));
  const recorded = await adapter.transaction(async (tx) => [
    await tx.webhooks.recordAttempt('wd_001', { attempt: 1, at: T0 + 20, durationMs: 120, statusCode: 200, error: null }, { status: 'delivered', nextAttemptAt: null, deliveredAt: T0 + 20 }),
    await tx.webhooks.recordAttempt('wd_002', { attempt: 1, at: T0 + 21, durationMs: 5000, statusCode: null, error: 'timeout' }, { status: 'pending', nextAttemptAt: T0 + 60_000, deliveredAt: null }),
    // A second record of the same attempt (another sender's, after its lease ran out) changes nothing.
    await tx.webhooks.recordAttempt('wd_002', { attempt: 1, at: T0 + 22, durationMs: 10, statusCode: 200, error: null }, { status: 'delivered', nextAttemptAt: null, deliveredAt: T0 + 22 }),
    await tx.webhooks.recordAttempt('wd_003', { attempt: 1, at: T0 + 23, durationMs: 40, statusCode: 410, error: null }, { status: 'failed', nextAttemptAt: null, deliveredAt: null }),
  ]);
  const broughtForward = [await webhooks.bringForward('we_b', T0 + 30), await webhooks.bringForward('we_b', T0 + 30)];
  const retried = [await webhooks.retry('wd_003', T0 + 40), await webhooks.retry('wd_001', T0 + 40)];
  const deleted = await adapter.transaction(async (tx) => [await tx.webhooks.deleteEndpoint('we_c', T0 + 50), await tx.webhooks.deleteEndpoint('we_c', T0 + 51)]);
  return {
    enqueued,
    nextDue,
    claimed,
    claimedAgain,
    nothingDue,
    recorded,
    broughtForward,
    retried,
    deleted,
    endpoints: [await webhooks.activeEndpoints(true), await webhooks.findEndpoint('we_c'), await webhooks.findEndpoint('we_x')],
    deliveries: await Promise.all(['we_a', 'we_b', 'we_c'].map((id) => webhooks.deliveries(id, { status: null, limit: 10 }))),
    pending: await webhooks.deliveries('we_b', { status: 'pending', limit: 10 }),
    found: [await webhooks.findDelivery('we_a', 'wd_001'), await webhooks.findDelivery('we_b', 'wd_001')],
    attempts: [await webhooks.attempts('wd_001'), await webhooks.attempts('wd_002')],
    nextDueAfter: await webhooks.nextDueAt(),
  };
}

describe('the webhook outbox on every adapter', () => {
  it('enqueues, claims, records and cancels deliveries', async () => {
    const sqlite = await outbox(sqliteAdapter());
    expect(sqlite.enqueued).toEqual([3, 1, 0]);
    expect(sqlite.claimed.map((row) => row.id)).toEqual(['wd_001', 'wd_002']);
    expect(sqlite.claimedAgain.map((row) => row.id)).toEqual(['wd_003', 'wd_004']);
    expect(sqlite.nothingDue).toEqual([]);
    expect(sqlite.recorded).toEqual([true, true, false, true]);
    expect(sqlite.deleted).toEqual([true, false]);
  });

  it('sends each world’s events to that world’s endpoints only', async () => {
    const sqlite = await worlds(sqliteAdapter());
    expect(sqlite.enqueued).toEqual([1, 1]);
    expect(sqlite.received).toEqual({ live: ['evt_live'], test: ['evt_test'] });
    expect(sqlite.listed).toEqual({ live: ['we_live'], test: ['we_test'] });
    expect(sqlite.found?.livemode).toBe(false);
  });

  it.skipIf(!postgresAvailable)('keeps the worlds apart on PostgreSQL exactly as on SQLite', async () => {
    expect(await worlds(await postgresAdapter())).toEqual(await worlds(sqliteAdapter()));
  });

  it.skipIf(!postgresAvailable)('answers on PostgreSQL exactly as on SQLite', async () => {
    const sqlite = await outbox(sqliteAdapter());
    const postgres = await outbox(await postgresAdapter());
    expect(postgres).toEqual(sqlite);
  });

  it.skipIf(!postgresAvailable)('never hands one delivery to two nodes claiming at once, and loses none', async () => {
    const first = await postgresAdapter();
    const second = await first.anotherNode!();
    await endpoints(first);
    let next = 0;
    const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
    await first.transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await tx.webhooks.enqueue({ id: `evt_${i}`, type: 'check.held', occurredAt: T0 + i, payload: `{"n":${i}}` }, true, deliveryId);
    });
    const now = T0 + 1_000;
    const claims: string[][] = [];
    const claim = (node: Adapter, meanwhile: () => Promise<unknown>) =>
      node.transaction(async (tx) => {
        const due = await tx.webhooks.claimDue(now, 7, now + LEASE);
        // The other node claims while this claim is not yet committed.
        await meanwhile();
        claims.push(due.map((row) => row.id));
      });
    // Three rounds of two nodes claiming at the same moment, then whatever is left.
    for (let round = 0; round < 3; round++) await claim(first, () => claim(second, async () => {}));
    do await claim(second, async () => {});
    while (claims.at(-1)!.length > 0);
    const all = claims.flat();
    expect(claims.slice(0, 2).map((ids) => ids.length)).toEqual([7, 7]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `wd_${String(i + 1).padStart(3, '0')}`));
    // Leased: none falls due again until its lease runs out.
    expect(await first.repositories.webhooks.nextDueAt()).toBe(now + LEASE);
  });
});
