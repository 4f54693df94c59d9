import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Basket, TillDecision } from '../../sdk/src/index.js';
import { sqliteOutbox } from '../../sdk/src/node.js';
import { STORE } from './helpers/service.js';
import { tillWorld } from './helpers/till.js';

const BUDGET_MS = 300;

// As an integrator would try it: a real network, the service killed mid-flow, then restarted.
describe('the service killed mid-flow, then restarted', () => {
  it('every check gets a decision within budget, and every outcome arrives exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-till-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const { service, clock, open } = await tillWorld();
    const till = open({ timeoutMs: BUDGET_MS, outbox: sqliteOutbox(join(dir, 'outbox.db')) });

    const timings: number[] = [];
    const sales: Array<{ basket: Basket; decision: TillDecision }> = [];
    async function sale(index: number, during?: () => Promise<void>) {
      const basket: Basket = {
        transactionId: `T04-outage-${index}`,
        currency: 'GBP',
        lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000, quantity: 1 + (index % 6) }],
        customer: { ageBand: index % 2 ? '80_plus' : '40_49', loyaltyId: `6340040001${index % 3}` },
      };
      const started = clock.now();
      const [decision] = await Promise.all([till.check(basket), during?.()]);
      timings.push(clock.now() - started);
      let latest = decision;
      if (decision.action !== 'allow') {
        const answeredAt = clock.now();
        latest = await till.answer(decision.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift' });
        timings.push(clock.now() - answeredAt);
      }
      // A held sale waits for a supervisor, who comes to the till and releases it, service or no service.
      if (latest.review?.status === 'open') {
        const released = await till.review(decision.checkId, { decision: 'release', supervisorRef: 'S0042', reason: 'Known to the store; presents for the grandchildren' });
        expect(released.review.status).toBe('released');
      }
      const sold = decision.action === 'allow' ? 'proceeded' : 'proceeded_after_warning';
      await till.outcome(decision.checkId, { outcome: latest.action === 'refuse' ? 'refused' : sold });
      sales.push({ basket, decision });
    }

    for (let i = 0; i < 3; i++) await sale(i);
    await sale(3, () => service.stop()); // killed while this check is on its way
    for (let i = 4; i < 7; i++) await sale(i);
    await service.start();
    for (let i = 7; i < 9; i++) await sale(i);
    await till.flush();

    expect(Math.max(...timings)).toBeLessThanOrEqual(BUDGET_MS);
    expect(sales.filter((s) => s.decision.source === 'offline').length).toBeGreaterThanOrEqual(3);
    expect(till.pending()).toBe(0);
    expect(till.deadLetters()).toEqual([]);
    expect(await service.outcomesRecorded()).toBe(sales.length);
    for (const { basket } of sales) {
      const checkId = await service.checkIdOf(STORE, basket.transactionId);
      expect(checkId, basket.transactionId).toBeDefined();
      const record = await service.record(checkId!);
      expect(record.outcome).not.toBeNull();
      // Every hold the till saw released reached the service as released, however the outage fell.
      if (record.review) expect(record.review.status, basket.transactionId).toBe('released');
    }
  });
});
