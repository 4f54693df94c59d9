import { describe, expect, it } from 'vitest';
import type { HandOffAction } from '../../src/contract/decision.js';
import { markyate, tillWorld } from './helpers/till.js';

// The warm hand-off when the service is away: the till decides with the rules it carries, and the
// colleague still learns what to do for the customer, in the basket's language, with its country's numbers.
const phones = (handOff: HandOffAction[] | undefined) => (handOff ?? []).flatMap((action) => action.phones);

describe('the hand-off on the till', () => {
  it('comes with a hold and a refusal decided offline, in the basket’s locale', async () => {
    const { open } = await tillWorld({ fault: 'down' });
    const till = open();
    const held = await till.check(markyate({ currency: 'USD', locale: 'en-US' }));
    expect(held).toMatchObject({ source: 'offline', action: 'hold', locale: 'en-US', next: { step: 'wait_for_supervisor' } });
    expect(phones(held.next.handOff)).toEqual(['911', '1-877-382-4357']);

    const refused = await till.answer(held.checkId, { codesRequested: 'no', purpose: 'bill_or_fine' });
    expect(refused).toMatchObject({ source: 'offline', action: 'refuse', next: { step: 'refuse' } });
    expect(refused.next.handOff).toEqual(held.next.handOff);
  });

  it('is the service’s own hand-off, word for word, when the till decides the same basket offline', async () => {
    const { network, open } = await tillWorld();
    const till = open();
    const online = await till.check(markyate());
    expect(online).toMatchObject({ source: 'service', action: 'hold' });
    expect(phones(online.next.handOff)).toEqual(['999', '159', '101', '0300 123 2040']);
    network.set('down');
    const offline = await till.check(markyate());
    expect(offline).toMatchObject({ source: 'offline', action: 'hold' });
    expect(offline.next.handOff).toEqual(online.next.handOff);
  });
});
