import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type Basket,
  ConnectionError,
  createTillClient,
  RateLimitError,
  ServerError,
  type TillDecision,
  TimeoutError,
} from '../../sdk/src/index.js';
import { type Fault, faultyNetwork } from './helpers/faults.js';
import { liveService, STORE } from './helpers/service.js';

const BUDGET_MS = 300;
// The bound the issue sets is the budget "plus a few milliseconds"; this machine is shared and has two cores.
const MARGIN_MS = 50;

let sequence = 0;
/** The seed's Markyate case: an 87-year-old buying £500 of iTunes vouchers to pay a fake HMRC bill. */
const markyate = (): Basket => ({
  transactionId: `T04-${Date.now()}-${(sequence += 1)}`,
  currency: 'GBP',
  lines: [{ kind: 'gift_card', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  tender: 'cash',
  customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
});

async function setUp(fault: Fault) {
  const service = await liveService();
  const network = faultyNetwork('pass');
  const till = createTillClient({
    baseUrl: service.baseUrl,
    apiKey: await service.tillKey(),
    storeId: STORE,
    tillId: 'T04',
    timeoutMs: BUDGET_MS,
    fetch: network.fetch,
    refreshRulesMs: 0,
    deliveryTimeoutMs: 500,
    closeTimeoutMs: 200,
  });
  onTestFinished(() => till.close());
  // A first check while the network is fine, so the timings below are not the first request's warm-up.
  expect((await till.check(markyate())).source).toBe('service');
  network.set(fault);
  return { service, network, till };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

function expectOfflineHold(decision: TillDecision, cause: abstract new (...args: never[]) => Error) {
  expect(decision.source).toBe('offline');
  if (decision.source !== 'offline') return;
  expect(decision.cause).toBeInstanceOf(cause);
  expect(decision.checkId).toMatch(/^local_/);
  expect(decision.action).toBe('hold');
  expect(decision.reasons.map((reason) => reason.ruleId)).toEqual(expect.arrayContaining(['older-customer-80-plus', 'gift-cards-over-500']));
  expect(decision.prompt?.questions.map((question) => question.id)).toContain('someoneAskedYouToBuy');
}

describe(`check() and answer() resolve within the budget (${BUDGET_MS} ms + ${MARGIN_MS} ms) whatever the network does`, () => {
  const faults: Array<[string, Fault, abstract new (...args: never[]) => Error]> = [
    ['the service is down', 'down', ConnectionError],
    ['the service is slower than the budget', { slowMs: 2_000 }, TimeoutError],
    ['the network hangs, ignoring the abort signal', 'hang', TimeoutError],
    ['the service fails with 500s', { status: 500 }, ServerError],
  ];

  for (const [name, fault, cause] of faults) {
    it(`when ${name}: the colleague still gets the script, decided offline`, async () => {
      const { till } = await setUp(fault);
      const checked = await timed(() => till.check(markyate()));
      expect(checked.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
      expectOfflineHold(checked.value, cause);

      const answered = await timed(() => till.answer(checked.value.checkId, { purpose: 'bill_or_fine' }));
      expect(answered.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
      expect(answered.value).toMatchObject({ source: 'offline', action: 'refuse', checkId: checked.value.checkId });
      expect(answered.value.prompt?.id).toBe('decline');
    });
  }

  it('retries a 500 within the budget, with the same transaction, and gives the service’s decision when it recovers', async () => {
    const { network, till } = await setUp('pass');
    network.next({ status: 500 }, { status: 503 });
    const basket = markyate();
    const checked = await timed(() => till.check(basket));
    expect(checked.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
    expect(checked.value).toMatchObject({ source: 'service', action: 'hold', transactionId: basket.transactionId });
    const attempts = network.to('/v1/checks').slice(-3);
    expect(attempts.map((attempt) => attempt.fault)).toEqual(['{"status":500}', '{"status":503}', 'pass']);
    expect(new Set(attempts.map((attempt) => JSON.stringify(attempt.body))).size).toBe(1);
  });

  it('goes offline at once, without waiting, when Retry-After is longer than the budget', async () => {
    const { network, till } = await setUp({ status: 429, retryAfter: '30' });
    const checked = await timed(() => till.check(markyate()));
    expect(checked.ms).toBeLessThan(BUDGET_MS / 2);
    expect(checked.value.source === 'offline' && checked.value.cause).toBeInstanceOf(RateLimitError);
    expect(network.to('/v1/checks').filter((attempt) => attempt.fault.includes('429'))).toHaveLength(1);
  });

  it('answers in budget for a check the service decided, keeping the service’s action as a floor', async () => {
    const { network, till } = await setUp('pass');
    const decided = await till.check(markyate());
    expect(decided).toMatchObject({ source: 'service', action: 'hold' });
    network.set('hang');
    const answered = await timed(() => till.answer(decided.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' }));
    expect(answered.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
    // The service would show the script to an 87-year-old buying £500 whatever she answers; offline never says less than it did.
    expect(answered.value).toMatchObject({ source: 'offline', action: 'hold', checkId: decided.checkId });
  });
});
