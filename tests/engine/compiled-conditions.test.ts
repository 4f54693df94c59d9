import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/contract/fact-schema.js';
import { compileRuleSet, type CompiledRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

// The compiled conditions are a speed-up of cel-js, not a second language: on any facts they must
// agree with cel-js evaluating the same expression.
const defaults = loadRuleDirectory('rules');

const EXTRA_CONDITIONS = [
  'giftCards.total - history.d30.storedValue * 2 > -5000',
  'giftCards.total + history.h24.storedValue + history.d30.storedValue >= 9007199254740990',
  '-giftCards.largest < -100 || basket.storedValueShare >= 0.5',
  'size(giftCards.brands) >= 2 && giftCards.brands.all(b, b != "unknown")',
  'giftCards.brands.size() == 1 ? giftCards.total > 10000 : giftCards.total > 20000',
  'customer.ageBand.startsWith("8") || customer.ageBand.endsWith("79") || tender.contains("gift")',
  'giftCards.brands.exists(b, lists.scamFavouredBrands.exists(s, s == b))',
  '"top_up" in giftCards.kinds && !(lane in ["staffed"])',
  'answers.purpose != "" && answers.purpose in ["gift", "own_use"]',
  'customer.ageAtLeast * 1000 > giftCards.count',
  'giftCards.total / 100 > 5',
  'giftCards.total % 7 == 0',
  'customer.ageBand < "50"',
  'size(basket.currency) == 3',
  'area.scamsStopped >= 1 && area.minutesSince < 60 && area.nearestKm <= 5',
  'area.brands.exists(b, b in giftCards.brands)',
];

const ruleSet: CompiledRuleSet = compileRuleSet({
  files: [
    ...defaults.files,
    {
      path: 'zz-extra.yaml',
      content: `rules:\n${EXTRA_CONDITIONS.map((when, i) => `  - id: extra-${i}\n    when: ${JSON.stringify(when)}\n    score: 1\n    reason: r\n`).join('')}`,
    },
  ],
  prompts: defaults.prompts,
});

const amount = fc.oneof(fc.constantFrom(0, 1, 2500, 5000, 10000, 25000, 49999, 50000, 100000, 250000), fc.integer({ min: 0, max: 5e12 }), fc.constant(Number.MAX_SAFE_INTEGER));
const count = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 500_000 }));
const window = fc.record({ storedValue: amount, checks: count, stores: count, prompted: count });
const familyWindow = fc.record({ checks: count, days: count, storedValue: amount });
const brand = fc.constantFrom('apple', 'itunes', 'steam', 'amazon', 'boots', 'unknown', 'google_play');
const answer = (values: string[]) => fc.constantFrom('', ...values);

const facts: fc.Arbitrary<Facts> = fc.record({
  basket: fc.record({ total: amount, lineCount: count, storedValueShare: fc.double({ min: 0, max: 1, noNaN: true }), currency: fc.constantFrom('GBP', 'EUR', 'JPY') }),
  giftCards: fc.record({
    total: amount,
    withoutTopUps: amount,
    count,
    lines: count,
    brands: fc.uniqueArray(brand, { maxLength: 4 }),
    brandCount: count,
    sameBrandCount: count,
    largest: amount,
    roundAmounts: fc.boolean(),
    kinds: fc.uniqueArray(fc.constantFrom('gift_card', 'prepaid_card', 'voucher', 'top_up'), { maxLength: 4 }),
    family: fc.constantFrom('', 'app_store', 'games', 'costa'),
  }),
  tender: fc.constantFrom('cash', 'debit', 'credit', 'gift_card', 'mixed', 'unknown'),
  lane: fc.constantFrom('staffed', 'self_checkout', 'customer_service', 'kiosk'),
  customer: fc.record({
    ageBand: fc.constantFrom('under_20', '20_29', '30_39', '40_49', '50_59', '60_69', '70_79', '80_plus', 'unknown'),
    ageSource: fc.constantFrom('staff_estimate', 'id_checked', 'loyalty_profile', 'self_declared', 'unknown'),
    ageAtLeast: fc.constantFrom(0, 20, 60, 70, 80),
    identified: fc.boolean(),
  }),
  signals: fc.record({
    phoneInUse: fc.boolean(),
    beingInstructed: fc.boolean(),
    distressed: fc.boolean(),
    askedAboutCodes: fc.boolean(),
    unfamiliarWithCards: fc.boolean(),
    mentionedPayment: fc.boolean(),
  }),
  history: fc.record({ h1: window, h24: window, d30: window, sameFamily: fc.record({ d7: familyWindow, d30: familyWindow }) }),
  customerTotal: fc.record({ h1: amount, h24: amount, d30: amount }),
  area: fc.record({
    scamsStopped: count,
    nearestKm: fc.integer({ min: -1, max: 50 }),
    minutesSince: fc.integer({ min: -1, max: 600 }),
    brands: fc.uniqueArray(fc.constantFrom('apple', 'google_play', 'steam', 'unknown'), { maxLength: 4 }),
  }),
  network: fc.record({
    answered: fc.boolean(),
    otherRetailersToday: count,
    valueBand: fc.constantFrom('none', 'under_100', '100_to_249', '250_to_499', '500_to_999', '1000_plus'),
    minutesSince: fc.oneof(fc.integer({ min: 0, max: 1440 }), count),
  }),
  answers: fc.record({
    someoneAskedYouToBuy: answer(['yes', 'no', 'unsure']),
    purpose: answer(['gift', 'own_use', 'bill_or_fine', 'family_emergency', 'work_request', 'other']),
    codesRequested: answer(['yes', 'no', 'unsure']),
    askedHow: answer(['in_person', 'phone', 'message']),
    companyCard: answer(['yes', 'no']),
  }),
  lists: fc.constant(ruleSet.lists),
});

function reference(facts: Facts, when: (context: Record<string, unknown>) => unknown): unknown {
  try {
    return when(ruleSet.facts.toContext(facts));
  } catch (error) {
    return `error: ${(error as Error).message.split('\n')[0]}`;
  }
}

function compiled(facts: Facts, rule: CompiledRuleSet['rules'][number]): unknown {
  try {
    return rule.fast!(facts);
  } catch (error) {
    return typeof error === 'symbol' ? reference(facts, rule.reference) : `error: ${(error as Error).message}`;
  }
}

describe('compiled conditions', () => {
  it('cover every rule of the default set', () => {
    const slow = ruleSet.rules.filter((rule) => rule.file !== 'zz-extra.yaml' && !rule.fast).map((rule) => rule.id);
    expect(slow).toEqual([]);
  });

  it('leave division, modulo and string ordering and size to cel-js', () => {
    const byCondition = new Map(ruleSet.rules.map((rule) => [rule.definition.when, rule]));
    for (const when of ['giftCards.total / 100 > 5', 'giftCards.total % 7 == 0', 'customer.ageBand < "50"', 'size(basket.currency) == 3']) {
      expect(byCondition.get(when)?.fast, when).toBeUndefined();
    }
  });

  it('agree with cel-js on random facts, for every rule', () => {
    const rules = ruleSet.rules.filter((rule) => rule.fast);
    fc.assert(
      fc.property(facts, (sample) => {
        for (const rule of rules) {
          expect(compiled(sample, rule), rule.definition.when).toEqual(reference(sample, rule.reference));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
