import { describe, expect, it } from 'vitest';
import { SHARED_AFTER_CHECKS, SHARED_AFTER_PARTNERS } from '../../src/store/history.js';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const lines = [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 10 }];
const customer = { ageBand: '60_69' as const, loyaltyId: '634004000123456' };
const rulesOf = (json: { reasons: Array<{ ruleId: string }> }) => json.reasons.map((r) => r.ruleId);

/** A service on a virtual clock, with a till key for two stores. */
async function clocked(start = Date.parse('2026-11-20T10:00:00Z')) {
  const clock = { now: start };
  const app = await testApp({ clock: () => clock.now });
  const till = await app.makeKey('till', [STORE, OTHER_STORE]);
  return { ...app, clock, till };
}

describe('history on the service’s clock', () => {
  it.each([
    ['15 minutes slow', -15 * MINUTE],
    ['4 minutes fast', 4 * MINUTE],
    ['stepped back a second', -10 * MINUTE - 1000],
  ])('still sees the first store’s check when the second till’s clock is %s', async (_name, offset) => {
    const { call, clock, till } = await clocked();
    await call('POST', '/v1/checks', { key: till, body: aCheck({ customer, lines, occurredAt: iso(clock.now) }) });
    clock.now += 10 * MINUTE;
    const second = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ storeId: OTHER_STORE, customer, lines, occurredAt: iso(clock.now + offset) }),
    });
    expect(second.status).toBe(201);
    expect(second.json.action).toBe('refuse');
    expect(rulesOf(second.json)).toContain('another-store-today');
  });

  it('accepts a till clock minutes ahead of a slow service clock, and files the check under the till’s time', async () => {
    const { call, clock, till } = await clocked();
    const occurredAt = iso(clock.now + 6 * MINUTE);
    const created = await call('POST', '/v1/checks', { key: till, body: aCheck({ occurredAt }) });
    expect(created.status).toBe(201);
    const record = await call('GET', `/v1/checks/${created.json.checkId}`, { key: till });
    expect(record.json.occurredAt).toBe(occurredAt);
    expect(record.json.receivedAt).toBe(iso(clock.now));
  });

  it('places an offline replay at its recorded time, and one older than seven days at the window’s start', async () => {
    const { call, clock, till } = await clocked();
    const offline = (decidedAt: number) => ({ action: 'hold' as const, ruleSetVersion: 'offline-fallback', decidedAt: iso(decidedAt) });
    // Decided offline three hours ago, replayed now: it sits three hours back in the customer's history.
    const replayedAt = clock.now - 3 * 60 * MINUTE;
    const replay = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ customer, lines, occurredAt: iso(replayedAt), offlineDecision: offline(replayedAt) }),
    });
    expect(replay.status).toBe(201);
    clock.now += MINUTE;
    const next = await call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: OTHER_STORE, customer, lines }) });
    // Within the day, but not within the hour: the replay counts where the till said it happened.
    expect(rulesOf(next.json)).toContain('another-store-today');
    expect(rulesOf(next.json)).not.toContain('back-within-the-hour');

    const other = { ...customer, loyaltyId: '634004000999999' };
    const ancient = clock.now - 40 * 24 * 60 * MINUTE;
    await call('POST', '/v1/checks', { key: till, body: aCheck({ customer: other, lines, occurredAt: iso(ancient), offlineDecision: offline(ancient) }) });
    clock.now += MINUTE;
    const after = await call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: OTHER_STORE, customer: other, lines }) });
    // Believed only seven days back: outside the day, inside the 30 days.
    expect(rulesOf(after.json)).not.toContain('another-store-today');
    expect(rulesOf(after.json)).toContain('high-spend-this-month');
  });

  it.each(['0000-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'])('refuses occurredAt %s', async (occurredAt) => {
    const { call, till } = await clocked();
    const response = await call('POST', '/v1/checks', { key: till, body: aCheck({ occurredAt }) });
    expect(response.status).toBe(400);
    expect(response.json.field).toBe('occurredAt');
  });
});

describe('revisions never go backwards', () => {
  it('answers a late retry of an older basket with the current decision, and records nothing', async () => {
    const { call, till, services } = await clocked();
    const small = aCheck({ lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000 }], customer: { ageBand: '80_plus' } });
    const first = await call('POST', '/v1/checks', { key: till, body: small });
    const bigger = { ...small, lines: [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 5 }] };
    const second = await call('POST', '/v1/checks', { key: till, body: bigger });
    expect(second.json).toMatchObject({ revision: 2, action: 'hold' });
    expect(first.json.action).not.toBe('hold');

    const late = await call('POST', '/v1/checks', { key: till, body: small });
    expect(late.status).toBe(200);
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.json).toEqual(second.json);
    expect(await services.store.checks.evaluations(first.json.checkId)).toHaveLength(2);
  });
});

describe('shared identifiers', () => {
  it('stops linking a loyalty id seen with many customers’ cards, and says so in the history it decides on', async () => {
    const { call, clock, till, services } = await clocked();
    const guest = 'GUEST-CARD';
    for (let i = 0; i <= SHARED_AFTER_PARTNERS; i++) {
      clock.now += MINUTE;
      await call('POST', '/v1/checks', { key: till, body: aCheck({ customer: { loyaltyId: guest, paymentToken: `tok_${i}` } }) });
    }
    clock.now += MINUTE;
    const next = await call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: OTHER_STORE, customer: { loyaltyId: guest }, lines }) });
    expect(rulesOf(next.json)).not.toContain('another-store-today');
    const record = (await services.store.checks.findById(next.json.checkId))!;
    expect(record.identified).toBe(false);
    expect(record.latest.history.d30.checks).toBe(0);
  });

  it('treats an identifier on more checks in 30 days than one person makes as shared, and reads back no more of them than that', async () => {
    const { call, clock, till, services } = await clocked();
    const card = { loyaltyId: 'STORE-GUEST' };
    for (let i = 0; i < SHARED_AFTER_CHECKS - 1; i++) {
      clock.now += MINUTE;
      await call('POST', '/v1/checks', { key: till, body: aCheck({ customer: card }) });
    }
    clock.now += MINUTE;
    const last = await call('POST', '/v1/checks', { key: till, body: aCheck({ customer: card }) });
    // Its history stops at the cap, whatever came before.
    expect((await services.store.checks.findById(last.json.checkId))!.latest.history.d30.checks).toBe(SHARED_AFTER_CHECKS - 1);
    clock.now += MINUTE;
    const next = await call('POST', '/v1/checks', { key: till, body: aCheck({ customer: card, lines }) });
    expect((await services.store.checks.findById(next.json.checkId))!.identified).toBe(false);
  });
});
