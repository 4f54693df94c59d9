import { describe, expect, it } from 'vitest';
import { STORE } from './helpers/service.js';
import { tillWorld } from './helpers/till.js';

const heldSale = { transactionId: 'T04-escalate-1', currency: 'GBP', customer: { ageBand: '80_plus' as const }, lines: [{ kind: 'gift_card' as const, brand: 'iTunes', unitAmount: 10000, quantity: 5 }] };

describe('escalations from the till SDK', () => {
  it('queue a hand-off action taken offline and deliver it after the check, opening the check’s case', async () => {
    const { service, network, open } = await tillWorld();
    const till = open();
    network.set('down');
    const decided = await till.check(heldSale);
    expect(decided.source).toBe('offline');
    expect(decided.next.handOff?.[0]?.step).toBe('called_police');
    const receipt = await till.escalate(decided.checkId, { step: 'called_bank_159', by: 'C1234' });
    expect(receipt.status).toBe('queued');
    expect(till.pending()).toBe(2);

    network.set('pass');
    expect(await till.flush()).toEqual({ delivered: 2, deadLettered: 0, pending: 0 });
    const checkId = (await service.checkIdOf(STORE, heldSale.transactionId))!;
    const analyst = await service.makeKey('analyst');
    const cases = await (await fetch(`${service.baseUrl}/v1/cases`, { headers: { authorization: `Bearer ${analyst}` } })).json();
    expect(cases.cases).toEqual([expect.objectContaining({ checkId, openedReason: 'escalated' })]);
    const theCase = await (await fetch(`${service.baseUrl}/v1/cases/${cases.cases[0].caseId}`, { headers: { authorization: `Bearer ${analyst}` } })).json();
    expect(theCase.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'escalation', by: 'C1234' })]));
  });

  it('are recorded at once with the service up', async () => {
    const { open } = await tillWorld();
    const till = open();
    const decided = await till.check({ ...heldSale, transactionId: 'T04-escalate-2' });
    const receipt = await till.escalate(decided.checkId, { step: 'called_family', by: 'C1234', note: 'Her son is on his way.' });
    expect(receipt).toMatchObject({ status: 'recorded', escalation: { checkId: decided.checkId, step: 'called_family', by: 'C1234', caseId: expect.stringMatching(/^cas_/) } });
  });
});
