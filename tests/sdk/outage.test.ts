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
      if (decision.action !== 'allow') {
        const answeredAt = clock.now();
        await till.answer(decision.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift' });
        timings.push(clock.now() - answeredAt);
      }
      await till.outcome(decision.checkId, { outcome: decision.action === 'allow' ? 'proceeded' : 'proceeded_after_warning' });
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
      const checkId = service.checkIdOf(STORE, basket.transactionId);
      expect(checkId, basket.transactionId).toBeDefined();
      expect((await service.record(checkId!)).outcome).not.toBeNull();
    }
  });
});
