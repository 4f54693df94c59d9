import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

// The warm hand-off as a till gets it: on the held decision, on the refusal, and on the check read back.
describe('the hand-off from the service', () => {
  it('is in a held check’s decision and its refusal, in the check’s locale, and when the check is read back', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const check = aCheck({
      currency: 'USD',
      locale: 'en-US',
      lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
      tender: 'cash',
      customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
    });
    const held = await call('POST', '/v1/checks', { key: till, body: check });
    expect(held.status).toBe(201);
    expect(held.json.next.step).toBe('wait_for_supervisor');
    expect(held.json.next.handOff.map((action: { phones: string[] }) => action.phones).flat()).toEqual(['911', '1-877-382-4357']);

    const refused = await call('POST', `/v1/checks/${held.json.checkId}/answers`, { key: till, body: { answers: { codesRequested: 'no', purpose: 'bill_or_fine' } } });
    expect(refused.json.action).toBe('refuse');
    expect(refused.json.next.handOff).toEqual(held.json.next.handOff);

    const read = await call('GET', `/v1/checks/${held.json.checkId}`, { key: till });
    expect(JSON.stringify(read.json)).toContain('ReportFraud.ftc.gov or 1-877-382-4357');
    expect(JSON.stringify(read.json)).not.toContain('Report Fraud');
  });
});
