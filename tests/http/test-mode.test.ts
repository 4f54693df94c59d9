import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { runPurge } from '../../src/cli/purge.js';
import { NO_HISTORY } from '../../src/engine/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { undoAfterStoreDays } from '../helpers/schema.js';

const DAY = 24 * 60 * 60_000;
const scamBasket = {
  lines: [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity: 3 }],
  customer: { ageBand: '70_79' as const, loyaltyId: 'LOY-4417-0001' },
};

async function setUp(start = '2026-11-20T10:00:00.000Z', { background = false } = {}) {
  let now = Date.parse(start);
  // Webhook hosts resolve to a public address only where no delivery runs, so nothing is ever sent off this machine.
  const app = await testApp({ clock: () => now, background, ...(background ? {} : { webhookResolve: async () => ['93.184.215.14'] }) });
  const makeKey = async (role: 'till' | 'analyst', mode: 'live' | 'test') => {
    const response = await app.call('POST', '/v1/keys', {
      key: app.adminKey,
      body: { role, mode, name: `${mode} ${role}`, ...(role === 'till' ? { storeIds: [STORE] } : {}) },
    });
    expect(response.status).toBe(201);
    return response.json;
  };
  const live = (await makeKey('till', 'live')).key as string;
  const test = (await makeKey('till', 'test')).key as string;
  const analyst = (await makeKey('analyst', 'live')).key as string;
  const submit = (key: string, body: Parameters<typeof aCheck>[0]) => app.call('POST', '/v1/checks', { key, body: aCheck(body) });
  const historyOf = async (checkId: string) => (await app.services.store.checks.findById(checkId))!.latest.history;
  return { ...app, makeKey, live, test, analyst, submit, historyOf, advance: (ms: number) => (now += ms) };
}

