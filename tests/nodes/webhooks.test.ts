import { describe, expect, it } from 'vitest';
import { aCheck, STORE } from '../helpers/app.js';
import { call, startTwoNodes } from '../helpers/nodes.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { startReceiver } from '../webhooks/receiver.js';

const EVENTS = 40;

describe.skipIf(!postgresAvailable)('webhooks from two nodes on one PostgreSQL database', () => {
  it('send every event exactly once, whichever node held the check', async () => {
    const { a, b, adminKey, till } = await startTwoNodes(await freshPostgresUrl(), { VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: '1' });
    const receiver = await startReceiver();
    // A receiver that takes a moment: attempts overlap, and both nodes' workers find deliveries due.
    receiver.answer({ status: 204, delayMs: 20 });
    const webhook = await call(a, 'POST', '/v1/webhooks', adminKey, { url: receiver.url(), events: ['check.held'] });
    expect(webhook.status).toBe(201);
    receiver.useSecret(webhook.json.secret);

    const held = await Promise.all(
      Array.from({ length: EVENTS }, (_, i) =>
        call(i % 2 === 0 ? a : b, 'POST', '/v1/checks', till, aCheck({
          storeId: STORE,
          lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }],
          customer: { ageBand: '80_plus', loyaltyId: `6340040099${i}` },
        })),
      ),
    );
    expect(held.map((r) => r.json.action)).toEqual(Array(EVENTS).fill('hold'));

    const statuses = async () =>
      (await call(b, 'GET', `/v1/webhooks/${webhook.json.id}/deliveries?limit=200`, adminKey)).json.deliveries.map((d: { status: string }) => d.status);
    await expect.poll(statuses, { timeout: 20_000, interval: 100 }).toEqual(Array(EVENTS).fill('delivered'));
    const deliveries = (await call(a, 'GET', `/v1/webhooks/${webhook.json.id}/deliveries?limit=200`, adminKey)).json.deliveries;
    expect(deliveries.every((d: { attempts: unknown[] }) => d.attempts.length === 1)).toBe(true);
    const ids = receiver.received.map((r) => r.id);
    expect(receiver.received.every((r) => r.refused === undefined)).toBe(true);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids)).toEqual(new Set(deliveries.map((d: { eventId: string }) => d.eventId)));
  }, 60_000);
});
