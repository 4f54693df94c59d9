import { CheckRequest, type CheckInput } from '../../../src/contract/check.js';
import type { HistoryFacts } from '../../../src/contract/fact-schema.js';
import { type FactInputs, NO_HISTORY } from '../../../src/engine/index.js';
import { seeded } from './random.js';

const ORDINARY_BRANDS = ['amazon', 'boots', 'costa', 'john_lewis', 'spotify', 'national_book_tokens', 'nintendo', 'netflix'];
const FAVOURED_BRANDS = ['apple', 'itunes', 'google_play', 'steam', 'amazon', 'razer_gold'];
const AGES = ['under_20', '20_29', '30_39', '40_49', '50_59', '60_69', '70_79', '80_plus', 'unknown'] as const;

/**
 * A till's day in miniature: mostly ordinary gift-card shopping, some larger baskets from regulars
 * with history, a few that look like scams, some answered prompts. The same seed gives the same mix.
 */
export function basketMix(count: number, seed = 2017): FactInputs[] {
  const r = seeded(seed);
  const baskets: FactInputs[] = [];
  for (let i = 0; i < count; i++) {
    const roll = r.next();
    const lines: CheckInput['lines'] = [];
    let customer: CheckInput['customer'] = { ageBand: r.pick(AGES) };
    let signals: CheckInput['signals'] = {};
    let history: HistoryFacts = NO_HISTORY;
    let answers: Record<string, string> = {};
    if (roll < 0.7) {
      for (let n = r.int(1, 3); n > 0; n--) lines.push({ kind: 'gift_card', brand: r.pick(ORDINARY_BRANDS), unitAmount: r.pick([1000, 1500, 2000, 2500, 5000]) });
    } else if (roll < 0.85) {
      lines.push({ kind: 'gift_card', brand: r.pick(FAVOURED_BRANDS), unitAmount: r.pick([5000, 10000]), quantity: r.int(1, 3) });
      customer = { ...customer, loyaltyId: `6340${r.int(100000, 999999)}` };
      const value = r.int(0, 3) * 5000;
      history = { h1: { storedValue: 0, checks: 0, stores: 0, prompted: 0 }, h24: { storedValue: value, checks: value ? 1 : 0, stores: 0, prompted: 0 }, d30: { storedValue: value * 3, checks: value ? 3 : 0, stores: r.int(0, 1), prompted: 0 }, sameFamily: NO_HISTORY.sameFamily };
    } else if (roll < 0.95) {
      lines.push({ kind: 'gift_card', brand: r.pick(FAVOURED_BRANDS), unitAmount: r.pick([10000, 20000, 50000]), quantity: r.int(2, 10) });
      customer = { ageBand: r.pick(['60_69', '70_79', '80_plus'] as const) };
      signals = { phoneInUse: r.chance(0.6), beingInstructed: r.chance(0.3), distressed: r.chance(0.3) };
    } else {
      lines.push({ kind: 'gift_card', brand: r.pick(FAVOURED_BRANDS), unitAmount: 10000, quantity: r.int(1, 5) });
      customer = { ageBand: r.pick(['70_79', '80_plus'] as const) };
      const kind = r.next();
      answers =
        kind < 0.4
          ? { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' }
          : kind < 0.7
            ? { purpose: r.pick(['bill_or_fine', 'family_emergency', 'computer_or_account', 'someone_online']) }
            : kind < 0.85
              ? { purpose: 'work_request', codesRequested: 'no', askedHow: r.pick(['in_person', 'phone', 'message']), companyCard: r.pick(['yes', 'no']) }
              : { someoneAskedYouToBuy: r.pick(['yes', 'unsure']), askedHow: r.pick(['in_person', 'phone', 'message']), purpose: r.pick(['gift', 'other']) };
    }
    if (r.chance(0.5)) lines.push({ kind: 'merchandise', unitAmount: r.int(100, 5000), quantity: r.int(1, 4) });
    const check = CheckRequest.parse({
      storeId: `store-${r.int(1, 40)}`,
      tillId: `T${r.int(1, 12)}`,
      transactionId: `bench-${i}`,
      currency: 'GBP',
      lane: r.chance(0.15) ? 'self_checkout' : 'staffed',
      tender: r.pick(['cash', 'debit', 'credit', 'debit']),
      lines,
      customer,
      signals,
    });
    baskets.push({ check, history, answers, identified: check.customer.loyaltyId !== undefined });
  }
  return baskets;
}
