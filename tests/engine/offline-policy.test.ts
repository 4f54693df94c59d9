import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckRequest, type CheckInput } from '../../src/contract/check.js';
import { ACTION_STRENGTH, AgeBand, Lane, Tender } from '../../src/contract/enums.js';
import { OfflinePolicy, OfflinePolicyVectors } from '../../src/contract/offline-policy.js';
import {
  compileOfflinePolicy,
  compileRuleSet,
  type CompiledRuleSet,
  decide,
  evaluateOfflinePolicy,
  NO_HISTORY,
  offlinePolicyFacts,
  offlinePolicyVectors,
} from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

const defaults = loadRuleDirectory('rules');
const ruleSet = compileRuleSet(defaults);

const policies = new WeakMap<CompiledRuleSet, ReturnType<typeof compileOfflinePolicy>>();

/** The engine's decision for a customer with no history, and the offline policy's. */
function bothDecide(rules: CompiledRuleSet, input: CheckInput, answers: Record<string, string>) {
  const check = CheckRequest.parse(input);
  const identified = Boolean(check.customer.loyaltyId || check.customer.paymentToken);
  const engine = decide(rules, { check, history: NO_HISTORY, answers, identified });
  if (!policies.has(rules)) policies.set(rules, compileOfflinePolicy(rules));
  const policy = policies.get(rules)!;
  const table = evaluateOfflinePolicy(policy, offlinePolicyFacts(policy, check, answers), answers);
  return { engine, table };
}

/** Every amount either side of every threshold the default rules use, and some beyond. */
const AMOUNTS = [0, 1, 999, 1500, 2000, 2499, 2500, 2501, 4999, 5000, 5001, 9999, 10000, 10001, 19999, 20000, 24999, 25000, 49999, 50000, 99999, 100000, 199999, 200000, 249999, 250000, 1_000_000];

function* gridBaskets(): Generator<CheckInput['lines']> {
  for (const amount of AMOUNTS) {
    yield [{ kind: 'gift_card', brand: 'John Lewis', unitAmount: amount }];
    yield [{ kind: 'gift_card', brand: 'iTunes', unitAmount: amount, quantity: 1 }];
  }
  for (const card of [1000, 2000, 2500, 2501, 4999, 5000, 10000]) {
    for (const quantity of [2, 3, 5, 10, 20, 50]) yield [{ kind: 'gift_card', brand: 'Google Play', unitAmount: card, quantity }];
    yield ['Amazon', 'Boots', 'Costa'].map((brand) => ({ kind: 'gift_card' as const, brand, unitAmount: card }));
    yield ['Amazon', 'Amazon', 'Costa'].map((brand) => ({ kind: 'gift_card' as const, brand, unitAmount: card }));
  }
  yield [{ kind: 'top_up', brand: 'EE', unitAmount: 2000, quantity: 5 }];
  yield [{ kind: 'voucher', unitAmount: 30000 }, { kind: 'merchandise', unitAmount: 155 }];
  yield [{ kind: 'merchandise', unitAmount: 4380 }];
}

