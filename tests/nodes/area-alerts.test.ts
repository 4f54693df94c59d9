import { describe, expect, it } from 'vitest';
import { STORE } from '../helpers/app.js';
import { appleCards, presentShopping } from '../helpers/area-baskets.js';
import { call, startTwoNodes } from '../helpers/nodes.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

const NEAR_STORE = 'herts-stevenage-020';
const store = (name: string, lat: number, lon: number, locale = 'en-GB') => ({ name, timeZone: 'Europe/London', locale, currency: 'GBP', location: { lat, lon } });

describe.skipIf(!postgresAvailable)('stores and area alerts on two nodes of one PostgreSQL database', () => {
  it('a store changed on one node decides the next check on the other; an alert raised on one reaches a check on the other', async () => {
    const { a, b, adminKey } = await startTwoNodes(await freshPostgresUrl());
    const till = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'till', name: 'Two shops’ tills', storeIds: [STORE, NEAR_STORE] })).json.key as string;
    expect((await call(a, 'PUT', `/v1/stores/${STORE}`, adminKey, store('Stevenage Town Centre', 51.9017, -0.2019))).status).toBe(201);
    expect((await call(a, 'PUT', `/v1/stores/${NEAR_STORE}`, adminKey, store('Stevenage Old Town', 51.9194, -0.2028))).status).toBe(201);

    // Node B heard of the stores: its checks at NEAR_STORE get the store's language, not the browser's.
    const language = () => call(b, 'POST', '/v1/checks', till, presentShopping(NEAR_STORE), { 'accept-language': 'en-US' }).then((r) => r.json.locale);
    await expect.poll(language, { timeout: 10_000, interval: 100 }).toBe('en-GB');
    await call(a, 'PUT', `/v1/stores/${NEAR_STORE}`, adminKey, store('Stevenage Old Town', 51.9194, -0.2028, 'cy-GB'));
    await expect.poll(language, { timeout: 10_000, interval: 100 }).toBe('cy-GB');
    expect((await call(b, 'POST', '/v1/checks', till, presentShopping(NEAR_STORE))).json.action).toBe('allow');

    // A sale refused on node A, at STORE: node B's next check at the store 2 km away sees it.
    const first = await call(a, 'POST', '/v1/checks', till, appleCards(STORE));
    expect((await call(a, 'POST', `/v1/checks/${first.json.checkId}/answers`, till, { answers: { codesRequested: 'yes' } })).json.action).toBe('refuse');
    const near = await call(b, 'POST', '/v1/checks', till, presentShopping(NEAR_STORE));
    expect(near.json.action).toBe('prompt');
    const record = await call(b, 'GET', `/v1/checks/${near.json.checkId}`, till);
    const alerts = (await call(b, 'GET', '/v1/area-alerts', adminKey)).json.alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].reached).toEqual([{ storeId: NEAR_STORE, km: 2 }]);
    expect(record.json.evaluations[0].area.alertIds).toEqual([alerts[0].id]);
  });
});
