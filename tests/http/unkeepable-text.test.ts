import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeepableText } from '../../src/contract/common.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

/** Text with one character in it that a store cannot keep: U+0000, or half a surrogate pair. */
const unkeepable = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D'),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  )
  // A high half followed by a low half would be a whole pair, which is fine text.
  .filter(([, bad, after]) => !(/[\uD800-\uDBFF]/.test(bad) && /^[\uDC00-\uDFFF]/.test(after)))
  .map(([before, bad, after]) => `x${before}${bad}${after}`);

/** Text a till may send: any characters, emoji and other pairs included, but no U+0000. */
const keepable = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((text) => `x${text.replaceAll('\u0000', '')}`);

describe('text either store cannot keep', () => {
  it('is told apart from every well-formed text without U+0000', () => {
    fc.assert(fc.property(unkeepable, (text) => !isKeepableText(text)));
    fc.assert(fc.property(keepable, (text) => isKeepableText(text)));
    expect(isKeepableText('gift card 🎁 £100')).toBe(true);
    expect(isKeepableText('\uD83D\uDE00')).toBe(true);
  });
});

const stores = [
  { kind: 'sqlite', available: true, location: async () => undefined },
  { kind: 'postgres', available: postgresAvailable, location: freshPostgresUrl },
] as const;

interface Sent {
  path: string;
  body: unknown;
  as: 'till' | 'supervisor';
}

/** Each till text field, with a request that carries `text` in it; the refusal must name the field. */
const FIELDS: readonly { field: string; send: (text: string, checkId: string) => Sent }[] = [
  { field: 'lines[0].description', send: (text) => ({ path: '/v1/checks', body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 5000, description: text }] }), as: 'till' }) },
  { field: 'lines[0].sku', send: (text) => ({ path: '/v1/checks', body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 5000, sku: text }] }), as: 'till' }) },
  { field: 'customer.loyaltyId', send: (text) => ({ path: '/v1/checks', body: aCheck({ customer: { loyaltyId: text } }), as: 'till' }) },
  { field: 'note', send: (text, checkId) => ({ path: `/v1/checks/${checkId}/outcome`, body: { outcome: 'proceeded', note: text }, as: 'till' }) },
  { field: 'staffRef', send: (text, checkId) => ({ path: `/v1/checks/${checkId}/outcome`, body: { outcome: 'proceeded', staffRef: text }, as: 'till' }) },
  { field: 'supervisorRef', send: (text, checkId) => ({ path: `/v1/checks/${checkId}/review`, body: { decision: 'release', supervisorRef: text }, as: 'supervisor' }) },
  { field: 'reason', send: (text, checkId) => ({ path: `/v1/checks/${checkId}/review`, body: { decision: 'refuse', reason: text }, as: 'supervisor' }) },
];

describe.each(stores)('on $kind, a till text with U+0000 or a lone surrogate', ({ kind, available, location }) => {
  it.skipIf(!available)('is refused as 400 validation_failed naming the field, and well-formed text is kept as sent', { timeout: 120_000 }, async () => {
    const databasePath = await location();
    const { call, makeKey, adminKey } = await testApp(databasePath ? { databasePath, idSecret: 'a-test-secret-of-at-least-32-characters!' } : {});
    const keys = { till: await makeKey('till', [STORE]), supervisor: await makeKey('supervisor', [STORE]) };
    const till = keys.till;
    const made = await call('POST', '/v1/checks', { key: till, body: aCheck() });
    expect(made.status).toBe(201);
    const checkId: string = made.json.checkId;

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), unkeepable, async ({ field, send }, text) => {
        const { path, body, as } = send(text, checkId);
        const answer = await call('POST', path, { key: keys[as], body });
        expect(answer.status).toBe(400);
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(answer.json).toMatchObject({ code: 'validation_failed', field });
      }),
      { numRuns: kind === 'postgres' ? 40 : 80 },
    );
    const named = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'till', name: 'Stevenage\u0000tills' } });
    expect(named.json).toMatchObject({ code: 'validation_failed', field: 'name' });
    for (const url of ['https://lp.example.com/events\u0000', 'https://lp.example.com/\uD800events']) {
      const hook = await call('POST', '/v1/webhooks', { key: adminKey, body: { url, events: ['check.held'] } });
      expect(hook.json).toMatchObject({ code: 'validation_failed', field: 'url' });
    }

    await fc.assert(
      fc.asyncProperty(keepable, async (description) => {
        const sent = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 5000, description }] }) });
        expect(sent.status).toBe(201);
        const kept = await call('GET', `/v1/checks/${sent.json.checkId}`, { key: till });
        expect(kept.json.lines[0].description).toBe(description);
      }),
      { numRuns: kind === 'postgres' ? 20 : 40 },
    );
  });
});
