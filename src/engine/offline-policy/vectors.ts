import { CheckRequest, Signals } from '../../contract/check.js';
import { ACTION_STRENGTH, AgeBand, AgeSource, Lane, Tender } from '../../contract/enums.js';
import {
  OFFLINE_POLICY_FORMAT,
  type OfflinePolicy,
  type OfflinePolicyVectors,
  type PolicyBasket,
  type PolicyVector,
} from '../../contract/offline-policy.js';
import type { CompiledRuleSet } from '../compile.js';
import { decide } from '../decide.js';
import { NO_HISTORY } from '../derive-facts.js';
import { evaluateOfflinePolicy, offlinePolicyFacts } from './evaluate.js';
import { seededRandom } from '../seeded-random.js';

/**
 * Conformance vectors: baskets decided by the engine (for a customer with no history) and by the
 * table. They are every story in the rule files' tests, then baskets on both sides of every amount
 * the table tests, each with a colleague, signals and answers drawn from a fixed seed, so the same
 * rule set always gives the same vectors. Brands are spelt as tills spell them, to test folding.
 */

const BRANDS = ['iTunes', 'Google Play', 'John Lewis', ' Amazon ', 'Marks & Spencer', 'STEAM', undefined] as const;
const SIGNALS = Object.keys(Signals.shape) as Array<keyof typeof Signals.shape>;
const VECTOR_CHECK = { storeId: 'vector-store', tillId: 'T1', transactionId: 'vector' };

/** Every number the table compares `fact` with. */
function thresholds(policy: OfflinePolicy, fact: string): number[] {
  const found = new Set<number>();
  for (const rule of policy.rules) for (const row of rule.when) for (const condition of row) if (condition.fact === fact && typeof condition.value === 'number') found.add(condition.value);
  return [...found].sort((a, b) => a - b);
}

const around = (values: readonly number[]) => [...new Set(values.flatMap((value) => [value - 1, value, value + 1]).filter((value) => value > 0))].sort((a, b) => a - b);

function baskets(policy: OfflinePolicy): Array<{ name: string; lines: PolicyBasket['lines'] }> {
  const totals = [...new Set([...thresholds(policy, 'giftCards.total'), ...thresholds(policy, 'giftCards.withoutTopUps')])].sort((a, b) => a - b);
  const largest = thresholds(policy, 'giftCards.largest');
  const out: Array<{ name: string; lines: PolicyBasket['lines'] }> = [];
  const brand = (index: number) => BRANDS[index % BRANDS.length];
  around([...totals, ...largest]).forEach((amount, index) => {
    const name = brand(index);
    out.push({ name: `one card of ${amount}`, lines: [{ kind: 'gift_card', unitAmount: amount, ...(name ? { brand: name } : {}) }] });
  });
  for (const card of around(largest)) {
    for (const total of totals) {
      const quantity = Math.min(999, Math.ceil(total / card));
      if (quantity > 1) out.push({ name: `${quantity} cards of ${card}`, lines: [{ kind: 'gift_card', unitAmount: card, quantity, brand: 'Google Play' }] });
    }
    out.push({
      name: `three brands at ${card}`,
      lines: [0, 2, 4].map((index) => ({ kind: 'gift_card' as const, unitAmount: card, brand: brand(index) ?? 'Costa' })),
    });
  }
  out.push({ name: 'groceries only', lines: [{ kind: 'merchandise', unitAmount: 4380 }] });
  out.push({ name: 'five top-ups', lines: [{ kind: 'top_up', unitAmount: 2000, quantity: 5, brand: 'EE' }] });
  out.push({
    name: 'a voucher and groceries',
    lines: [
      { kind: 'voucher', unitAmount: 25000, brand: 'Love2Shop' },
      { kind: 'merchandise', unitAmount: 155, quantity: 2 },
    ],
  });
  return out;
}

function vector(ruleSet: CompiledRuleSet, policy: OfflinePolicy, name: string, basket: PolicyBasket, answers: Record<string, string>): PolicyVector {
  const check = CheckRequest.parse({ ...VECTOR_CHECK, ...basket });
  const facts = offlinePolicyFacts(policy, check, answers);
  const decision = evaluateOfflinePolicy(policy, facts, answers);
  const expect = {
    ...decision,
    prompt: decision.prompt && { id: decision.prompt.id, questions: decision.prompt.questions.map((question) => question.id) },
    next: decision.next.step,
    releaseNeedsReason: decision.action === 'hold' && Number(facts['giftCards.total']) > policy.holds.releaseReasonAbove,
  };
  const identified = Boolean(check.customer.loyaltyId || check.customer.paymentToken);
  const service = decide(ruleSet, { check, history: NO_HISTORY, answers, identified }).action;
  if (ACTION_STRENGTH[expect.action] < ACTION_STRENGTH[service]) {
    throw new Error(`The offline policy decides "${name}" ${expect.action}, weaker than the service's ${service}`);
  }
  return { name, basket, answers, facts: facts as PolicyVector['facts'], expect, service };
}

function storyVectors(ruleSet: CompiledRuleSet, policy: OfflinePolicy): PolicyVector[] {
  return ruleSet.tests.map(({ test }) => {
    const check = CheckRequest.parse({ ...VECTOR_CHECK, currency: 'GBP', ...test.check });
    const basket: PolicyBasket = {
      currency: check.currency,
      lines: check.lines.map(({ kind, unitAmount, quantity, brand }) => ({ kind, unitAmount, quantity, ...(brand ? { brand } : {}) })),
      tender: check.tender,
      lane: check.lane,
      customer: {
        ageBand: check.customer.ageBand,
        ageSource: check.customer.ageSource,
        ...(check.customer.loyaltyId ? { loyaltyId: check.customer.loyaltyId } : {}),
        ...(check.customer.paymentToken ? { paymentToken: check.customer.paymentToken } : {}),
      },
      signals: { ...check.signals },
    };
    return vector(ruleSet, policy, test.history ? `${test.name} (with no history)` : test.name, basket, test.answers ?? {});
  });
}

/** The vectors for a rule set and its compiled policy. */
export function offlinePolicyVectors(ruleSet: CompiledRuleSet, policy: OfflinePolicy, { perBasket = 2, seed = 20171030 } = {}): OfflinePolicyVectors {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const vectors = storyVectors(ruleSet, policy);
  for (const { name, lines } of baskets(policy)) {
    for (let i = 0; i < perBasket; i++) {
      const signals = Object.fromEntries(SIGNALS.filter(() => random() < 0.15).map((signal) => [signal, true]));
      const answers: Record<string, string> = {};
      for (const question of policy.questions) if (random() < 0.3) answers[question.id] = pick(question.answers);
      const basket: PolicyBasket = {
        currency: 'GBP',
        lines,
        tender: pick(Tender.options),
        lane: pick(Lane.options),
        customer: {
          ageBand: pick(AgeBand.options),
          ageSource: pick(AgeSource.options),
          ...(random() < 0.3 ? { loyaltyId: '634004000123456' } : {}),
        },
        ...(Object.keys(signals).length > 0 ? { signals } : {}),
      };
      const context = [basket.customer!.ageBand, basket.tender, basket.lane, ...Object.keys(signals), ...Object.entries(answers).map(([q, a]) => `${q}=${a}`)];
      vectors.push(vector(ruleSet, policy, `${name}; ${context.join(', ')}`, basket, answers));
    }
  }
  return { format: OFFLINE_POLICY_FORMAT, ruleSetVersion: policy.ruleSetVersion, contentHash: policy.contentHash, vectors };
}
