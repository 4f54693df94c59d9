import { describe, expect, it } from 'vitest';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

const markyate = {
  lines: [{ kind: 'gift_card' as const, description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  tender: 'cash' as const,
  customer: { ageBand: '80_plus' as const, ageSource: 'staff_estimate' as const },
};

describe('POST /v1/checks', () => {
  it('decides a basket and answers with the reasons and the script', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const response = await call('POST', '/v1/checks', { key: till, body: aCheck(markyate) });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/checks/${response.json.checkId}`);
    expect(response.json).toMatchObject({ storeId: STORE, revision: 1, action: 'hold' });
    expect(response.json.checkId).toMatch(/^chk_/);
    expect(response.json.reasons.map((r: { ruleId: string }) => r.ruleId)).toContain('older-customer-80-plus');
    expect(response.json.reasons[0].message).toContain('£500.00');
    expect(response.json.prompt.questions.map((q: { id: string }) => q.id)).toContain('someoneAskedYouToBuy');
    expect(response.json.prompt.advice.map((line: { text: string }) => line.text).join(' ')).toContain('HMRC');
    expect(response.json.ruleSetVersion).toMatch(/^sha-/);
  });

  it('allows a £20 birthday card with no prompt', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const response = await call('POST', '/v1/checks', { key: till, body: aCheck({ customer: { ageBand: '80_plus' } }) });
    expect(response.json).toMatchObject({ action: 'allow', reasons: [], prompt: null });
  });

  it('answers a retry with the decision already made, without recording it twice', async () => {
    const { call, makeKey, services } = await testApp();
    const till = await makeKey('till', [STORE]);
    const body = aCheck(markyate);
    const first = await call('POST', '/v1/checks', { key: till, body });
    const retry = await call('POST', '/v1/checks', { key: till, body });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toEqual(first.json);
    expect(await services.store.checks.evaluations(first.json.checkId)).toHaveLength(1);
  });

  it('decides a changed basket again under the same check id', async () => {
    const { call, makeKey, services } = await testApp();
    const till = await makeKey('till', [STORE]);
    const body = aCheck();
    const first = await call('POST', '/v1/checks', { key: till, body });
    expect(first.json.action).toBe('allow');
    const changed = await call('POST', '/v1/checks', { key: till, body: { ...body, ...markyate } });
    expect(changed.status).toBe(200);
    expect(changed.json.checkId).toBe(first.json.checkId);
    expect(changed.json.revision).toBe(2);
    expect(changed.json.action).toBe('hold');
    const record = await call('GET', `/v1/checks/${first.json.checkId}`, { key: till });
    expect(record.json.evaluations.map((e: { trigger: string }) => e.trigger)).toEqual(['check', 'basket_changed']);
    expect(await services.store.checks.evaluations(first.json.checkId)).toHaveLength(2);
  });

  it('links one customer across stores by loyalty id, and counts a resent check once', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE, OTHER_STORE]);
    const customer = { ageBand: '60_69' as const, loyaltyId: '634004000123456' };
    const lines = [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 10 }];
    const first = aCheck({ customer, lines, occurredAt: '2026-11-20T10:00:00Z' });
    await call('POST', '/v1/checks', { key: till, body: first });
    // The same transaction sent again with a changed basket must not count as a second purchase.
    await call('POST', '/v1/checks', { key: till, body: { ...first, tender: 'debit' } });

    const second = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ storeId: OTHER_STORE, customer, lines, occurredAt: '2026-11-20T11:30:00Z' }),
    });
    expect(second.json.action).toBe('refuse');
    expect(second.json.reasons.map((r: { ruleId: string }) => r.ruleId)).toEqual(
      expect.arrayContaining(['another-store-today', 'repeat-purchases-today']),
    );
    const message = second.json.reasons.find((r: { ruleId: string }) => r.ruleId === 'repeat-purchases-today').message;
    expect(message).toContain('1 earlier gift-card purchase today, £1,000.00');
  });

  it('does not link customers without an identifier, nor count checks outside the windows', async () => {
    let now = Date.parse('2026-10-01T10:00:00Z');
    const { call, makeKey } = await testApp({ clock: () => now });
    const till = await makeKey('till', [STORE, OTHER_STORE]);
    const lines = [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 5 }];
    await call('POST', '/v1/checks', { key: till, body: aCheck({ lines, customer: { loyaltyId: 'A1' } }) });
    now = Date.parse('2026-11-20T10:00:00Z');
    const later = await call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: OTHER_STORE, lines, customer: { loyaltyId: 'A1' } }) });
    expect(later.json.reasons.map((r: { ruleId: string }) => r.ruleId)).not.toContain('another-store-today');
    now += 30 * 60_000;
    const anonymous = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines }) });
    expect(anonymous.json.reasons.map((r: { ruleId: string }) => r.ruleId)).not.toContain('repeat-purchases-today');
  });

  it('refuses a check for a store the till key does not serve, and checks from other roles', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const analyst = await makeKey('analyst');
    const wrongStore = await call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: OTHER_STORE }) });
    expect(wrongStore.status).toBe(403);
    expect(wrongStore.json.code).toBe('store_forbidden');
    const byAnalyst = await call('POST', '/v1/checks', { key: analyst, body: aCheck() });
    expect(byAnalyst.status).toBe(403);
    expect(byAnalyst.json.code).toBe('forbidden');
  });

  it('refuses a basket change once the check has an outcome', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const body = aCheck();
    const first = await call('POST', '/v1/checks', { key: till, body });
    await call('POST', `/v1/checks/${first.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded' } });
    const changed = await call('POST', '/v1/checks', { key: till, body: { ...body, tender: 'cash' } });
    expect(changed.status).toBe(409);
    expect(changed.json.code).toBe('check_closed');
    const retry = await call('POST', '/v1/checks', { key: till, body });
    expect(retry.status).toBe(200);
  });

  it('records what a till decided offline, and refuses an offline decision it cannot read', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const offlineDecision = { action: 'hold' as const, ruleSetVersion: 'sha-498c7cc2fc76c540', decidedAt: '2026-11-20T10:00:01.000Z' };
    const created = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ ...markyate, occurredAt: '2026-11-20T10:00:00Z', offlineDecision }),
    });
    expect(created.status).toBe(201);
    const record = await call('GET', `/v1/checks/${created.json.checkId}`, { key: till });
    expect(record.json.offlineDecision).toEqual(offlineDecision);
    expect(record.json.occurredAt).toBe('2026-11-20T10:00:00.000Z');

    const misspelt = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ offlineDecision: { ...offlineDecision, score: 65 } as never }),
    });
    expect(misspelt.status).toBe(400);
    expect(misspelt.json.field).toBe('offlineDecision.score');
  });

  it('notes an offline decision replayed for a basket it had already decided, without deciding it again', async () => {
    const { call, makeKey, services } = await testApp();
    const till = await makeKey('till', [STORE]);
    // The till's first attempt reached the service, but the answer came too late: the till decided
    // offline and later replays the same basket with what it showed.
    const body = aCheck({ ...markyate, occurredAt: '2026-11-20T10:00:00Z' });
    const first = await call('POST', '/v1/checks', { key: till, body });
    const offlineDecision = { action: 'hold' as const, ruleSetVersion: first.json.ruleSetVersion, decidedAt: '2026-11-20T10:00:00.300Z' };
    const replay = await call('POST', '/v1/checks', { key: till, body: { ...body, offlineDecision } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(first.json);
    expect(await services.store.checks.evaluations(first.json.checkId)).toHaveLength(1);
    const record = await call('GET', `/v1/checks/${first.json.checkId}`, { key: till });
    expect(record.json.offlineDecision).toEqual(offlineDecision);
  });

  it('refuses a basket timed more than a day in the future', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const response = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ occurredAt: new Date(Date.now() + 25 * 3_600_000).toISOString() }),
    });
    expect(response.status).toBe(400);
    expect(response.json.field).toBe('occurredAt');
  });
});

