import type { CheckRequest } from '../contract/check.js';
import type { AgeBand } from '../contract/enums.js';
import type { AreaFacts } from '../contract/area.js';
import { type Facts, type HistoryFacts, NETWORK_WINDOW_MINUTES, type NetworkFacts } from '../contract/fact-schema.js';
import { NO_AREA } from './area.js';
import { basketBrandFamily } from './brand-families.js';
import { minorUnitsPerMajor } from './money.js';

/** The lower bound of each age band in years: the `customer.ageAtLeast` fact. */
export const AGE_AT_LEAST: Readonly<Record<AgeBand, number>> = {
  under_20: 0,
  '20_29': 20,
  '30_39': 30,
  '40_49': 40,
  '50_59': 50,
  '60_69': 60,
  '70_79': 70,
  '80_plus': 80,
  unknown: 0,
};

const ROUND_MAJOR_UNITS = 50;

export const NO_HISTORY: HistoryFacts = Object.freeze({
  h1: { storedValue: 0, checks: 0, stores: 0, prompted: 0 },
  h24: { storedValue: 0, checks: 0, stores: 0, prompted: 0 },
  d30: { storedValue: 0, checks: 0, stores: 0, prompted: 0 },
  sameFamily: { d7: { checks: 0, days: 0, storedValue: 0 }, d30: { checks: 0, days: 0, storedValue: 0 } },
});

/** History as an evaluation recorded it: one recorded before `sameFamily` existed reads with none. */
export function recordedHistory(recorded: Omit<HistoryFacts, 'sameFamily'> & Partial<HistoryFacts>): HistoryFacts {
  return recorded.sameFamily ? (recorded as HistoryFacts) : { ...recorded, sameFamily: NO_HISTORY.sameFamily };
}

/** The exchange not asked, or not in time: nothing known about the card at other retailers. */
export const NO_NETWORK: NetworkFacts = Object.freeze({ answered: false, otherRetailersToday: 0, valueBand: 'none', minutesSince: NETWORK_WINDOW_MINUTES });

export interface BasketTotals {
  basket: number;
  storedValue: number;
  storedValueUnits: number;
}

export function basketTotals(lines: CheckRequest['lines']): BasketTotals {
  let basket = 0;
  let storedValue = 0;
  let storedValueUnits = 0;
  for (const line of lines) {
    const value = line.unitAmount * line.quantity;
    basket += value;
    if (line.kind !== 'merchandise') {
      storedValue += value;
      storedValueUnits += line.quantity;
    }
  }
  return { basket, storedValue, storedValueUnits };
}

export interface FactInputs {
  check: CheckRequest;
  history: HistoryFacts;
  /** The colleague's answers so far, by question id. */
  answers: Readonly<Record<string, string>>;
  /** Whether a loyalty id or payment token linked the check to a customer (the service knows; offline, the SDK does). */
  identified: boolean;
  /** The basket's totals, when the caller has them already (the service stores them); computed here otherwise. */
  totals?: BasketTotals;
  /** Scams stopped at stores nearby (none offline, or where the caller has no area alerts). */
  area?: AreaFacts;
  /** What the exchange between retailers said about the payment card, gathered by the service before deciding; nothing offline. */
  network?: NetworkFacts;
}

/** Everything a rule may ask about one basket, as plain values. */
export function deriveFacts(
  { check, history, answers, identified, totals = basketTotals(check.lines), area = NO_AREA, network = NO_NETWORK }: FactInputs,
  questionIds: readonly string[],
  lists: Readonly<Record<string, readonly string[]>>,
): Facts {
  const roundUnit = ROUND_MAJOR_UNITS * minorUnitsPerMajor(check.currency);
  const brands = new Set<string>();
  const perBrand = new Map<string, number>();
  const kinds = new Set<Facts['giftCards']['kinds'][number]>();
  let lines = 0;
  let largest = 0;
  let sameBrandCount = 0;
  let topUps = 0;
  let roundAmounts = true;
  for (const line of check.lines) {
    if (line.kind === 'merchandise') continue;
    lines += 1;
    brands.add(line.brand ?? 'unknown');
    kinds.add(line.kind);
    if (line.kind === 'top_up') topUps += line.unitAmount * line.quantity;
    if (line.brand !== undefined) {
      const cards = (perBrand.get(line.brand) ?? 0) + line.quantity;
      perBrand.set(line.brand, cards);
      if (cards > sameBrandCount) sameBrandCount = cards;
    }
    if (line.unitAmount > largest) largest = line.unitAmount;
    if (line.unitAmount === 0 || line.unitAmount % roundUnit !== 0) roundAmounts = false;
  }

  const answerFacts: Record<string, string> = {};
  for (const id of questionIds) answerFacts[id] = answers[id] ?? '';

  return {
    basket: {
      total: totals.basket,
      lineCount: check.lines.length,
      storedValueShare: totals.basket === 0 ? 0 : totals.storedValue / totals.basket,
      currency: check.currency,
    },
    giftCards: {
      total: totals.storedValue,
      withoutTopUps: totals.storedValue - topUps,
      count: totals.storedValueUnits,
      lines,
      brands: [...brands],
      brandCount: brands.size,
      sameBrandCount,
      largest,
      roundAmounts: lines > 0 && roundAmounts,
      kinds: [...kinds],
      family: basketBrandFamily(check.lines),
    },
    tender: check.tender,
    lane: check.lane,
    customer: {
      ageBand: check.customer.ageBand,
      ageSource: check.customer.ageSource,
      ageAtLeast: AGE_AT_LEAST[check.customer.ageBand],
      identified,
    },
    signals: check.signals,
    history,
    // Top-ups are left out of this basket's part: a phone top-up is not a code anyone is coached to read out.
    customerTotal: {
      h1: totals.storedValue - topUps + history.h1.storedValue,
      h24: totals.storedValue - topUps + history.h24.storedValue,
      d30: totals.storedValue - topUps + history.d30.storedValue,
    },
    area,
    network,
    answers: answerFacts,
    lists,
  };
}
