import { CheckRequest } from '../contract/check.js';
import { ACTION_STRENGTH, type AgeBand, type Tender } from '../contract/enums.js';
import { type CompiledRuleSet, decide, NO_HISTORY } from '../engine/index.js';

export interface ValueBand {
  ageBand: AgeBand;
  tender: Tender;
  /** The smallest basket of £50 cards (minor units) that is prompted, or held; null if none up to the limit. */
  promptFrom: number | null;
  holdFrom: number | null;
}

const CARD = 5000;
const MOST = 100;
const SHOPPERS: ReadonlyArray<[AgeBand, Tender]> = [
  ['40_49', 'debit'],
  ['40_49', 'cash'],
  ['60_69', 'debit'],
  ['70_79', 'debit'],
  ['70_79', 'cash'],
  ['80_plus', 'cash'],
];

/**
 * What the scores and bands mean in money: for a plain basket of unbranded £50 cards, with nothing
 * seen and no history, the value from which a shopper of each age and tender is prompted and held.
 */
export function valueBands(ruleSet: CompiledRuleSet): ValueBand[] {
  return SHOPPERS.map(([ageBand, tender]) => {
    let promptFrom: number | null = null;
    let holdFrom: number | null = null;
    for (let cards = 1; cards <= MOST && holdFrom === null; cards++) {
      const check = CheckRequest.parse({
        storeId: 'value-bands',
        tillId: 'T1',
        transactionId: `cards-${cards}`,
        currency: 'GBP',
        lines: [{ kind: 'gift_card', unitAmount: CARD, quantity: cards }],
        tender,
        customer: { ageBand },
      });
      const strength = ACTION_STRENGTH[decide(ruleSet, { check, history: NO_HISTORY, answers: {}, identified: false }).action];
      if (promptFrom === null && strength >= ACTION_STRENGTH.prompt) promptFrom = cards * CARD;
      if (holdFrom === null && strength >= ACTION_STRENGTH.hold) holdFrom = cards * CARD;
    }
    return { ageBand, tender, promptFrom, holdFrom };
  });
}
