import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

const MINUTE = 60_000;
const scamBasket = { lines: [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity: 2 }], customer: { ageBand: '70_79' as const } };

async function setUp(options: Parameters<typeof testApp>[0] = {}) {
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  const app = await testApp({ clock: () => clock.now, ...options });
  const backOffice = await app.makeKey('till', [STORE]);
  const mint = async (key: string, body: Record<string, unknown> = { storeId: STORE, tillId: 'T04' }) => app.call('POST', '/v1/till-tokens', { key, body });
  const tokenFor = async (key = backOffice, body?: Record<string, unknown>) => {
    const minted = await mint(key, body);
    expect(minted.status).toBe(201);
    return minted.json.token as string;
  };
  return { ...app, clock, backOffice, mint, tokenFor };
}

describe('POST /v1/till-tokens', () => {
  it('mints a 15-minute token for one till that a browser till uses in place of the key', async () => {
    const { mint, call, backOffice, services } = await setUp();
    const minted = await mint(backOffice);
    expect(minted.status).toBe(201);
    expect(minted.headers.get('cache-control')).toBe('no-store');
    expect(minted.json).toEqual({ token: expect.stringMatching(/^vst_(?!test_)/), expiresAt: '2026-11-20T10:15:00.000Z', storeId: STORE, tillId: 'T04', mode: 'live' });
    const checked = await call('POST', '/v1/checks', { key: minted.json.token, body: aCheck(scamBasket) });
    expect(checked.status).toBe(201);
    const { checkId } = checked.json;
    expect((await services.store.checks.findById(checkId))?.livemode).toBe(true);
    expect((await call('GET', `/v1/checks/${checkId}`, { key: minted.json.token })).status).toBe(200);
    expect((await call('POST', `/v1/checks/${checkId}/answers`, { key: minted.json.token, body: { answers: { someoneAskedYouToBuy: 'no' } } })).status).toBe(200);
    expect((await call('POST', `/v1/checks/${checkId}/outcome`, { key: minted.json.token, body: { outcome: 'abandoned' } })).status).toBe(201);
    expect((await call('GET', '/v1/rules/offline-policy', { key: minted.json.token })).status).toBe(200);
  });

  it('refuses a check for another store (403 store_forbidden) or another till (403 till_forbidden), and hides other tills’ checks', async () => {
    const { call, tokenFor, backOffice } = await setUp();
    const token = await tokenFor();
    const otherStore = await call('POST', '/v1/checks', { key: token, body: aCheck({ storeId: OTHER_STORE }) });
    expect([otherStore.status, otherStore.json.code]).toEqual([403, 'store_forbidden']);
    const otherTill = await call('POST', '/v1/checks', { key: token, body: aCheck({ tillId: 'T05' }) });
    expect([otherTill.status, otherTill.json.code]).toEqual([403, 'till_forbidden']);
    const theirs = await call('POST', '/v1/checks', { key: backOffice, body: aCheck({ ...scamBasket, tillId: 'T05' }) });
    for (const [method, path, body] of [
      ['GET', `/v1/checks/${theirs.json.checkId}`, undefined],
      ['POST', `/v1/checks/${theirs.json.checkId}/answers`, { answers: { someoneAskedYouToBuy: 'no' } }],
      ['POST', `/v1/checks/${theirs.json.checkId}/outcome`, { outcome: 'abandoned' }],
    ] as const) {
      const response = await call(method, path, { key: token, ...(body ? { body } : {}) });
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  it('lets a token make only a till’s calls: no tokens, no keys, no reports, no reviews', async () => {
    const { call, tokenFor, adminKey } = await setUp();
    for (const token of [await tokenFor(), await tokenFor(adminKey)]) {
      const minted = await call('POST', '/v1/till-tokens', { key: token, body: { storeId: STORE, tillId: 'T04' } });
      expect([minted.status, minted.json.code]).toEqual([403, 'forbidden']);
      for (const path of ['/v1/keys', '/v1/reports/summary', '/v1/reviews', '/v1/audit', '/v1/webhooks']) {
        expect([path, (await call('GET', path, { key: token })).status]).toEqual([path, 403]);
      }
    }
  });

  it('is minted with a till key for its own stores or an admin key for any, never an analyst’s or supervisor’s', async () => {
    const { mint, backOffice, adminKey, makeKey } = await setUp();
    const elsewhere = await mint(backOffice, { storeId: OTHER_STORE, tillId: 'T01' });
    expect([elsewhere.status, elsewhere.json.code]).toEqual([403, 'store_forbidden']);
    expect((await mint(adminKey, { storeId: OTHER_STORE, tillId: 'T01' })).status).toBe(201);
    for (const key of [await makeKey('analyst'), await makeKey('supervisor', [STORE])]) {
      expect((await mint(key)).json.code).toBe('forbidden');
    }
  });

  it('refuses a lifetime past 12 hours or under a minute, naming the field', async () => {
    const { mint, backOffice } = await setUp();
    for (const expiresInSeconds of [43_201, 59, 1.5]) {
      const response = await mint(backOffice, { storeId: STORE, tillId: 'T04', expiresInSeconds });
      expect([response.status, response.json.code, response.json.errors[0].field]).toEqual([400, 'validation_failed', 'expiresInSeconds']);
    }
    const longest = await mint(backOffice, { storeId: STORE, tillId: 'T04', expiresInSeconds: 43_200 });
    expect(longest.json.expiresAt).toBe('2026-11-20T22:00:00.000Z');
  });

  it('expires: 401 token_expired, which is not counted as a wrong key', async () => {
    const { call, tokenFor, clock } = await setUp({ failedKeysPerMinute: 1 });
    const token = await tokenFor(undefined, { storeId: STORE, tillId: 'T04', expiresInSeconds: 300 });
    clock.now += 5 * MINUTE - 1;
    expect((await call('POST', '/v1/checks', { key: token, body: aCheck() })).status).toBe(201);
    clock.now += 1;
    for (let i = 0; i < 3; i++) {
      const expired = await call('POST', '/v1/checks', { key: token, body: aCheck() });
      expect([expired.status, expired.json.code]).toEqual([401, 'token_expired']);
      expect(expired.headers.get('www-authenticate')).toContain('error_description="expired"');
    }
  });

  it('dies with the key that minted it, at once', async () => {
    const { call, tokenFor, adminKey, backOffice } = await setUp();
    const token = await tokenFor();
    expect((await call('POST', '/v1/checks', { key: token, body: aCheck() })).status).toBe(201);
    const keys = await call('GET', '/v1/keys', { key: adminKey });
    const id = keys.json.keys.find((key: { prefix: string }) => backOffice.startsWith(key.prefix)).id;
    expect((await call('DELETE', `/v1/keys/${id}`, { key: adminKey })).status).toBe(200);
    const after = await call('POST', '/v1/checks', { key: token, body: aCheck() });
    expect([after.status, after.json.code]).toEqual([401, 'unauthorized']);
  });

  it('carries a test-mode key’s mode: its checks are test checks', async () => {
    const { call, adminKey, services, mint } = await setUp();
    const testKey = (await call('POST', '/v1/keys', { key: adminKey, body: { role: 'till', mode: 'test', name: 'test back office', storeIds: [STORE] } })).json.key;
    const minted = await mint(testKey);
    expect(minted.json).toMatchObject({ token: expect.stringMatching(/^vst_test_/), mode: 'test' });
    const checked = await call('POST', '/v1/checks', { key: minted.json.token, body: aCheck() });
    expect((await services.store.checks.findById(checked.json.checkId))?.livemode).toBe(false);
  });

  it('outlives a restart of the service: nothing about it is kept in memory', async () => {
    const { tokenFor, databasePath, services, clock } = await setUp();
    const token = await tokenFor();
    await services.close();
    const restarted = await testApp({ databasePath, clock: () => clock.now });
    expect((await restarted.call('POST', '/v1/checks', { key: token, body: aCheck() })).status).toBe(201);
  });
});

describe('a till token that is not one the service signed', () => {
  it('is refused as a wrong key, and counts toward the throttle', async () => {
    const { call, tokenFor } = await setUp({ failedKeysPerMinute: 2 });
    const token = await tokenFor();
    const [payload, signature] = token.slice('vst_'.length).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherTill = `vst_${Buffer.from(JSON.stringify({ ...claims, t: 'T05' })).toString('base64url')}.${signature}`;
    const later = `vst_${Buffer.from(JSON.stringify({ ...claims, e: claims.e + 12 * 60 * MINUTE })).toString('base64url')}.${signature}`;
    for (const forged of [otherTill, later]) {
      const refused = await call('POST', '/v1/checks', { key: forged, body: aCheck({ tillId: 'T05' }) });
      expect([refused.status, refused.json.code]).toEqual([401, 'unauthorized']);
    }
    expect((await call('POST', '/v1/checks', { key: `${token}x`, body: aCheck() })).status).toBe(429);
    expect((await call('POST', '/v1/checks', { key: token, body: aCheck() })).status).toBe(201);
  });

  it('never verifies, whatever the bytes, and never throws', async () => {
    const { services, tokenFor } = await setUp();
    const token = await tokenFor();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 600 }), async (tail) => {
        expect((await services.tillTokens.verify(`vst_${tail}`)).principal).toBeUndefined();
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(token.length - 1), fc.string({ minLength: 1, maxLength: 1 }), async (at, replacement) => {
        fc.pre(token[at] !== replacement);
        const altered = token.slice(0, at) + replacement + token.slice(at + 1);
        const verdict = await services.tillTokens.verify(altered);
        // Base64url's last character carries spare bits: a change there may decode to the same bytes.
        if (verdict.principal) expect(Buffer.from(altered.split('.')[1]!, 'base64url')).toEqual(Buffer.from(token.split('.')[1]!, 'base64url'));
      }),
    );
  });
});