describe('GET /v1/checks/{checkId}', () => {
  it('shows a till its own store’s check, an analyst any, and hides it from other stores', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const otherTill = await makeKey('till', [OTHER_STORE]);
    const analyst = await makeKey('analyst');
    const regional = await makeKey('analyst', [OTHER_STORE]);
    const created = await call('POST', '/v1/checks', { key: till, body: aCheck(markyate) });
    const path = `/v1/checks/${created.json.checkId}`;

    const own = await call('GET', path, { key: till });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({
      checkId: created.json.checkId,
      totals: { basket: 50000, storedValue: 50000, storedValueUnits: 5 },
      customer: { ageBand: '80_plus', identified: false },
      decision: created.json,
      outcome: null,
    });
    expect((await call('GET', path, { key: analyst })).status).toBe(200);
    expect((await call('GET', path, { key: otherTill })).status).toBe(404);
    expect((await call('GET', path, { key: regional })).status).toBe(404);
    expect((await call('GET', '/v1/checks/chk_00000000000000000000000000', { key: analyst })).status).toBe(404);
  });

  it('records shadow rules on the check without enforcing them', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const created = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ lines: [{ kind: 'top_up', brand: 'ee', unitAmount: 2000, quantity: 5 }] }),
    });
    expect(created.json.action).toBe('allow');
    const record = await call('GET', `/v1/checks/${created.json.checkId}`, { key: till });
    expect(record.json.evaluations[0].shadowReasons.map((r: { ruleId: string }) => r.ruleId)).toEqual(['bulk-top-ups']);
  });
});
