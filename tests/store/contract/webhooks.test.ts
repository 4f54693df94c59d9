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

const claim = (adapter: Adapter, now: number, limit: number, owner: string, perEndpoint = 10) =>
  adapter.transaction((tx) => tx.webhooks.claimDue({ now, limit, perEndpoint, owner, leaseUntil: now + LEASE }));
const attempt = (n: number, at: number) => ({ attempt: n, at, durationMs: 10, statusCode: 200, error: null });
const delivered = (at: number) => ({ status: 'delivered' as const, nextAttemptAt: null, deliveredAt: at });
const later = (at: number) => ({ status: 'pending' as const, nextAttemptAt: at, deliveredAt: null });

/** A live and a test endpoint wanting the same event, and an event of each world. */
async function worlds(adapter: Adapter) {
  const { webhooks } = adapter.repositories;
  for (const [id, livemode] of [['we_live', true], ['we_test', false]] as const) {
    await webhooks.insertEndpoint({ id, url: `https://example.test/${id}`, events: ['check.held'], description: null, secret: `whsec_${id}`, createdAt: T0, createdBy: 'admin', livemode });
  }
  let next = 0;
  const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
  const enqueued = await adapter.transaction(async (tx) => [
    await tx.webhooks.enqueue({ id: 'evt_live', type: 'check.held', occurredAt: T0 + 1, payload: '{"livemode":true}', requestId: null }, true, deliveryId),
    await tx.webhooks.enqueue({ id: 'evt_test', type: 'check.held', occurredAt: T0 + 2, payload: '{"livemode":false}', requestId: null }, false, deliveryId),
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
    await tx.webhooks.enqueue({ id: 'evt_1', type: 'check.held', occurredAt: T0 + 1, payload: '{"type":"check.held","n":1}', requestId: 'till-T04-sale-1' }, true, deliveryId),
    await tx.webhooks.enqueue({ id: 'evt_2', type: 'review.opened', occurredAt: T0 + 2, payload: '{"type":"review.opened"}', requestId: null }, true, deliveryId),
    await tx.webhooks.enqueue({ id: 'evt_3', type: 'nobody.listens', occurredAt: T0 + 3, payload: '{}', requestId: null }, true, deliveryId),
  ]);
  const claimed = await claim(adapter, T0 + 10, 2, 'first');
  const claimedAgain = await claim(adapter, T0 + 10, 10, 'second');
  const nothingDue = await claim(adapter, T0 + 11, 10, 'third');
  const recorded = await adapter.transaction(async (tx) => [
    await tx.webhooks.recordAttempt('wd_001', 'first', { attempt: 1, at: T0 + 20, durationMs: 120, statusCode: 200, error: null }, delivered(T0 + 20)),
    await tx.webhooks.recordAttempt('wd_002', 'first', { attempt: 1, at: T0 + 21, durationMs: 5000, statusCode: null, error: 'failed' }, later(T0 + 60_000)),
    // A second record of the same attempt changes nothing: the first ended the lease.
    await tx.webhooks.recordAttempt('wd_002', 'first', { attempt: 1, at: T0 + 22, durationMs: 10, statusCode: 200, error: null }, delivered(T0 + 22)),
    // Nor does a record by a claim that never held the delivery.
    await tx.webhooks.recordAttempt('wd_003', 'first', { attempt: 1, at: T0 + 23, durationMs: 10, statusCode: 200, error: null }, delivered(T0 + 23)),
    await tx.webhooks.recordAttempt('wd_003', 'second', { attempt: 1, at: T0 + 23, durationMs: 40, statusCode: 410, error: null }, { status: 'failed', nextAttemptAt: null, deliveredAt: null }),
  ]);
  const broughtForward = [await webhooks.bringForward('we_b', T0 + 30), await webhooks.bringForward('we_b', T0 + 30)];
  const retried = [await webhooks.retry('wd_003', T0 + 40), await webhooks.retry('wd_001', T0 + 40)];
  const deleted = await adapter.transaction(async (tx) => [await tx.webhooks.deleteEndpoint('we_c', T0 + 50), await tx.webhooks.deleteEndpoint('we_c', T0 + 51)]);
  return {
    enqueued,
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
    attempts: [await webhooks.attempts('wd_001'), await webhooks.attempts('wd_002'), await webhooks.attempts('wd_003')],
    // wd_002 brought forward; wd_004 still leased to 'second'; the rest settled or cancelled.
    dueAfter: (await claim(adapter, T0 + 20_000, 10, 'fourth')).map((row) => row.id),
  };
}

