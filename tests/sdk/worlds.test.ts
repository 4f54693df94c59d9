import { describe, expect, it } from 'vitest';
import { STORE } from './helpers/service.js';
import { markyate, tillWorld } from './helpers/till.js';

describe('a test till beside a live one', () => {
  it('reuses a live till’s transaction id without blocking the live sale: both decided, the live outcome recorded', async () => {
    const { service, open } = await tillWorld();
    const testTill = open({ apiKey: await service.makeKey('till', [STORE], 'test'), tillId: 'T09' });
    const liveTill = open();
    // The test till gets there first with the same transaction id, as an attacker (or a careless integrator) would.
    const sale = markyate({ transactionId: 'sale-0042' });
    const fromTest = await testTill.check(sale);
    const fromLive = await liveTill.check(sale);
    expect(fromTest).toMatchObject({ source: 'service', action: 'hold' });
    expect(fromLive).toMatchObject({ source: 'service', action: 'hold' });
    expect(fromLive.checkId).not.toBe(fromTest.checkId);

    expect(await liveTill.outcome(fromLive.checkId, { outcome: 'abandoned' })).toMatchObject({ status: 'recorded' });
    expect(liveTill.deadLetters()).toEqual([]);
    expect((await service.record(fromLive.checkId)).outcome).toMatchObject({ outcome: 'abandoned' });
  });
});
