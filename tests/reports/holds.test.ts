import { describe, expect, it } from 'vitest';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];

/**
 * Two days in two stores. Stevenage: a hold released in a minute to a customer who is scammed the next
 * day elsewhere, one released in three minutes that the till then records as a confirmed scam, and one
 * nobody came to. Hitchin: one a supervisor refuses in two minutes, one the customer's answers refuse,
 * and one still waiting.
 */
async function twoDaysOfHolds() {
  let now = Date.parse('2026-11-18T10:00:00.000Z');
  const app = await testApp({ clock: () => now });
  const tills: Record<string, string> = { [STORE]: await app.makeKey('till', [STORE]), [OTHER_STORE]: await app.makeKey('till', [OTHER_STORE]) };
  let customers = 0;
  async function hold(storeId: string, loyaltyId = `6340040009${(customers += 1)}`) {
    const response = await app.call('POST', '/v1/checks', {
      key: tills[storeId],
      body: aCheck({ storeId, lines: appleCards(3), customer: { ageBand: '80_plus', loyaltyId } }),
    });
    expect(response.json.action).toBe('hold');
    return response.json.checkId as string;
  }
  const post = (storeId: string, path: string, body: unknown) => app.call('POST', path, { key: tills[storeId], body });
  const decide = (storeId: string, checkId: string, decision: string) =>
    post(storeId, `/v1/checks/${checkId}/review`, { decision, supervisorRef: 'S0042' });

  const scamVictim = '634004000123456';
  const a1 = await hold(STORE, scamVictim);
  now += MINUTE;
  await decide(STORE, a1, 'release');
  await post(STORE, `/v1/checks/${a1}/outcome`, { outcome: 'proceeded_after_warning' });
  now += 9 * MINUTE;
  const a2 = await hold(STORE);
  now += 3 * MINUTE;
  await decide(STORE, a2, 'release');
  await post(STORE, `/v1/checks/${a2}/outcome`, { outcome: 'scam_confirmed' });
  now += 7 * MINUTE;
  await hold(STORE);

  now += DAY;
  const b1 = await hold(OTHER_STORE);
  now += 2 * MINUTE;
  await decide(OTHER_STORE, b1, 'refuse');
  const b2 = await hold(OTHER_STORE);
  await post(OTHER_STORE, `/v1/checks/${b2}/answers`, { answers: { codesRequested: 'yes' } });
  // The first customer again, buying nothing that holds, and this time the scam comes out.
  const again = await post(OTHER_STORE, '/v1/checks', {
    ...aCheck({ storeId: OTHER_STORE, lines: [{ kind: 'merchandise', unitAmount: 155 }], customer: { loyaltyId: scamVictim } }),
  });
  expect(again.json.review).toBeUndefined();
  await post(OTHER_STORE, `/v1/checks/${again.json.checkId}/outcome`, { outcome: 'scam_confirmed' });
  now += 10 * MINUTE;
  await hold(OTHER_STORE);
  return { ...app, now: () => now };
}

describe('GET /v1/reports/holds', () => {
  it('counts what became of the holds, how fast supervisors came, and the releases that proved costly', async () => {
    const { call, makeKey, now } = await twoDaysOfHolds();
    const analyst = await makeKey('analyst');
    const response = await call('GET', '/v1/reports/holds?from=2026-11-18&to=2026-11-19', { key: analyst });
    expect(response.status).toBe(200);
    const report = response.json;
    expect(report).toMatchObject({ from: '2026-11-18', to: '2026-11-19', days: 2, storeIds: null, generatedAt: new Date(now()).toISOString() });
    expect(report.totals).toEqual({
      opened: 6,
      open: 1,
      released: 2,
      refused: 2,
      refusedBySupervisor: 1,
      expired: 1,
      timeToSupervisor: { decisions: 3, medianSeconds: 120, p90Seconds: 180 },
      releasedValue: { GBP: 60000 },
      releasedThenScam: 2,
      releasedThenScamValue: { GBP: 60000 },
    });
    expect(report.openNow).toEqual({ count: 1, oldestOpenedAt: new Date(now()).toISOString() });
    expect(report.byStore.map((s: { storeId: string; opened: number; releasedThenScam: number; expired: number }) => [s.storeId, s.opened, s.releasedThenScam, s.expired])).toEqual([
      [STORE, 3, 2, 1],
      [OTHER_STORE, 3, 0, 0],
    ]);
    expect(report.byDay).toEqual([
      { day: '2026-11-18', opened: 3, released: 2, refused: 0, expired: 1, open: 0 },
      { day: '2026-11-19', opened: 3, released: 0, refused: 2, expired: 0, open: 1 },
    ]);
  });

  it('shows a key limited to some stores only those', async () => {
    const { call, makeKey } = await twoDaysOfHolds();
    const hitchin = await makeKey('analyst', [OTHER_STORE]);
    const own = await call('GET', '/v1/reports/holds?from=2026-11-18&to=2026-11-19', { key: hitchin });
    expect(own.json).toMatchObject({ storeIds: [OTHER_STORE], totals: { opened: 3, releasedThenScam: 0 }, openNow: { count: 1 } });
    const other = await call('GET', `/v1/reports/holds?storeId=${STORE}`, { key: hitchin });
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('store_forbidden');
    const supervisor = await makeKey('supervisor', [OTHER_STORE]);
    expect((await call('GET', '/v1/reports/holds', { key: supervisor })).json.code).toBe('forbidden');
  });
});
