import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { Facts } from '../../../src/contract/fact-schema.js';

/**
 * The default rule set written twice more, as baselines for the engine benchmark: once for
 * json-rules-engine (the common JavaScript rules engine) and once as a plain TypeScript function
 * (the fastest this logic can run). bench checks all three match the same rules on every basket
 * before timing anything, so a change to rules/ that is not copied here stops the benchmark.
 */

interface Outcome {
  id: string;
  score: number;
  action?: 'prompt' | 'hold' | 'refuse';
  shadow?: boolean;
}

const SCAM_FAVOURED = ['apple', 'itunes', 'google_play', 'steam', 'amazon', 'ebay', 'razer_gold', 'paysafecard', 'neosurf', 'vanilla', 'xbox', 'playstation'];

const gc = (path: string, operator: string, value: unknown) => ({ fact: 'giftCards', path: `$.${path}`, operator, value });
const fact = (name: string, path: string | undefined, operator: string, value: unknown) =>
  path ? { fact: name, path: `$.${path}`, operator, value } : { fact: name, operator, value };
const signal = (name: string, value: boolean) => fact('signals', name, 'equal', value);
const answer = (name: string, operator: string, value: unknown) => fact('answers', name, operator, value);

const rules: Array<[Outcome, TopLevelCondition]> = [
  [{ id: 'gift-cards-over-250', score: 15 }, { all: [gc('total', 'greaterThanInclusive', 25000), gc('total', 'lessThan', 50000)] }],
  [{ id: 'gift-cards-over-500', score: 25 }, { all: [gc('total', 'greaterThanInclusive', 50000), gc('total', 'lessThan', 100000)] }],
  [{ id: 'gift-cards-over-1000', score: 45 }, { all: [gc('total', 'greaterThanInclusive', 100000), gc('total', 'lessThan', 250000)] }],
  [{ id: 'gift-cards-over-2500', score: 60, action: 'hold' }, { all: [gc('total', 'greaterThanInclusive', 250000)] }],
  ...(
    [
      ['older-customer-80-plus', '80_plus', 35],
      ['older-customer-70s', '70_79', 30],
    ] as const
  ).map(([id, band, score]): [Outcome, TopLevelCondition] => [
    { id, score },
    {
      all: [
        fact('customer', 'ageBand', 'equal', band),
        gc('total', 'greaterThanInclusive', 10000),
        { any: [gc('largest', 'greaterThanInclusive', 5000), gc('total', 'greaterThanInclusive', 20000)] },
      ],
    },
  ]),
  [{ id: 'older-customer-60s', score: 20 }, { all: [fact('customer', 'ageBand', 'equal', '60_69'), gc('total', 'greaterThanInclusive', 20000), gc('largest', 'greaterThanInclusive', 5000)] }],
  [{ id: 'scam-favoured-brand', score: 5 }, { all: [gc('total', 'greaterThanInclusive', 10000), gc('brands', 'intersects', SCAM_FAVOURED)] }],
  [{ id: 'paid-with-gift-cards', score: 15 }, { all: [fact('tender', undefined, 'equal', 'gift_card'), gc('total', 'greaterThanInclusive', 10000)] }],
  [{ id: 'unattended-high-value', score: 10 }, { all: [fact('lane', undefined, 'in', ['self_checkout', 'kiosk']), gc('total', 'greaterThanInclusive', 25000)] }],
  [
    { id: 'looks-like-present-shopping', score: -15 },
    {
      all: [
        gc('lines', 'greaterThanInclusive', 3),
        gc('brandCount', 'greaterThanInclusive', 3),
        gc('largest', 'lessThanInclusive', 2500),
        signal('phoneInUse', false),
        signal('beingInstructed', false),
        signal('askedAboutCodes', false),
        signal('mentionedPayment', false),
      ],
    },
  ],
  [{ id: 'bulk-top-ups', score: 20, shadow: true }, { all: [gc('kinds', 'contains', 'top_up'), gc('count', 'greaterThanInclusive', 5), gc('total', 'greaterThanInclusive', 10000)] }],
  [{ id: 'caller-on-the-line', score: 30 }, { all: [signal('phoneInUse', true), gc('total', 'greaterThanInclusive', 5000)] }],
  [{ id: 'being-instructed', score: 40 }, { all: [signal('beingInstructed', true), gc('total', 'greaterThanInclusive', 5000)] }],
  [{ id: 'asked-about-codes', score: 50, action: 'hold' }, { all: [signal('askedAboutCodes', true), gc('total', 'greaterThan', 0)] }],
  [{ id: 'says-it-pays-a-bill', score: 60, action: 'hold' }, { all: [signal('mentionedPayment', true), gc('total', 'greaterThan', 0)] }],
  [{ id: 'distressed-customer', score: 20 }, { all: [signal('distressed', true), gc('total', 'greaterThanInclusive', 5000)] }],
  [{ id: 'unfamiliar-with-cards', score: 20 }, { all: [signal('unfamiliarWithCards', true), gc('total', 'greaterThanInclusive', 5000)] }],
  [{ id: 'back-within-the-hour', score: 25 }, { all: [fact('history', 'h1.checks', 'greaterThanInclusive', 1), fact('withH1', undefined, 'greaterThanInclusive', 25000)] }],
  [{ id: 'repeat-purchases-today', score: 30 }, { all: [fact('history', 'h24.checks', 'greaterThanInclusive', 1), fact('withH24', undefined, 'greaterThanInclusive', 50000)] }],
  [{ id: 'another-store-today', score: 35 }, { all: [fact('history', 'h24.stores', 'greaterThanInclusive', 1), fact('withH24', undefined, 'greaterThanInclusive', 50000)] }],
  [{ id: 'warned-recently', score: 30 }, { all: [fact('history', 'd30.prompted', 'greaterThanInclusive', 1), gc('total', 'greaterThanInclusive', 5000)] }],
  [
    { id: 'high-spend-this-month', score: 30 },
    { all: [fact('history', 'd30.checks', 'greaterThanInclusive', 1), fact('withD30', undefined, 'greaterThanInclusive', 200000), gc('total', 'greaterThanInclusive', 10000)] },
  ],
  [{ id: 'someone-asked-them-to-buy', score: 0, action: 'refuse' }, { all: [answer('someoneAskedYouToBuy', 'equal', 'yes')] }],
  [{ id: 'codes-requested', score: 0, action: 'refuse' }, { all: [answer('codesRequested', 'equal', 'yes')] }],
  [{ id: 'unsure-who-asked', score: 25 }, { any: [answer('someoneAskedYouToBuy', 'equal', 'unsure'), answer('codesRequested', 'equal', 'unsure')] }],
  ...(
    [
      ['paying-a-bill-tax-or-fine', 'bill_or_fine', 'refuse'],
      ['fixing-a-computer-or-account', 'computer_or_account', 'refuse'],
      ['helping-police-or-bank', 'police_or_bank', 'refuse'],
      ['prize-refund-or-fee', 'prize_or_refund', 'refuse'],
      ['family-member-in-trouble', 'family_emergency', 'hold'],
      ['boss-asked-for-them', 'work_request', 'hold'],
      ['someone-met-online', 'someone_online', 'hold'],
    ] as const
  ).map(([id, purpose, action]): [Outcome, TopLevelCondition] => [{ id, score: 0, action }, { all: [answer('purpose', 'equal', purpose)] }]),
  [
    { id: 'answers-raise-no-concern', score: -40 },
    {
      all: [
        answer('someoneAskedYouToBuy', 'equal', 'no'),
        answer('purpose', 'in', ['gift', 'own_use']),
        answer('codesRequested', 'notIn', ['yes', 'unsure']),
        signal('phoneInUse', false),
        signal('beingInstructed', false),
        signal('askedAboutCodes', false),
        signal('mentionedPayment', false),
        fact('history', 'h24.stores', 'equal', 0),
      ],
    },
  ],
];

