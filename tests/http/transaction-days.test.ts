import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { undoBusinessDays, undoTestMode, undoSeparateWorlds } from '../helpers/schema.js';

const DAY = 24 * 60 * 60_000;

/** A service whose clock the test moves. */
async function clockedApp(startIso: string, timeZone?: string) {
  let now = Date.parse(startIso);
  const app = await testApp({ clock: () => now, ...(timeZone ? { timeZone } : {}) });
  return { ...app, advance: (ms: number) => (now += ms) };
}

describe('transaction ids are unique per store and business day', () => {
  it('answers a retry from an outbox days later, with its original occurredAt, as the same check', async () => {
    const { call, makeKey, advance } = await clockedApp('2026-11-20T10:00:00.000Z');
    const till = await makeKey('till', [STORE]);
    const body = aCheck({ transactionId: '0001', occurredAt: '2026-11-20T09:59:58.000Z' });
    const first = await call('POST', '/v1/checks', { key: till, body });
    expect(first.status).toBe(201);
    await call('POST', `/v1/checks/${first.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded' } });

    advance(3 * DAY);
    const retry = await call('POST', '/v1/checks', { key: till, body });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.json).toEqual(first.json);
  });

  it('makes a new check of the next day’s basket with yesterday’s number, whether or not the till sends occurredAt', async () => {
    const { call, makeKey, advance } = await clockedApp('2026-11-20T10:00:00.000Z');
    const till = await makeKey('till', [STORE]);
    const yesterday = await call('POST', '/v1/checks', { key: till, body: aCheck({ transactionId: '0001', occurredAt: '2026-11-20T10:00:00.000Z' }) });
    expect(yesterday.status).toBe(201);
    await call('POST', `/v1/checks/${yesterday.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded' } });

    advance(DAY);
    const basket = { transactionId: '0001', lines: [{ kind: 'gift_card' as const, brand: 'steam', unitAmount: 5000, quantity: 1 }] };
    const today = await call('POST', '/v1/checks', { key: till, body: aCheck({ ...basket, occurredAt: '2026-11-21T10:00:00.000Z' }) });
    expect(today.status).toBe(201);
    expect(today.json.checkId).not.toBe(yesterday.json.checkId);
    expect(today.json.revision).toBe(1);

    advance(DAY);
    const unstamped = await call('POST', '/v1/checks', { key: till, body: aCheck(basket) });
    expect(unstamped.status).toBe(201);
    expect(new Set([yesterday.json.checkId, today.json.checkId, unstamped.json.checkId]).size).toBe(3);

    const first = await call('GET', `/v1/checks/${yesterday.json.checkId}`, { key: till });
    expect(first.json.outcome.outcome).toBe('proceeded');
    expect(first.json.evaluations).toHaveLength(1);
  });

  it('counts the day on the shop’s clock, not UTC’s', async () => {
    // 23:30 UTC on 1 July is 00:30 on 2 July in London (BST): the same business day as 10:00 on 2 July.
    const late = '2026-07-01T23:30:00.000Z';
    const morning = '2026-07-02T10:00:00.000Z';
    const basket = { transactionId: '0042', lines: [{ kind: 'gift_card' as const, brand: 'steam', unitAmount: 5000, quantity: 1 }] };

    const london = await clockedApp('2026-07-02T10:00:00.000Z');
    const londonTill = await london.makeKey('till', [STORE]);
    const a = await london.call('POST', '/v1/checks', { key: londonTill, body: aCheck({ ...basket, occurredAt: late }) });
    const b = await london.call('POST', '/v1/checks', { key: londonTill, body: aCheck({ ...basket, occurredAt: morning }) });
    expect(b.json.checkId).toBe(a.json.checkId);
    expect(b.json.revision).toBe(2);

    const utc = await clockedApp('2026-07-02T10:00:00.000Z', 'UTC');
    const utcTill = await utc.makeKey('till', [STORE]);
    const c = await utc.call('POST', '/v1/checks', { key: utcTill, body: aCheck({ ...basket, occurredAt: late }) });
    const d = await utc.call('POST', '/v1/checks', { key: utcTill, body: aCheck({ ...basket, occurredAt: morning }) });
    expect(d.status).toBe(201);
    expect(d.json.checkId).not.toBe(c.json.checkId);
  });

  it('gives the checks stored before business days were kept their day, so their retries still find them', async () => {
    const before = await clockedApp('2026-11-20T10:00:00.000Z');
    const till = await before.makeKey('till', [STORE]);
    const body = aCheck({ transactionId: '0007', occurredAt: '2026-11-20T09:59:58.000Z' });
    const first = await before.call('POST', '/v1/checks', { key: till, body });
    before.services.store.close();
    const db = new Database(before.databasePath);
    // Back to schema 90: before business days (0100), idempotency keys (0110), test mode (0120) and separate worlds (0140).
    undoSeparateWorlds(db);
    undoTestMode(db);
    undoBusinessDays(db);
    db.exec('DROP TABLE idempotency_keys');
    db.pragma('user_version = 90');
    db.close();

    const after = await testApp({ databasePath: before.databasePath, clock: () => Date.parse('2026-11-23T10:00:00.000Z') });
    const retry = await after.call('POST', '/v1/checks', { key: till, body });
    expect(retry.status).toBe(200);
    expect(retry.json.checkId).toBe(first.json.checkId);
    expect((await after.call('GET', `/v1/checks/${first.json.checkId}`, { key: till })).json.evaluations).toHaveLength(1);
  });
});