/** Five events to endpoints we_b, we_c (both check.held) and we_a, every one due at once. */
async function backlog(adapter: Adapter, events = 5) {
  await endpoints(adapter);
  let next = 0;
  const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
  await adapter.transaction(async (tx) => {
    for (let i = 0; i < events; i++) await tx.webhooks.enqueue({ id: `evt_${i}`, type: 'check.held', occurredAt: T0 + i, payload: `{"n":${i}}`, requestId: null }, true, deliveryId);
  });
}

/** Leases held per endpoint, by claims each given a look at the outbox in turn. */
async function fairness(adapter: Adapter) {
  await backlog(adapter);
  const endpointOf = (rows: { endpointId: string }[]) => rows.map((row) => row.endpointId);
  const now = T0 + 100;
  // Two in flight per endpoint at most; endpoints taken in turn, each one's longest waiting first.
  const first = await claim(adapter, now, 4, 'one', 2);
  const second = await claim(adapter, now, 10, 'two', 2);
  // Full: nothing more until one ends.
  const full = await claim(adapter, now, 10, 'three', 2);
  await adapter.transaction((tx) => tx.webhooks.recordAttempt(first[0]!.id, 'one', attempt(1, now), delivered(now)));
  const afterOne = await claim(adapter, now, 10, 'four', 2);
  return {
    first: first.map((row) => [row.endpointId, row.event.id]),
    second: endpointOf(second),
    full: endpointOf(full),
    afterOne: afterOne.map((row) => [row.endpointId, row.event.id]),
  };
}

/** A sender that died: its lease runs out and another takes the delivery; the dead one's late record is refused. */
async function deadSender(adapter: Adapter) {
  await backlog(adapter, 1);
  const now = T0 + 100;
  const dead = await claim(adapter, now, 10, 'dead');
  const whileLeased = await claim(adapter, now + LEASE - 1, 10, 'early');
  const taken = await claim(adapter, now + LEASE, 10, 'heir');
  const late = await adapter.transaction((tx) => tx.webhooks.recordAttempt(dead[0]!.id, 'dead', attempt(1, now + LEASE + 1), delivered(now + LEASE + 1)));
  const heir = await adapter.transaction((tx) => tx.webhooks.recordAttempt(dead[0]!.id, 'heir', attempt(1, now + LEASE + 2), delivered(now + LEASE + 2)));
  return { dead: dead.length, whileLeased: whileLeased.length, taken: taken.map((row) => row.id).sort(), late, heir, attempts: await adapter.repositories.webhooks.attempts(dead[0]!.id) };
}

/** A receiver that answered again: its back-off is cut short, but what is in flight to it stays leased. */
async function broughtForward(adapter: Adapter) {
  await backlog(adapter, 3);
  const { webhooks } = adapter.repositories;
  const now = T0 + 100;
  const claimed = (await claim(adapter, now, 10, 'one', 1)).filter((row) => row.endpointId === 'we_b');
  // we_b's first failed and waits; its second and third wait their turn.
  await adapter.transaction((tx) => tx.webhooks.recordAttempt(claimed[0]!.id, 'one', { ...attempt(1, now), statusCode: 503 }, later(now + 30_000)));
  const inFlight = (await claim(adapter, now + 1, 10, 'two', 1)).filter((row) => row.endpointId === 'we_b');
  const moved = await webhooks.bringForward('we_b', now + 2);
  // In flight stays leased: claimed by nobody else even though the endpoint's backlog is due now.
  const whileInFlight = (await claim(adapter, now + 3, 10, 'three', 1)).filter((row) => row.endpointId === 'we_b');
  await adapter.transaction((tx) => tx.webhooks.recordAttempt(inFlight[0]!.id, 'two', attempt(1, now + 3), delivered(now + 3)));
  const next = (await claim(adapter, now + 4, 10, 'four', 2)).filter((row) => row.endpointId === 'we_b');
  return { claimed: claimed.map((row) => row.event.id), inFlight: inFlight.map((row) => row.event.id), moved, whileInFlight: whileInFlight.length, next: next.map((row) => row.event.id) };
}