export const BASELINE_RULE_IDS = rules.map(([outcome]) => outcome.id);

export function jsonRulesEngine(): Engine {
  const engine = new Engine(
    rules.map(([outcome, conditions], priority): RuleProperties => ({
      name: outcome.id,
      conditions,
      event: { type: outcome.id, params: { ...outcome } },
      priority: rules.length - priority,
    })),
    { allowUndefinedFacts: true },
  );
  engine.addOperator('intersects', (value: unknown, list: unknown) => Array.isArray(value) && Array.isArray(list) && value.some((v) => list.includes(v)));
  // Sums of history and basket are what a json-rules-engine user would add as computed facts.
  engine.addFact('withH1', async (_params, almanac) => (await almanac.factValue<Facts['history']>('history')).h1.storedValue + (await almanac.factValue<Facts['giftCards']>('giftCards')).total);
  engine.addFact('withH24', async (_params, almanac) => (await almanac.factValue<Facts['history']>('history')).h24.storedValue + (await almanac.factValue<Facts['giftCards']>('giftCards')).total);
  engine.addFact('withD30', async (_params, almanac) => (await almanac.factValue<Facts['history']>('history')).d30.storedValue + (await almanac.factValue<Facts['giftCards']>('giftCards')).total);
  return engine;
}

/** The same rules by hand: the ids that match, as the engine would list them (enforced and shadow). */
export function handWritten(f: Facts): string[] {
  const g = f.giftCards;
  const s = f.signals;
  const a = f.answers;
  const h = f.history;
  const matched: string[] = [];
  const add = (id: string, when: boolean) => {
    if (when) matched.push(id);
  };
  add('gift-cards-over-250', g.total >= 25000 && g.total < 50000);
  add('gift-cards-over-500', g.total >= 50000 && g.total < 100000);
  add('gift-cards-over-1000', g.total >= 100000 && g.total < 250000);
  add('gift-cards-over-2500', g.total >= 250000);
  const olderValue = g.total >= 10000 && (g.largest >= 5000 || g.total >= 20000);
  add('older-customer-80-plus', f.customer.ageBand === '80_plus' && olderValue);
  add('older-customer-70s', f.customer.ageBand === '70_79' && olderValue);
  add('older-customer-60s', f.customer.ageBand === '60_69' && g.total >= 20000 && g.largest >= 5000);
  add('scam-favoured-brand', g.total >= 10000 && g.brands.some((b) => SCAM_FAVOURED.includes(b)));
  add('paid-with-gift-cards', f.tender === 'gift_card' && g.total >= 10000);
  add('unattended-high-value', (f.lane === 'self_checkout' || f.lane === 'kiosk') && g.total >= 25000);
  add('looks-like-present-shopping', g.lines >= 3 && g.brandCount >= 3 && g.largest <= 2500 && !s.phoneInUse && !s.beingInstructed && !s.askedAboutCodes && !s.mentionedPayment);
  add('bulk-top-ups', g.kinds.includes('top_up') && g.count >= 5 && g.total >= 10000);
  add('caller-on-the-line', s.phoneInUse && g.total >= 5000);
  add('being-instructed', s.beingInstructed && g.total >= 5000);
  add('asked-about-codes', s.askedAboutCodes && g.total > 0);
  add('says-it-pays-a-bill', s.mentionedPayment && g.total > 0);
  add('distressed-customer', s.distressed && g.total >= 5000);
  add('unfamiliar-with-cards', s.unfamiliarWithCards && g.total >= 5000);
  add('back-within-the-hour', h.h1.checks >= 1 && h.h1.storedValue + g.total >= 25000);
  add('repeat-purchases-today', h.h24.checks >= 1 && h.h24.storedValue + g.total >= 50000);
  add('another-store-today', h.h24.stores >= 1 && h.h24.storedValue + g.total >= 50000);
  add('warned-recently', h.d30.prompted >= 1 && g.total >= 5000);
  add('high-spend-this-month', h.d30.checks >= 1 && h.d30.storedValue + g.total >= 200000 && g.total >= 10000);
  add('someone-asked-them-to-buy', a.someoneAskedYouToBuy === 'yes');
  add('codes-requested', a.codesRequested === 'yes');
  add('unsure-who-asked', a.someoneAskedYouToBuy === 'unsure' || a.codesRequested === 'unsure');
  add('paying-a-bill-tax-or-fine', a.purpose === 'bill_or_fine');
  add('fixing-a-computer-or-account', a.purpose === 'computer_or_account');
  add('helping-police-or-bank', a.purpose === 'police_or_bank');
  add('prize-refund-or-fee', a.purpose === 'prize_or_refund');
  add('family-member-in-trouble', a.purpose === 'family_emergency');
  add('boss-asked-for-them', a.purpose === 'work_request');
  add('someone-met-online', a.purpose === 'someone_online');
  add(
    'answers-raise-no-concern',
    a.someoneAskedYouToBuy === 'no' &&
      (a.purpose === 'gift' || a.purpose === 'own_use') &&
      a.codesRequested !== 'yes' &&
      a.codesRequested !== 'unsure' &&
      !s.phoneInUse &&
      !s.beingInstructed &&
      !s.askedAboutCodes &&
      !s.mentionedPayment &&
      h.h24.stores === 0,
  );
  return matched;
}

/** Score and action from matched rules, as the engine combines them (bands 20/50/80, strongest action wins). */
export function combine(outcomes: readonly Outcome[]): { score: number; action: string } {
  const strength = { allow: 0, prompt: 1, hold: 2, refuse: 3 } as const;
  let score = 0;
  let floor = 0;
  for (const outcome of outcomes) {
    if (outcome.shadow) continue;
    score += outcome.score;
    if (outcome.action) floor = Math.max(floor, strength[outcome.action]);
  }
  const band = score >= 80 ? 3 : score >= 50 ? 2 : score >= 20 ? 1 : 0;
  return { score, action: (['allow', 'prompt', 'hold', 'refuse'] as const)[Math.max(band, floor)]! };
}

export const OUTCOMES: ReadonlyMap<string, Outcome> = new Map(rules.map(([outcome]) => [outcome.id, outcome]));
