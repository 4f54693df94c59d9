import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION_STRENGTH } from '../../src/contract/enums.js';
import type { HistoryFacts } from '../../src/contract/fact-schema.js';
import type { HistoryInput } from '../../src/contract/rule-file.js';
import { CheckRequest, type CheckInput } from '../../src/contract/check.js';
import { compileRuleSet, decide, NO_HISTORY, testCheck } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { decideOffline } from '../../sdk/src/offline/decide.js';
import { BUNDLED_RULES } from '../../sdk/src/rules/bundled.js';
import { checkBody, tillCheck } from './helpers/arbitraries.js';

const ruleSet = compileRuleSet(BUNDLED_RULES);
const basket = (check: Partial<CheckInput>) => CheckRequest.parse({ storeId: 'S1', tillId: 'T1', transactionId: 'X1', currency: 'GBP', ...check });

const window = fc.record({ storedValue: fc.nat({ max: 500_000 }), checks: fc.nat({ max: 5 }), stores: fc.nat({ max: 3 }), prompted: fc.nat({ max: 3 }) });
const familyWindow = fc.record({ checks: fc.nat({ max: 5 }), days: fc.nat({ max: 5 }), storedValue: fc.nat({ max: 500_000 }) });
const history: fc.Arbitrary<HistoryFacts> = fc.record({ h1: window, h24: window, d30: window, sameFamily: fc.record({ d7: familyWindow, d30: familyWindow }) });
const answers = fc.dictionary(
  fc.constantFrom('someoneAskedYouToBuy', 'purpose', 'codesRequested'),
  fc.constantFrom('yes', 'no', 'unsure', 'gift', 'own_use', 'bill_or_fine', 'other'),
);

describe('the bundled rule set', () => {
  it('is rules/ as it is now (run `npm run sdk:bundle-rules` after changing rules/)', () => {
    expect(BUNDLED_RULES).toEqual(loadRuleDirectory('rules'));
  });
});

describe('offline decisions', () => {
  it('are the engine’s decisions for every case in the rule files', () => {
    for (const { test } of ruleSet.tests) {
      const check = testCheck(test);
      const history = test.history ? expandHistory(test.history) : NO_HISTORY;
      const identified = check.customer.loyaltyId !== undefined || check.customer.paymentToken !== undefined;
      const engine = decide(ruleSet, { check, history, answers: test.answers ?? {}, identified });
      const offline = decideOffline(ruleSet, { check, history, answers: test.answers ?? {} });
      expect({ name: test.name, ...offline }).toEqual({
        name: test.name,
        action: engine.action,
        score: engine.score,
        reasons: engine.reasons,
        prompt: engine.prompt,
        locale: engine.locale,
        next: engine.next,
        ruleSetVersion: engine.ruleSetVersion,
        engine: 'rules',
      });
    }
  });

  it('are never weaker than the same basket with no history, whatever history the till has', () => {
    // A rule an analyst might well write, that history makes weaker: the engine lowers the action for a
    // regular; offline, the till's partial history must not.
    const withRegulars = compileRuleSet({
      ...BUNDLED_RULES,
      files: [
        ...BUNDLED_RULES.files,
        { path: 'regulars.yaml', content: 'rules:\n  - id: weekly-regular\n    when: history.d30.checks >= 3 && history.d30.prompted == 0\n    score: -60\n    reason: A regular\n' },
      ],
    });
    fc.assert(
      fc.property(tillCheck, history, answers, (check, history, answers) => {
        const offline = decideOffline(withRegulars, { check, history, answers });
        const identified = Boolean(check.customer.loyaltyId);
        const noHistory = decide(withRegulars, { check, history: NO_HISTORY, answers, identified });
        expect(ACTION_STRENGTH[offline.action]).toBeGreaterThanOrEqual(ACTION_STRENGTH[noHistory.action]);
      }),
      { numRuns: 300 },
    );
  });

  it('never fall below the service’s last decision when answers come in offline', () => {
    const check = basket({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 5000, quantity: 2 }], customer: { ageBand: '70_79' } });
    const reassuring = { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' };
    expect(decideOffline(ruleSet, { check, history: NO_HISTORY, answers: reassuring }).action).toBe('allow');
    const floored = decideOffline(ruleSet, { check, history: NO_HISTORY, answers: reassuring, floor: 'hold' });
    expect(floored.action).toBe('hold');
    expect(floored.next).toMatchObject({ step: 'wait_for_supervisor', messageId: 'next.wait_for_supervisor' });
    expect(floored.next.say).toContain('supervisor');
    expect(floored.reasons.at(-1)?.ruleId).toBe('offline-floor');
  });

  it('prompt when a rule fails at run time, where the engine would count it as not matched', () => {
    const broken = compileRuleSet({
      ...BUNDLED_RULES,
      files: [
        ...BUNDLED_RULES.files,
        { path: 'broken.yaml', content: 'rules:\n  - id: divides-by-zero\n    when: giftCards.total / (giftCards.count - giftCards.count) > 0\n    score: 1\n    reason: never\n' },
      ],
    });
    const check = basket({ lines: [{ kind: 'gift_card', brand: 'costa', unitAmount: 1000 }] });
    expect(decide(broken, { check, history: NO_HISTORY, answers: {}, identified: false }).action).toBe('allow');
    const offline = decideOffline(broken, { check, history: NO_HISTORY, answers: {} });
    expect(offline.action).toBe('prompt');
    expect(offline.reasons.map((reason) => reason.ruleId)).toEqual(['offline-rule-error']);
    expect(offline.prompt?.questions.length).toBeGreaterThan(0);
  });

  it('show the built-in prompt, never allow, when there is no rule set to run', () => {
    fc.assert(
      fc.property(checkBody, (check) => {
        const offline = decideOffline(undefined, { check, history: NO_HISTORY, answers: {} });
        expect(offline).toMatchObject({ action: 'prompt', engine: 'fallback', ruleSetVersion: 'offline-fallback' });
        expect(offline.prompt?.advice.map((line) => line.text).join(' ')).toMatch(/HMRC.*never ask.*gift cards/);
        expect(offline.prompt?.advice.map((line) => line.text).join(' ')).toMatch(/five minutes/);
        expect(offline.next.say).toMatch(/do not sell/);
        expect(offline.prompt?.advice.map((line) => line.text).join(' ')).toMatch(/Report Fraud on 0300 123 2040/);
      }),
      { numRuns: 20 },
    );
  });
});

function expandHistory(input: HistoryInput): HistoryFacts {
  return {
    h1: { ...NO_HISTORY.h1, ...input.h1 },
    h24: { ...NO_HISTORY.h24, ...input.h24 },
    d30: { ...NO_HISTORY.d30, ...input.d30 },
    sameFamily: { d7: { ...NO_HISTORY.sameFamily.d7, ...input.sameFamily?.d7 }, d30: { ...NO_HISTORY.sameFamily.d30, ...input.sameFamily?.d30 } },
  };
}
