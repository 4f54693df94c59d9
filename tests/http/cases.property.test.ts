import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

/**
 * Whatever arrives as a report, an escalation, a case change or a note, the answer is a success or a
 * 4xx problem, never a 5xx; and a refused one leaves the case exactly as it was.
 */
describe('case inputs', () => {
  it('are answered with a success or a 4xx, and a refusal changes nothing', async () => {
    const { call, makeKey, adminKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const checkId = (await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }] }) })).json.checkId;
    const { caseId } = (await call('POST', `/v1/checks/${checkId}/escalations`, { key: till, body: { step: 'called_police', by: 'C1' } })).json;
    const read = async () => (await call('GET', `/v1/cases/${caseId}`, { key: adminKey })).json;

    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constant('x'.repeat(2001)), fc.constant('a\u0000b'), fc.constant('\uD800'));
    const anything = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue());
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          reporter: fc.oneof(fc.record({ role: fc.constantFrom('family', 'police', 'nobody'), ref: text }, { requiredKeys: ['role'] }), anything),
          whatHappened: anything,
          amountLost: fc.oneof(fc.integer({ min: -5, max: 20_000_000 }), anything),
          policeReference: anything,
          reportedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), anything),
          step: fc.oneof(fc.constantFrom('called_police', 'called_bank_159', 'escaped'), anything),
          by: anything,
          at: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), anything),
          note: anything,
          owner: anything,
          status: fc.oneof(fc.constantFrom('closed', 'open', 'frozen'), anything),
          reason: anything,
          text: anything,
        },
        { requiredKeys: [] },
      ),
    );
    const route = fc.constantFrom(
      ['POST', `/v1/checks/${checkId}/reports`],
      ['POST', `/v1/checks/${checkId}/escalations`],
      ['PATCH', `/v1/cases/${caseId}`],
      ['POST', `/v1/cases/${caseId}/notes`],
    );
    await fc.assert(
      fc.asyncProperty(route, body, async ([method, path], value) => {
        const before = await read();
        const response = await call(method, path, { key: adminKey, body: JSON.stringify(value) });
        expect(response.status, response.text).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.headers.get('content-type')).toBe('application/problem+json');
          expect(await read()).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});
