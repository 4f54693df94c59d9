import { describe, expect, it } from 'vitest';
import { CheckRequest, type CheckInput } from '../../src/contract/check.js';
import { compileRuleSet, decide, deriveFacts, NO_HISTORY } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

const prompts = loadRuleDirectory('rules').prompts.filter((file) => file.path === 'prompts/en-GB.yaml');

const ruleSet = compileRuleSet({
  files: [
    {
      path: 'test.yaml',
      content: `
bands: { prompt: 20, hold: 50, refuse: 80 }
rules:
  - id: over-100
    when: giftCards.total >= 10000
    score: 30
    reason: Worth {giftCards.total|money}
    prompt: paying-someone
  - id: phone
    when: signals.phoneInUse
    score: 25
    reason: On the phone
    prompt: on-the-phone
  - id: codes
    when: signals.askedAboutCodes
    action: hold
    reason: Codes
    prompt: paying-a-bill
  - id: gift-answer
    when: answers.purpose == "gift"
    score: -40
    reason: A present
  - id: watch-apple
    mode: shadow
    when: '"apple" in giftCards.brands'
    score: 100
    action: refuse
    reason: Apple
`,
    },
  ],
  prompts,
});

const check = (input: Partial<CheckInput>) =>
  CheckRequest.parse({ storeId: 's', tillId: 't', transactionId: 'x', currency: 'GBP', lines: [{ kind: 'gift_card', unitAmount: 1000 }], ...input });

const decideFor = (input: Partial<CheckInput>, answers: Record<string, string> = {}) =>
  decide(ruleSet, { check: check(input), history: NO_HISTORY, answers, identified: false });

describe('facts', () => {
  it('counts stored value apart from merchandise, with brands, largest card and share', () => {
    const facts = deriveFacts(
      {
        check: check({
          lines: [
            { kind: 'gift_card', brand: 'Google Play', unitAmount: 5000, quantity: 2 },
            { kind: 'top_up', unitAmount: 1000 },
            { kind: 'merchandise', unitAmount: 9000 },
          ],
        }),
        history: NO_HISTORY,
        answers: { purpose: 'gift' },
        identified: false,
      },
      ['purpose', 'codesRequested'],
      {},
    );
    expect(facts.basket).toEqual({ total: 20000, lineCount: 3, storedValueShare: 0.55, currency: 'GBP' });
    expect(facts.giftCards).toMatchObject({ total: 11000, count: 3, lines: 2, brands: ['google_play', 'unknown'], brandCount: 2, largest: 5000 });
    expect(facts.giftCards.roundAmounts).toBe(false);
    expect(facts.giftCards.kinds).toEqual(['gift_card', 'top_up']);
    expect(facts.answers).toEqual({ purpose: 'gift', codesRequested: '' });
  });

  it('counts per customer across windows, top-ups apart, and the most cards of one named brand', () => {
    const history = {
      h1: { storedValue: 10000, checks: 1, stores: 0, prompted: 0 },
      h24: { storedValue: 60000, checks: 2, stores: 1, prompted: 1 },
      d30: { storedValue: 90000, checks: 4, stores: 2, prompted: 1 },
      sameFamily: NO_HISTORY.sameFamily,
    };
    const facts = deriveFacts(
      {
        check: check({
          lines: [
            { kind: 'gift_card', brand: 'Steam', unitAmount: 2000, quantity: 2 },
            { kind: 'voucher', brand: 'steam', unitAmount: 5000, quantity: 2 },
            { kind: 'gift_card', brand: 'apple', unitAmount: 10000 },
            { kind: 'gift_card', unitAmount: 1000, quantity: 6 },
            { kind: 'top_up', brand: 'ee', unitAmount: 1500 },
          ],
        }),
        history,
        answers: {},
        identified: true,
      },
      [],
      {},
    );
    // Steam cards and vouchers (£140) outweigh the Apple card (£100): the basket is of the games family.
    expect(facts.giftCards).toMatchObject({ total: 31500, withoutTopUps: 30000, sameBrandCount: 4, family: 'games' });
    expect(facts.customerTotal).toEqual({ h1: 40000, h24: 90000, d30: 120000 });
  });

  it('calls £50 multiples round, in the currency’s own minor units', () => {
    const round = (currency: string, unitAmount: number) =>
      deriveFacts({ check: check({ currency, lines: [{ kind: 'gift_card', unitAmount }] }), history: NO_HISTORY, answers: {}, identified: false }, [], {})
        .giftCards.roundAmounts;
    expect(round('GBP', 10000)).toBe(true);
    expect(round('GBP', 2500)).toBe(false);
    expect(round('JPY', 100)).toBe(true);
  });
});

describe('deciding', () => {
  it('allows with no prompt when nothing matches', () => {
    const decision = decideFor({});
    expect(decision).toMatchObject({ action: 'allow', score: 0, reasons: [], prompt: null });
  });

  it('maps the score to its band, and shows the prompt of the strongest rule', () => {
    const decision = decideFor({ lines: [{ kind: 'gift_card', unitAmount: 10000 }], signals: { phoneInUse: true } });
    expect(decision.score).toBe(55);
    expect(decision.action).toBe('hold');
    expect(decision.reasons.map((r) => r.ruleId)).toEqual(['over-100', 'phone']);
    expect(decision.reasons[0]!.message).toBe('Worth £100.00');
    expect(decision.promptId).toBe('paying-someone');
  });

  it('lets a rule’s own action win over a weaker band', () => {
    const decision = decideFor({ signals: { askedAboutCodes: true } });
    expect(decision.score).toBe(0);
    expect(decision.action).toBe('hold');
    expect(decision.promptId).toBe('paying-a-bill');
  });

  it('never enforces a shadow rule, but reports it', () => {
    const decision = decideFor({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 1000 }] });
    expect(decision.action).toBe('allow');
    expect(decision.reasons).toEqual([]);
    expect(decision.shadowReasons.map((r) => r.ruleId)).toEqual(['watch-apple']);
  });

  it('shows the refuse prompt when refusing, and leaves answered questions out', () => {
    const refused = decide(
      compileRuleSet({ files: [{ path: 'r.yaml', content: 'rules:\n  - id: r\n    when: true\n    action: refuse\n    reason: r\n    prompt: on-the-phone\n' }], prompts }),
      { check: check({}), history: NO_HISTORY, answers: {}, identified: false },
    );
    expect(refused.promptId).toBe('decline');
    expect(refused.next).toMatchObject({ step: 'refuse', messageId: 'next.refuse' });
    const asked = decideFor({ lines: [{ kind: 'gift_card', unitAmount: 10000 }] }, { someoneAskedYouToBuy: 'no' });
    expect(asked.prompt!.questions.map((q) => q.id)).toEqual(['codesRequested', 'purpose']);
    expect(asked.next).toMatchObject({ step: 'ask', say: 'Ask the question, then tap the answer.' });
  });

  it('lowers the score with a reassuring answer', () => {
    const decision = decideFor({ lines: [{ kind: 'gift_card', unitAmount: 10000 }] }, { purpose: 'gift' });
    expect(decision.score).toBe(-10);
    expect(decision.action).toBe('allow');
  });
});