describe('test mode', () => {
  it('makes test keys that say so, and live keys that do not', async () => {
    const { makeKey } = await setUp();
    const test = await makeKey('till', 'test');
    expect(test.key).toMatch(/^vsk_test_/);
    expect(test).toMatchObject({ mode: 'test', prefix: test.key.slice(0, 15) });
    const live = await makeKey('till', 'live');
    expect(live.key).toMatch(/^vsk_(?!test_)/);
    expect(live.mode).toBe('live');
  });

  it('has a test admin make test keys, also when it names no mode, and a live admin live keys unless it asks for test', async () => {
    const { call, adminKey } = await setUp();
    const make = (key: string, body: Record<string, unknown>) => call('POST', '/v1/keys', { key, body: { role: 'analyst', name: 'a key', ...body } });
    const testAdmin = (await make(adminKey, { role: 'admin', mode: 'test' })).json.key;
    expect((await make(testAdmin, {})).json).toMatchObject({ mode: 'test', key: expect.stringMatching(/^vsk_test_/) });
    expect((await make(testAdmin, { mode: 'live' })).json.code).toBe('live_key_required');
    expect((await make(adminKey, {})).json.mode).toBe('live');
  });

  it('decides a test check exactly as a live one', async () => {
    const { submit, live, test } = await setUp();
    const fromLive = await submit(live, { ...scamBasket, customer: { ageBand: '70_79' } });
    const fromTest = await submit(test, { ...scamBasket, customer: { ageBand: '70_79' } });
    expect(fromTest.status).toBe(201);
    const decision = ({ action, score, reasons, prompt, ruleSetVersion }: Record<string, unknown>) => ({ action, score, reasons, prompt, ruleSetVersion });
    expect(decision(fromTest.json)).toEqual(decision(fromLive.json));
  });

  it('keeps test checks out of the reports and the export', async () => {
    const { submit, call, live, test, analyst } = await setUp();
    await submit(live, scamBasket);
    for (let i = 0; i < 3; i++) await submit(test, scamBasket);
    const period = 'from=2026-11-20&to=2026-11-20';
    const summary = await call('GET', `/v1/reports/summary?${period}`, { key: analyst });
    expect(summary.status).toBe(200);
    expect(summary.json.totals.checks).toBe(1);
    const csv = await call('GET', `/v1/reports/checks.csv?${period}`, { key: analyst });
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
  });

  it('never links a test check with a live customer’s history, either way', async () => {
    const { submit: send, live, test, historyOf, advance } = await setUp();
    // A minute apart: history counts what came before.
    const submit = (key: string, body: Parameters<typeof aCheck>[0]) => (advance(60_000), send(key, body));
    for (let i = 0; i < 2; i++) await submit(test, scamBasket);
    const firstLive = await submit(live, scamBasket);
    expect(await historyOf(firstLive.json.checkId)).toEqual(NO_HISTORY);
    const secondLive = await submit(live, scamBasket);
    expect((await historyOf(secondLive.json.checkId)).h24.checks).toBe(1);
    const laterTest = await submit(test, scamBasket);
    expect((await historyOf(laterTest.json.checkId)).h24.checks).toBe(2);
  });

  it('gives test and live their own transaction ids: a test till reusing a live id never blocks the live sale', async () => {
    const { submit, call, live, test } = await setUp();
    // The test till gets there first, with a different basket, as an attacker would.
    const fromTest = await submit(test, { transactionId: 'T-1', lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 500, quantity: 1 }] });
    expect(fromTest.status).toBe(201);
    const fromLive = await submit(live, { transactionId: 'T-1' });
    expect(fromLive.status).toBe(201);
    expect(fromLive.json.checkId).not.toBe(fromTest.json.checkId);
    // Each world's retry finds its own check, and the live sale is recorded.
    expect((await submit(live, { transactionId: 'T-1' })).json.checkId).toBe(fromLive.json.checkId);
    expect((await submit(test, { transactionId: 'T-1', lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 500, quantity: 1 }] })).json.checkId).toBe(fromTest.json.checkId);
    const outcome = await call('POST', `/v1/checks/${fromLive.json.checkId}/outcome`, { key: live, body: { outcome: 'proceeded' } });
    expect(outcome.status).toBe(201);
  });

  it('separates the worlds on a database already in use (migration 0160): its webhooks stay live, its checks keep their ids', async () => {
    const before = await setUp();
    const liveCheck = (await before.submit(before.live, { transactionId: 'T-1' })).json.checkId;
    const webhook = (await before.call('POST', '/v1/webhooks', { key: before.adminKey, body: { url: 'https://lp.example.test/hooks', events: ['check.held'] } })).json.id;
    await before.services.store.close();
    const db = new Database(before.databasePath);
    undoAfterStoreDays(db);
    db.pragma('user_version = 130');
    db.close();

    const after = await testApp({ databasePath: before.databasePath, clock: () => Date.parse('2026-11-20T10:05:00.000Z') });
    const fromTest = await after.call('POST', '/v1/checks', { key: before.test, body: aCheck({ transactionId: 'T-1' }) });
    expect(fromTest.status).toBe(201);
    expect(fromTest.json.checkId).not.toBe(liveCheck);
    const retry = await after.call('POST', '/v1/checks', { key: before.live, body: aCheck({ transactionId: 'T-1' }) });
    expect(retry.json.checkId).toBe(liveCheck);
    const webhooks = (await after.call('GET', '/v1/webhooks', { key: before.adminKey })).json.webhooks;
    expect(webhooks).toEqual([expect.objectContaining({ id: webhook, livemode: true })]);
  });

  it('purges test checks after 7 days with vouchsafe purge, whatever the retention period', async () => {
    const { submit, live, test, services, databasePath } = await setUp(new Date(Date.now() - 8 * DAY).toISOString());
    const oldLive = (await submit(live, {})).json.checkId;
    const oldTest = (await submit(test, {})).json.checkId;
    await services.store.close();
    const lines: string[] = [];
    expect(await runPurge({ db: databasePath, olderThan: '365d', dryRun: false }, { out: (line) => lines.push(line), err: (line) => lines.push(line) })).toBe(0);
    expect(lines.join('\n')).toMatch(/Deleted 1 test-mode checks/);

    const after = await testApp({ databasePath });
    expect(await after.services.store.checks.findById(oldTest)).toBeUndefined();
    expect(await after.services.store.checks.findById(oldLive)).toBeDefined();
  });

  it('purges test checks after 7 days by itself in the running service, keeping live ones', async () => {
    // Virtual time: the service's clock is in hand, and so are its timers.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => void vi.useRealTimers());
    const { submit, live, test, services, advance } = await setUp('2026-11-20T10:00:00.000Z', { background: true });
    const held = { lines: scamBasket.lines, customer: { ageBand: '80_plus' as const } };
    const [liveHold, testHold] = [await submit(live, held), await submit(test, held)];
    expect([liveHold.json.action, testHold.json.action]).toEqual(['hold', 'hold']);
    const [oldLive, oldTest] = [liveHold.json.checkId, testHold.json.checkId];
    advance(6 * DAY);
    const newerTest = (await submit(test, {})).json.checkId;
    const existing = async () =>
      Promise.all([oldTest, newerTest, oldLive].map(async (checkId) => (await services.store.checks.findById(checkId)) !== undefined));

    advance(DAY - 60_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await existing()).toEqual([true, true, true]);

    advance(2 * 60_000);
    await vi.advanceTimersByTimeAsync(1_000);
    // The sweeper's step is a transaction of its own: done once its promise settles.
    await expect.poll(existing, { interval: 20 }).toEqual([false, true, true]);
    // Its hold went with it; the live check's stays.
    expect(await services.store.reviews.find(oldTest)).toBeUndefined();
    expect(await services.store.reviews.find(oldLive)).toBeDefined();
  });
});
