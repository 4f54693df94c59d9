import { describe, expect, it, onTestFinished } from 'vitest';
import { type Basket, ConnectionError, createTillClient, ServiceAwayError, type TillClientOptions } from '../../sdk/src/index.js';
import { faultyNetwork } from './helpers/faults.js';
import { liveService, STORE } from './helpers/service.js';

let sequence = 0;
const basket = (): Basket => ({
  transactionId: `B-${Date.now()}-${(sequence += 1)}`,
  currency: 'GBP',
  lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  customer: { ageBand: '80_plus' },
});

async function setUp(options: Partial<TillClientOptions> = {}) {
  const service = await liveService();
  const network = faultyNetwork('pass');
  const till = createTillClient({
    baseUrl: service.baseUrl,
    apiKey: await service.tillKey(),
    storeId: STORE,
    tillId: 'T09',
    timeoutMs: 300,
    fetch: network.fetch,
    refreshRulesMs: 0,
    deliveryTimeoutMs: 500,
    closeTimeoutMs: 200,
    ...options,
  });
  onTestFinished(() => till.close());
  expect((await till.check(basket())).source).toBe('service');
  return { service, network, till };
}

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('when the service is away', () => {
  it('stops waiting for it after three failed checks, and goes back once the outbox reaches it', async () => {
    const { network, till } = await setUp();
    network.set('down');
    for (let i = 0; i < 3; i++) {
      const { value } = await timed(() => till.check(basket()));
      expect(value.source).toBe('offline');
      if (value.source === 'offline') expect(value.cause).not.toBeInstanceOf(ServiceAwayError);
    }
    const attemptsBefore = network.to('/v1/checks').length;
    const { value: fourth, ms } = await timed(() => till.check(basket()));
    expect(fourth.source).toBe('offline');
    if (fourth.source === 'offline') {
      expect(fourth.cause).toBeInstanceOf(ServiceAwayError);
      expect(fourth.cause).toBeInstanceOf(ConnectionError);
      expect(fourth.action).toBe('hold');
      expect(fourth.prompt).not.toBeNull();
    }
    // Decided without trying the network: far inside the budget the first three used up retrying.
    expect(ms).toBeLessThan(100);
    expect(network.to('/v1/checks').length).toBe(attemptsBefore);

    network.set('pass');
    await till.flush();
    expect(till.pending()).toBe(0);
    expect((await till.check(basket())).source).toBe('service');
  });

  it('tries the service again once the pause is over', async () => {
    const { network, till } = await setUp({ breakForMs: 200 });
    network.set('down');
    for (let i = 0; i < 3; i++) await till.check(basket());
    const before = network.to('/v1/checks').length;
    await till.check(basket());
    expect(network.to('/v1/checks').length).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 250));
    network.set('pass');
    const decision = await till.check(basket());
    expect(decision.source).toBe('service');
  });

  it('never stops waiting when told not to', async () => {
    const { network, till } = await setUp({ breakAfter: 0 });
    network.set('down');
    for (let i = 0; i < 5; i++) {
      const decision = await till.check(basket());
      if (decision.source === 'offline') expect(decision.cause).not.toBeInstanceOf(ServiceAwayError);
    }
  });
});
