import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

// Whatever a till, a bug or an attacker sends, the answer is a decision or a 4xx problem: never a 5xx.
describe('random bodies never produce a 5xx', () => {
  it('for arbitrary JSON values', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const response = await call('POST', '/v1/checks', { key: till, body: JSON.stringify(value) });
        expect(response.status).toBeLessThan(500);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary strings as bodies', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (body) => {
        const response = await call('POST', '/v1/checks', { key: till, body });
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('for arbitrary bodies of undeclared length on an optional-body route: none reaches it, anything else must be JSON', async () => {
    const { app, adminKey } = await testApp();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom(undefined, 'application/json', 'text/plain'), async (body, type) => {
        // app.request sends no Content-Length, as a chunked upload would not; bytes, since a string body gets a text/plain type.
        const headers: Record<string, string> = { authorization: `Bearer ${adminKey}`, ...(type ? { 'content-type': type } : {}) };
        const response = await app.request('/v1/rules/rollback', { method: 'POST', headers, body: new TextEncoder().encode(body) });
        const { code } = (await response.json()) as { code: string };
        let json = true;
        try {
          JSON.parse(body);
        } catch {
          json = false;
        }
        if (type === 'text/plain' || (type === undefined && body !== '')) expect(code).toBe('unsupported_media_type');
        else if (type === 'application/json' && !json) expect(code).toBe('malformed_json');
        else expect(response.status).not.toBe(415);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('for valid checks with any field replaced by a random value', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const base = aCheck({
      lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 5 }],
      customer: { ageBand: '80_plus', loyaltyId: '634004000123456' },
      signals: { phoneInUse: true },
    });
    const paths = ['storeId', 'tillId', 'lane', 'transactionId', 'occurredAt', 'currency', 'lines', 'tender', 'customer', 'signals', 'lines.0', 'lines.0.unitAmount', 'lines.0.quantity', 'lines.0.kind', 'lines.0.brand', 'customer.ageBand', 'customer.loyaltyId', 'signals.phoneInUse'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (path, value) => {
        const body = structuredClone(base) as Record<string, any>;
        const keys = path.split('.');
        let target = body;
        for (const key of keys.slice(0, -1)) target = target[key];
        target[keys.at(-1)!] = value;
        const response = await call('POST', '/v1/checks', { key: till, body });
        expect(response.status).toBeLessThan(500);
        // A 400 names the field at fault; another valid store id is a 403 (store_forbidden), which has none.
        if (response.status === 400) expect(response.json.field).toBeTypeOf('string');
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary reviews of a held check, and arbitrary webhooks', async () => {
    const { call, makeKey, adminKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const supervisor = await makeKey('supervisor', [STORE]);
    const held = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 8 }], customer: { ageBand: '80_plus' } }) });
    expect(held.json.action).toBe('hold');
    const review = fc.record(
      {
        decision: fc.oneof(fc.constantFrom('release', 'refuse'), fc.jsonValue()),
        supervisorRef: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue()),
        reason: fc.oneof(fc.string({ maxLength: 600 }), fc.jsonValue()),
        decidedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(review, fc.jsonValue()), async (body) => {
        const response = await call('POST', `/v1/checks/${held.json.checkId}/review`, { key: supervisor, body: JSON.stringify(body) });
        expect(response.status).toBeLessThan(500);
        if (response.status === 400) expect(response.json.field).toBeTypeOf('string');
      }),
      { numRuns: 200 },
    );
    const webhook = fc.record({ url: fc.oneof(fc.webUrl(), fc.string(), fc.jsonValue()), events: fc.oneof(fc.array(fc.string()), fc.jsonValue()) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(webhook, async (body) => {
        const response = await call('POST', '/v1/webhooks', { key: adminKey, body: JSON.stringify(body) });
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });

  it('for arbitrary answers and outcomes', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const created = await call('POST', '/v1/checks', { key: till, body: aCheck() });
    const id = created.json.checkId;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('answers', 'outcome'), fc.jsonValue(), async (what, value) => {
        const response = await call('POST', `/v1/checks/${id}/${what}`, { key: till, body: JSON.stringify(value) });
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