const probe = (adapter: Adapter, now: number, owner: string) =>
  adapter.transaction((tx) => tx.webhooks.claimProbes({ now, limit: 10, owner, leaseUntil: now + LEASE, probeAfter: now + PROBE }));
const PROBE = 15_000;

/**
 * Endpoints each in another state when probes are claimed: we_a has only deliveries waiting out a
 * back-off; we_b one in flight; we_c one due; we_d was probed lately; we_e is deleted.
 */
async function probes(adapter: Adapter) {
  const { webhooks } = adapter.repositories;
  await endpoints(adapter);
  for (const id of ['we_d', 'we_e']) {
    await webhooks.insertEndpoint({ id, url: `https://example.test/${id}`, events: ['check.held'], description: null, secret: `whsec_${id}`, createdAt: T0, createdBy: 'admin', livemode: true });
  }
  let next = 0;
  const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
  await adapter.transaction(async (tx) => {
    for (let i = 0; i < 2; i++) await tx.webhooks.enqueue({ id: `evt_${i}`, type: 'check.held', occurredAt: T0 + i, payload: `{"n":${i}}`, requestId: null }, true, deliveryId);
  });
  const now = T0 + 100;
  const failed = { ...attempt(1, now), statusCode: 503 };
  const claimed = await claim(adapter, now, 10, 'one');
  const waitUntil: Record<string, number | undefined> = { wd_006: now + 10_000, wd_007: undefined, wd_008: now + 1_000 };
  await adapter.transaction(async (tx) => {
    for (const { id } of claimed) {
      if (id in waitUntil && waitUntil[id] === undefined) continue;
      await tx.webhooks.recordAttempt(id, 'one', failed, later(waitUntil[id] ?? now + 60_000));
    }
    await tx.webhooks.deferProbe('we_d', now + 50_000);
    await tx.webhooks.deleteEndpoint('we_e', now);
  });
  const at = now + 2_000;
  const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
  const first = await probe(adapter, at, 'probe');
  const again = await probe(adapter, at, 'again');
  // we_a's second falls due while its probe is in flight: with one in flight per endpoint, it waits.
  const capped = (await claim(adapter, now + 10_000, 10, 'capped', 1)).filter((row) => row.endpointId === 'we_a');
  // The probe failed: released, no attempt, and we_a is not probed again for a while.
  const released = await adapter.transaction(async (tx) => {
    const answers = [await tx.webhooks.release('wd_001', 'probe'), await tx.webhooks.release('wd_001', 'probe')];
    await tx.webhooks.deferProbe('we_a', at + PROBE);
    return answers;
  });
  const afterProbe = await webhooks.findDelivery('we_a', 'wd_001');
  const uncapped = (await claim(adapter, now + 10_001, 10, 'uncapped', 1)).filter((row) => row.endpointId === 'we_a');
  await adapter.transaction((tx) => tx.webhooks.recordAttempt('wd_006', 'uncapped', { ...failed, attempt: 2 }, later(now + 100_000)));
  const tooSoon = await probe(adapter, at + PROBE - 1, 'soon');
  const later_ = await probe(adapter, now + 50_000, 'later');
  // A probe answered is the delivery's next attempt.
  const answered = await adapter.transaction((tx) => tx.webhooks.recordAttempt('wd_001', 'later', attempt(2, now + 50_000), delivered(now + 50_000)));
  return {
    first: first.map((row) => [row.id, row.endpointId, row.event.id, row.attempts, row.url]),
    again: ids(again),
    capped: ids(capped),
    released,
    afterProbe: { attempts: afterProbe?.attempts, nextAttemptAt: afterProbe?.nextAttemptAt },
    uncapped: ids(uncapped),
    tooSoon: ids(tooSoon),
    later: ids(later_),
    answered,
    attempts: (await webhooks.attempts('wd_001')).map((row) => row.attempt),
  };
}

