import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ApiError, ValidationError } from '../../sdk/src/index.js';
import { sqliteOutbox } from '../../sdk/src/node.js';
import { STORE } from './helpers/service.js';
import { tillWorld } from './helpers/till.js';

const SERIAL = '6039531234567890';

describe('the cards sold, from the till SDK', () => {
  it('survive the offline outbox and reach the service, sealed there and whole only to a processor key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-till-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const { service, network, open } = await tillWorld({ cards: { capture: true, keys: { current: randomBytes(32), retired: [] } } });
    const till = open({ outbox: sqliteOutbox(join(dir, 'outbox.db')) });
    network.set('down');
    const sale = { transactionId: 'T04-cards-1', currency: 'GBP', lines: [{ kind: 'gift_card' as const, brand: 'Apple', unitAmount: 2000, quantity: 1 }] };
    const decided = await till.check(sale);
    expect(decided.source).toBe('offline');
    expect(decided.action).toBe('allow');
    const receipt = await till.outcome(decided.checkId, { outcome: 'proceeded', cards: [{ brand: 'Apple', amount: 2000, serial: SERIAL }] });
    expect(receipt.status).toBe('queued');

    network.set('pass');
    expect(await till.flush()).toEqual({ delivered: 2, deadLettered: 0, pending: 0 });
    const checkId = (await service.checkIdOf(STORE, sale.transactionId))!;
    const masked = await service.record(checkId);
    expect(masked.outcome?.cards).toEqual([{ cardId: expect.stringMatching(/^card_/), brand: 'apple', amount: 2000, serialLast4: '7890', purged: false }]);
    const processor = await service.makeKey('processor');
    const whole = await fetch(`${service.baseUrl}/v1/checks/${checkId}`, { headers: { authorization: `Bearer ${processor}` } });
    expect((await whole.json()).outcome.cards[0].serial).toBe(SERIAL);
    expect(readFileSync(service.databasePath).includes(SERIAL)).toBe(false);
  });

  it('refuses a PIN where the serial goes before anything is queued', async () => {
    const { open } = await tillWorld();
    const till = open();
    const decided = await till.check({ transactionId: 'T04-cards-2', currency: 'GBP', lines: [{ kind: 'gift_card', brand: 'Apple', unitAmount: 2000, quantity: 1 }] });
    const sent = till.outcome(decided.checkId, { outcome: 'proceeded', cards: [{ brand: 'Apple', amount: 2000, serial: '4321' }] });
    await expect(sent).rejects.toBeInstanceOf(ValidationError);
    await expect(sent).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'cards[0].serial', code: 'looks_like_pin' })] });
    expect(till.pending()).toBe(0);
  });

  it('drops the cards from an outcome the service refused for good, so no serial stays in the dead letters', async () => {
    const { open } = await tillWorld();
    const till = open();
    const decided = await till.check({ transactionId: 'T04-cards-3', currency: 'GBP', lines: [{ kind: 'gift_card', brand: 'Apple', unitAmount: 2000, quantity: 1 }] });
    const receipt = await till.outcome(decided.checkId, { outcome: 'proceeded', cards: [{ brand: 'Apple', amount: 2000, serial: SERIAL }] });
    // This service keeps no cards: 422 card_capture_off, final.
    expect(receipt.status).toBe('dead_lettered');
    const [letter] = till.deadLetters();
    expect(letter?.error).toBeInstanceOf(ApiError);
    expect((letter?.error as ApiError).code).toBe('card_capture_off');
    expect(JSON.stringify(letter)).not.toContain(SERIAL);
    expect(letter?.entry).toMatchObject({ kind: 'outcome', body: { outcome: 'proceeded' } });
  });
});
