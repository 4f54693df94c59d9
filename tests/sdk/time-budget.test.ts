import { describe, expect, it } from 'vitest';
import { ConnectionError, RateLimitError, ServerError, type TillDecision, TimeoutError } from '../../sdk/src/index.js';
import type { Fault } from './helpers/faults.js';
import { markyate, timed, tillWorld } from './helpers/till.js';

const BUDGET_MS = 300;
/** What the SDK keeps back from the network for its offline decision (sdk/README.md, "The time budget"). */
const RESERVE_MS = 25;
/**
 * A request that fails at once, retried with the jitter pinned at its shortest waits (12.5, 25, then
 * 50 ms: half of each step of 25, 50, 100 ms): the most attempts the budget holds. The next wait, to
 * 287.5 ms, would end past the network's share of the budget (275 ms), so the SDK stops at 237.5 ms.
 */
const ATTEMPTS_AT = [0, 12.5, 37.5, 87.5, 137.5, 187.5, 237.5];

async function setUp(fault: Fault) {
  const world = await tillWorld();
  const till = world.open({ timeoutMs: BUDGET_MS });
  world.network.set(fault);
  return { ...world, till };
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

describe(`check() and answer() resolve within the budget (${BUDGET_MS} ms) whatever the network does`, () => {
  const faults: Array<[string, Fault, abstract new (...args: never[]) => Error, number[], number]> = [
    // [what the network does, the fault, the cause, when the check's attempts were sent, when it was decided]
    ['the service is down', 'down', ConnectionError, ATTEMPTS_AT, 237.5],
    ['the service fails with 500s', { status: 500 }, ServerError, ATTEMPTS_AT, 237.5],
    // One attempt, cut off when the network's share of the budget is spent; no time is left to try again.
    ['the service is slower than the budget', { slowMs: 2_000 }, TimeoutError, [0], BUDGET_MS - RESERVE_MS],
    ['the network hangs, ignoring the abort signal', 'hang', TimeoutError, [0], BUDGET_MS - RESERVE_MS],
  ];

  for (const [name, fault, cause, attemptsAt, decidedAt] of faults) {
    it(`when ${name}: the colleague still gets the script, decided offline`, async () => {
      const { network, clock, till } = await setUp(fault);
      const basket = markyate();
      const checked = await timed(clock, () => till.check(basket));
      expect(checked.ms).toBe(decidedAt);
      expectOfflineHold(checked.value, cause);
      const attempts = network.checksFor(basket.transactionId);
      expect(attempts.map((attempt) => attempt.at)).toEqual(attemptsAt);
      expect(new Set(attempts.map((attempt) => JSON.stringify(attempt.body))).size).toBe(1);

      // The answer waits behind the queued check: the outbox tries it once, within the answer's budget.
      const answered = await timed(clock, () => till.answer(checked.value.checkId, { purpose: 'bill_or_fine' }));
      expect(answered.ms).toBeLessThanOrEqual(BUDGET_MS - RESERVE_MS);
      expect(answered.value).toMatchObject({ source: 'offline', action: 'refuse', checkId: checked.value.checkId });
      expect(answered.value.prompt?.id).toBe('decline');
      expect(network.to(/\/answers$/)).toEqual([]);
      const replays = network.checksFor(basket.transactionId).slice(attemptsAt.length);
      expect(replays).toMatchObject([{ body: { offlineDecision: { action: 'hold' } } }]);
    });
  }

  it('retries a 500 within the budget, with the same transaction, and gives the service’s decision when it recovers', async () => {
    const { network, clock, till } = await setUp('pass');
    network.next({ status: 500 }, { status: 503 });
    const basket = markyate();
    const checked = await timed(clock, () => till.check(basket));
    expect(checked.ms).toBe(37.5);
    expect(checked.value).toMatchObject({ source: 'service', action: 'hold', transactionId: basket.transactionId });
    const attempts = network.to('/v1/checks');
    expect(attempts.map((attempt) => [attempt.at, attempt.fault])).toEqual([
      [0, '{"status":500}'],
      [12.5, '{"status":503}'],
      [37.5, 'pass'],
    ]);
    expect(new Set(attempts.map((attempt) => JSON.stringify(attempt.body))).size).toBe(1);
  });

  it('goes offline at once, without waiting, when Retry-After is longer than the budget', async () => {
    const { network, clock, till } = await setUp({ status: 429, retryAfter: '30' });
    const checked = await timed(clock, () => till.check(markyate()));
    expect(checked.ms).toBe(0);
    expect(checked.value.source === 'offline' && checked.value.cause).toBeInstanceOf(RateLimitError);
    expect(network.to('/v1/checks')).toHaveLength(1);
  });

  it('answers in budget for a check the service decided, keeping the service’s action as a floor', async () => {
    const { network, clock, till } = await setUp('pass');
    const decided = await till.check(markyate());
    expect(decided).toMatchObject({ source: 'service', action: 'hold' });
    network.set('hang');
    const answered = await timed(clock, () => till.answer(decided.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' }));
    expect(answered.ms).toBe(BUDGET_MS - RESERVE_MS);
    expect(network.to(/\/answers$/)).toHaveLength(1);
    // The service would show the script to an 87-year-old buying £500 whatever she answers; offline never says less than it did.
    expect(answered.value).toMatchObject({ source: 'offline', action: 'hold', checkId: decided.checkId });
  });
});