const SIGNAL_SETS: Array<CheckInput['signals']> = [
  {},
  { phoneInUse: true },
  { beingInstructed: true },
  { distressed: true },
  { askedAboutCodes: true },
  { unfamiliarWithCards: true },
  { mentionedPayment: true },
  { phoneInUse: true, beingInstructed: true },
];
const ANSWER_SETS: Array<Record<string, string>> = [
  {},
  { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' },
  { someoneAskedYouToBuy: 'unsure' },
  { purpose: 'family_emergency' },
];

describe('the offline policy of the default rule set', () => {
  const policy = compileOfflinePolicy(ruleSet);

  it('is a valid document that leaves out shadow rules and needs no history', () => {
    expect(OfflinePolicy.parse(policy)).toEqual(policy);
    expect(policy.rules.map((rule) => rule.id)).not.toContain('bulk-top-ups');
    expect(policy.rules.every((rule) => rule.exact)).toBe(true);
    expect(JSON.stringify(policy)).not.toContain('history.');
    // History rules cannot match a customer with no history.
    expect(policy.rules.find((rule) => rule.id === 'repeat-purchases-today')!.when).toEqual([]);
  });

  it('decides exactly as the engine does for a customer with no history, over a dense grid of baskets', () => {
    let compared = 0;
    for (const lines of gridBaskets()) {
      for (const ageBand of AgeBand.options) {
        for (const tender of ['cash', 'gift_card'] as const) {
          for (const lane of ['staffed', 'self_checkout'] as const) {
            for (const signals of SIGNAL_SETS) {
              const check = CheckRequest.parse({ storeId: 's', tillId: 't', transactionId: 'x', currency: 'GBP', lines, tender, lane, customer: { ageBand }, signals });
              for (const answers of ANSWER_SETS) {
                const engine = decide(ruleSet, { check, history: NO_HISTORY, answers, identified: false });
                const table = evaluateOfflinePolicy(policy, offlinePolicyFacts(policy, check, answers), answers);
                const rules = engine.reasons.map((reason) => reason.ruleId);
                const same =
                  table.action === engine.action &&
                  table.score === engine.score &&
                  table.rules.join() === rules.join() &&
                  JSON.stringify(table.prompt) === JSON.stringify(engine.prompt);
                if (!same) expect({ check, answers, table }).toEqual({ check, answers, table: { action: engine.action, score: engine.score, rules, prompt: engine.prompt } });
                compared += 1;
              }
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });
});

// Conditions outside what the table can say, each on a rule that raises or lowers a decision.
const APPROXIMATED = [
  { when: 'giftCards.roundAmounts && giftCards.total >= 20000', score: 30 },
  { when: 'giftCards.largest * 2 > giftCards.total && giftCards.total >= 5000', score: 25 },
  { when: 'customer.ageBand.startsWith("7") || tender.contains("gift")', score: 20, action: 'hold' },
  { when: 'giftCards.brands.all(b, b != "unknown") && giftCards.total >= 10000', score: 20 },
  { when: 'giftCards.total % 7 == 0', score: 10, action: 'prompt' },
  { when: '!(giftCards.roundAmounts || basket.total - giftCards.total > 5000)', score: -30 },
  { when: 'giftCards.count / 2 >= 3', score: -20, action: 'hold' },
  { when: 'history.d30.checks == 0 && !giftCards.roundAmounts && giftCards.total < 30000', score: -25 },
];
// Conditions the table says exactly, written in ways the default rules do not use.
const EXACT = [
  { when: 'customer.ageAtLeast >= 60 && giftCards.total + 5000 > 20000', score: 25 },
  { when: 'giftCards.count in [5, 10, 20] ? giftCards.total >= 10000 : lane == "kiosk"', score: 20 },
  { when: '!(lane in ["staffed"]) && !signals.phoneInUse && size(giftCards.brands) >= 2', score: 15 },
  { when: 'giftCards.brands.exists(b, b == "steam" || b == "xbox") && "gift_card" in giftCards.kinds', score: 25 },
  { when: 'basket.storedValueShare > 0.5 && !("top_up" in giftCards.kinds) && customer.identified == false', score: 5 },
  { when: 'history.h24.stores + giftCards.total >= 100000 || answers.purpose == "other"', score: 40 },
];

function withRules(rules: ReadonlyArray<{ when: string; score: number; action?: string }>, prefix: string): CompiledRuleSet {
  const yaml = rules
    .map((rule, i) => `  - id: ${prefix}-${i}\n    when: ${JSON.stringify(rule.when)}\n    score: ${rule.score}\n${rule.action ? `    action: ${rule.action}\n` : ''}    reason: r\n`)
    .join('');
  return compileRuleSet({ files: [...defaults.files, { path: `zz-${prefix}.yaml`, content: `rules:\n${yaml}` }], prompts: defaults.prompts });
}

const line = fc.record(
  {
    kind: fc.constantFrom('gift_card', 'prepaid_card', 'voucher', 'top_up', 'merchandise'),
    brand: fc.constantFrom('Apple', 'steam', 'Xbox', 'John Lewis', 'Costa'),
    unitAmount: fc.oneof(fc.constantFrom(0, 2500, 5000, 10000, 20000, 25000, 50000), fc.integer({ min: 0, max: 300_000 })),
    quantity: fc.oneof(fc.constantFrom(1, 5, 10, 20), fc.integer({ min: 1, max: 30 })),
  },
  { requiredKeys: ['kind', 'unitAmount'] },
);
const basket: fc.Arbitrary<CheckInput> = fc.record({
  storeId: fc.constant('s'),
  tillId: fc.constant('t'),
  transactionId: fc.constant('x'),
  currency: fc.constant('GBP'),
  lines: fc.array(line, { minLength: 1, maxLength: 6 }),
  tender: fc.constantFrom(...Tender.options),
  lane: fc.constantFrom(...Lane.options),
  customer: fc.record({ ageBand: fc.constantFrom(...AgeBand.options), loyaltyId: fc.constantFrom(undefined, '634004000123456') }),
  signals: fc.record({ phoneInUse: fc.boolean(), beingInstructed: fc.boolean(), distressed: fc.boolean(), mentionedPayment: fc.boolean() }),
});
const answers = fc.record(
  { someoneAskedYouToBuy: fc.constantFrom('yes', 'no', 'unsure'), purpose: fc.constantFrom('gift', 'other', 'bill_or_fine'), codesRequested: fc.constantFrom('no', 'unsure') },
  { requiredKeys: [] },
);

describe('rules the table cannot express exactly', () => {
  const approximated = withRules(APPROXIMATED, 'approx');
  const policy = compileOfflinePolicy(approximated);

  it('are marked, with what was approximated', () => {
    for (const rule of policy.rules.filter((rule) => rule.id.startsWith('approx-'))) {
      expect(rule.exact, rule.id).toBe(false);
      expect(rule.approximation, rule.id).toMatch(/^The table cannot express /);
    }
    expect(policy.rules.find((rule) => rule.id === 'approx-6')).toMatchObject({ score: 0, action: 'hold' });
  });

  it('still never decide more weakly than the engine', () => {
    fc.assert(
      fc.property(basket, answers, (input, given) => {
        const { engine, table } = bothDecide(approximated, input, given);
        expect(ACTION_STRENGTH[table.action]).toBeGreaterThanOrEqual(ACTION_STRENGTH[engine.action]);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('rules written in other ways the table can say', () => {
  const exact = withRules(EXACT, 'exact');

  it('are exact, and decide as the engine does', () => {
    expect(compileOfflinePolicy(exact).rules.filter((rule) => !rule.exact)).toEqual([]);
    fc.assert(
      fc.property(basket, answers, (input, given) => {
        const { engine, table } = bothDecide(exact, input, given);
        expect({ action: table.action, score: table.score, rules: table.rules, prompt: table.prompt?.id }).toEqual({
          action: engine.action,
          score: engine.score,
          rules: engine.reasons.map((reason) => reason.ruleId),
          prompt: engine.promptId ?? undefined,
        });
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the conformance vectors', () => {
  it('cover every story in the rule files and agree with the policy, never below the service', () => {
    const policy = compileOfflinePolicy(ruleSet);
    const { vectors } = OfflinePolicyVectors.parse(offlinePolicyVectors(ruleSet, policy));
    expect(vectors.length).toBeGreaterThan(ruleSet.tests.length + 100);
    for (const { test } of ruleSet.tests) expect(vectors.map((vector) => vector.name)).toContainEqual(expect.stringContaining(test.name));
    for (const vector of vectors) {
      expect(ACTION_STRENGTH[vector.expect.action], vector.name).toBeGreaterThanOrEqual(ACTION_STRENGTH[vector.service]);
    }
    expect(new Set(vectors.map((vector) => vector.expect.action))).toEqual(new Set(['allow', 'prompt', 'hold', 'refuse']));
    expect(offlinePolicyVectors(ruleSet, policy)).toEqual(offlinePolicyVectors(ruleSet, policy));
  });
});