describe('the webhook outbox on every adapter', () => {
  it('enqueues, claims, records and cancels deliveries', async () => {
    const sqlite = await outbox(sqliteAdapter());
    expect(sqlite.enqueued).toEqual([3, 1, 0]);
    expect(sqlite.claimed.map((row) => row.id)).toEqual(['wd_001', 'wd_002']);
    // The request that caused an event comes back with every delivery of it, claimed or listed.
    expect(sqlite.claimed.map((row) => row.event.requestId)).toEqual(['till-T04-sale-1', 'till-T04-sale-1']);
    expect(sqlite.found[0]?.event.requestId).toBe('till-T04-sale-1');
    expect(sqlite.deliveries[0]!.map((row) => row.event.requestId).sort()).toEqual([null, 'till-T04-sale-1']);
    expect(sqlite.claimedAgain.map((row) => row.id)).toEqual(['wd_003', 'wd_004']);
    expect(sqlite.nothingDue).toEqual([]);
    expect(sqlite.recorded).toEqual([true, true, false, false, true]);
    expect(sqlite.attempts.map((attempts) => attempts.length)).toEqual([1, 1, 1]);
    expect(sqlite.attempts[2]![0]!.statusCode).toBe(410);
    // A failed delivery and a delivered one (which the receiver may have lost) can both be sent again.
    expect(sqlite.retried).toEqual([true, true]);
    expect(sqlite.deleted).toEqual([true, false]);
    // wd_002 waits out its back-off, brought forward; wd_001, delivered, is due again once retried.
    expect(sqlite.dueAfter).toEqual(['wd_002', 'wd_001']);
  });

  it('shares sending fairly: a few in flight per endpoint, endpoints in turn', async () => {
    const result = await fairness(sqliteAdapter());
    expect(result.first).toEqual([
      ['we_a', 'evt_0'],
      ['we_b', 'evt_0'],
      ['we_c', 'evt_0'],
      ['we_a', 'evt_1'],
    ]);
    expect(result.second.sort()).toEqual(['we_b', 'we_c']);
    expect(result.full).toEqual([]);
    expect(result.afterOne).toEqual([['we_a', 'evt_2']]);
  });

  it('gives up a dead sender when its lease runs out, and takes no late record from it', async () => {
    const result = await deadSender(sqliteAdapter());
    expect(result).toMatchObject({ dead: 3, whileLeased: 0, late: false, heir: true });
    expect(result.taken).toHaveLength(3);
    expect(result.attempts).toHaveLength(1);
  });

  it('brings a receiver’s backlog forward when it answers, leaving what is in flight to it alone', async () => {
    const result = await broughtForward(sqliteAdapter());
    expect(result).toEqual({ claimed: ['evt_0'], inFlight: ['evt_1'], moved: 1, whileInFlight: 0, next: ['evt_2', 'evt_0'] });
  });

  it('sends each world’s events to that world’s endpoints only', async () => {
    const sqlite = await worlds(sqliteAdapter());
    expect(sqlite.enqueued).toEqual([1, 1]);
    expect(sqlite.received).toEqual({ live: ['evt_live'], test: ['evt_test'] });
    expect(sqlite.listed).toEqual({ live: ['we_live'], test: ['we_test'] });
    expect(sqlite.found?.livemode).toBe(false);
  });

  it('probes only endpoints whose deliveries all wait, none in flight, once their time has come', async () => {
    const result = await probes(sqliteAdapter());
    expect(result).toEqual({
      first: [['wd_001', 'we_a', 'evt_0', 1, 'https://example.test/we_a']],
      again: [],
      capped: [],
      released: [true, false],
      afterProbe: { attempts: 1, nextAttemptAt: T0 + 100 + 60_000 },
      uncapped: ['wd_006'],
      tooSoon: [],
      later: ['wd_001', 'wd_004'],
      answered: true,
      attempts: [1, 2],
    });
  });

  it.skipIf(!postgresAvailable)('keeps the worlds apart on PostgreSQL exactly as on SQLite', async () => {
    expect(await worlds(await postgresAdapter())).toEqual(await worlds(sqliteAdapter()));
  });

  it.skipIf(!postgresAvailable)('answers on PostgreSQL exactly as on SQLite', async () => {
    for (const scenario of [outbox, fairness, deadSender, broughtForward, probes] as Array<(adapter: Adapter) => Promise<unknown>>) {
      const sqlite = await scenario(sqliteAdapter());
      const postgres = await scenario(await postgresAdapter());
      expect(postgres).toEqual(sqlite);
    }
  });

  it.skipIf(!postgresAvailable)('never hands one delivery to two nodes claiming at once, and loses none', async () => {
    const first = await postgresAdapter();
    const second = await first.anotherNode!();
    await endpoints(first);
    let next = 0;
    const deliveryId = () => `wd_${String(++next).padStart(3, '0')}`;
    await first.transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await tx.webhooks.enqueue({ id: `evt_${i}`, type: 'check.held', occurredAt: T0 + i, payload: `{"n":${i}}`, requestId: null }, true, deliveryId);
    });
    const now = T0 + 1_000;
    const claims: string[][] = [];
    let owners = 0;
    const race = (node: Adapter, meanwhile: () => Promise<unknown>) =>
      node.transaction(async (tx) => {
        const due = await tx.webhooks.claimDue({ now, limit: 7, perEndpoint: 100, owner: `owner-${++owners}`, leaseUntil: now + LEASE });
        // The other node claims while this claim is not yet committed: it waits its turn, then sees these leased.
        await Promise.race([meanwhile(), new Promise((resolve) => setTimeout(resolve, 50))]);
        claims.push(due.map((row) => row.id));
      });
    // Three rounds of two nodes claiming at the same moment, then whatever is left.
    for (let round = 0; round < 3; round++) {
      let other: Promise<unknown> = Promise.resolve();
      await race(first, async () => (other = race(second, async () => {})));
      await other;
    }
    do await race(second, async () => {});
    while (claims.at(-1)!.length > 0);
    const all = claims.flat();
    expect(claims.slice(0, 2).map((ids) => ids.length)).toEqual([7, 7]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `wd_${String(i + 1).padStart(3, '0')}`));
    // Leased: none is claimed again until its lease runs out, and then all are.
    expect(await claim(first, now + LEASE - 1, 100, 'early', 100)).toEqual([]);
    expect(await claim(second, now + LEASE, 100, 'heir', 100)).toHaveLength(60);
  });

  it.skipIf(!postgresAvailable)('lets no endpoint have more than its share in flight however many nodes claim at once', async () => {
    const first = await postgresAdapter();
    const second = await first.anotherNode!();
    await backlog(first, 10);
    const now = T0 + 1_000;
    const [a, b] = await Promise.all([claim(first, now, 30, 'a', 3), claim(second, now, 30, 'b', 3)]);
    const perEndpoint = new Map<string, number>();
    for (const row of [...a, ...b]) perEndpoint.set(row.endpointId, (perEndpoint.get(row.endpointId) ?? 0) + 1);
    expect(Object.fromEntries(perEndpoint)).toEqual({ we_a: 3, we_b: 3, we_c: 3 });
    expect(new Set([...a, ...b].map((row) => row.id)).size).toBe(9);
  });

  it.skipIf(!postgresAvailable)('lets one node probe an endpoint when two claim probes at once', async () => {
    const first = await postgresAdapter();
    const second = await first.anotherNode!();
    await backlog(first, 1);
    const now = T0 + 100;
    const claimed = await claim(first, now, 10, 'one');
    await first.transaction(async (tx) => {
      for (const { id } of claimed) await tx.webhooks.recordAttempt(id, 'one', { ...attempt(1, now), statusCode: 503 }, later(now + 60_000));
    });
    const [a, b] = await Promise.all([probe(first, now + 1_000, 'a'), probe(second, now + 1_000, 'b')]);
    expect([a.length, b.length].sort()).toEqual([0, 3]);
    expect([...a, ...b].map((row) => row.endpointId).sort()).toEqual(['we_a', 'we_b', 'we_c']);
  });
});
