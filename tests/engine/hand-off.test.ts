import { describe, expect, it } from 'vitest';
import { CheckRequest, type CheckInput } from '../../src/contract/check.js';
import type { NextStep } from '../../src/contract/decision.js';
import { compileOfflinePolicy, evaluateOfflinePolicy, offlinePolicyFacts } from '../../src/engine/offline-policy/index.js';
import { compileRuleSet, decide, NO_HISTORY, RuleSetError } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

const shipped = loadRuleDirectory('rules');
const ruleSet = compileRuleSet(shipped);

// The README's first check: an 87-year-old with five £100 iTunes cards, paying cash. Held; refused once
// the customer says the cards are to pay a bill.
const basket = (locale: string, currency = 'GBP'): CheckInput => ({
  storeId: 'herts-stevenage-012',
  tillId: 'T04',
  transactionId: 'T04-20171030-00123',
  currency,
  locale,
  lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  tender: 'cash',
  customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
});

const decideFor = (locale: string, answers: Record<string, string> = {}) =>
  decide(ruleSet, { check: CheckRequest.parse(basket(locale, locale === 'en-US' ? 'USD' : 'GBP')), history: NO_HISTORY, answers, identified: false });

const said = (next: NextStep) => (next.handOff ?? []).map((action) => action.text).join('\n');
const dialled = (next: NextStep) => (next.handOff ?? []).flatMap((action) => action.phones);

// What each country's hand-off must give, and what it must never show: another country's numbers
// would send a customer in distress to a line that does not answer.
const COUNTRIES = [
  { locale: 'en-GB', gives: ['999', '159', '101', '0300 123 2040'], never: ['911', 'FTC', '1-877', 'ReportFraud.ftc.gov'] },
  { locale: 'cy-GB', gives: ['999', '159', '101', '0300 123 2040'], never: ['911', 'FTC', '1-877', 'ReportFraud.ftc.gov'] },
  { locale: 'en-US', gives: ['911', '1-877-382-4357'], never: ['999', '159', '101', '0300', 'Report Fraud on'] },
] as const;

describe.each(COUNTRIES)('the hand-off in $locale', ({ locale, gives, never }) => {
  it('comes with a hold, and again with the refusal, in the decision’s language', () => {
    const held = decideFor(locale);
    expect(held.action).toBe('hold');
    const refused = decideFor(locale, { codesRequested: 'no', purpose: 'bill_or_fine' });
    expect(refused.action).toBe('refuse');
    for (const { next } of [held, refused]) {
      expect(next.handOff?.length, locale).toBeGreaterThanOrEqual(3);
      expect(dialled(next)).toEqual(expect.arrayContaining([...gives]));
      for (const number of never) expect(said(next), `${locale} must not show ${number}`).not.toContain(number);
      for (const action of next.handOff!) {
        expect(action.messageId).toBe(`handOff.${action.id}`);
        for (const phone of action.phones) expect(action.text).toContain(phone);
      }
    }
    expect(refused.next.handOff).toEqual(held.next.handOff);
  });

  it('starts with the emergency number, recorded as a call to the police', () => {
    const [first] = decideFor(locale).next.handOff!;
    expect(first).toMatchObject({ id: 'emergency', step: 'called_police', phones: [locale === 'en-US' ? '911' : '999'] });
  });

  it('is not there while the sale may still go ahead', () => {
    const prompted = decide(ruleSet, {
      check: CheckRequest.parse({ ...basket(locale), lines: [{ kind: 'gift_card', brand: 'amazon', unitAmount: 2500, quantity: 2 }], customer: { ageBand: '30_39' } }),
      history: NO_HISTORY,
      answers: {},
      identified: false,
    });
    expect(['allow', 'prompt']).toContain(prompted.action);
    expect(prompted.next).not.toHaveProperty('handOff');
  });
});

describe('the hand-off offline', () => {
  it.each(COUNTRIES.map(({ locale }) => locale))('is in the %s offline policy, and a refusal from the table carries it as the engine’s does', (locale) => {
    const policy = compileOfflinePolicy(ruleSet, locale);
    expect(policy.handOff).toEqual(ruleSet.locales.get(locale)!.handOff);
    const answers = { codesRequested: 'no', purpose: 'bill_or_fine' };
    const engine = decideFor(locale, answers);
    const check = CheckRequest.parse(basket(locale));
    const table = evaluateOfflinePolicy(policy, offlinePolicyFacts(policy, check, answers), answers);
    expect(table.action).toBe('refuse');
    expect(table.next).toEqual(engine.next);
  });
});

describe('a prompts file’s hand-off', () => {
  const withHandOff = (handOff: string) => ({
    ...shipped,
    prompts: shipped.prompts.map((file) => (file.path === 'prompts/en-US.yaml' ? { ...file, content: file.content.replace(/\nhandOff:\n(?: {2}.*\n)+/, `\nhandOff:\n${handOff}`) } : file)),
  });
  const problemsOf = (handOff: string) => {
    try {
      compileRuleSet(withHandOff(handOff));
      return [];
    } catch (error) {
      if (!(error instanceof RuleSetError)) throw error;
      return error.problems.map((problem) => `${problem.file}: ${problem.message}`);
    }
  };

  it('may not give a number its text does not show, nor use an id twice', () => {
    const problems = problemsOf(
      [
        '  - { id: emergency, step: called_police, text: "Call the police.", phones: ["911"] }',
        '  - { id: emergency, step: other, text: "Report it to the FTC." }',
        '',
      ].join('\n'),
    );
    expect(problems).toContain('prompts/en-US.yaml: handOff "emergency" gives the number 911, which its text does not show');
    expect(problems).toContain('prompts/en-US.yaml: handOff lists "emergency" twice');
  });

  it.each([
    ['a step no escalation records', '  - { id: emergency, step: called_priest, text: "Call 911.", phones: ["911"] }\n'],
    ['a number with letters', '  - { id: report, step: other, text: "Call 1-877-FTC-HELP.", phones: ["1-877-FTC-HELP"] }\n'],
  ])('may not have %s', (_what, handOff) => {
    expect(problemsOf(handOff)).toEqual([expect.stringMatching(/^prompts\/en-US\.yaml: handOff/)]);
  });
});
