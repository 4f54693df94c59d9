import type { CheckInput } from '../../src/contract/check.js';
import type { AgeBand, Lane } from '../../src/contract/enums.js';
import type { Random } from './random.js';
import { base, type Visit } from './shopping.js';

/**
 * The December season: more gift-card shoppers, most buying presents, older customers buying
 * three or four cards of different shops (over-65s take 3.9 cards each, at about £20–£50 a card;
 * research section 5), and offices buying staff vouchers on the company card (£50 tax-free trivial
 * benefits). These are the customers the rules must leave alone in a store's busiest weeks.
 */

const DAY_MS = 86_400_000;

export interface Season {
  /** How many more gift-card shoppers than an ordinary day. */
  busy: number;
  /** Share of shoppers buying Christmas presents rather than everyday cards. */
  christmas: number;
  /** Chance, per store and day, of an office buying staff vouchers. */
  staffVouchers: number;
  /** The store is shut. */
  closed: boolean;
}

const ORDINARY: Season = { busy: 1, christmas: 0, staffVouchers: 0.01, closed: false };

/** The season of a UTC day number: December builds to Christmas Eve; Christmas Day is shut. */
export function seasonOf(day: number): Season {
  const date = new Date(day * DAY_MS);
  if (date.getUTCMonth() === 10 && date.getUTCDate() >= 20) return { ...ORDINARY, busy: 1.3, christmas: 0.25, staffVouchers: 0.05 };
  if (date.getUTCMonth() !== 11) return ORDINARY;
  const dayOfMonth = date.getUTCDate();
  if (dayOfMonth === 25) return { ...ORDINARY, closed: true };
  if (dayOfMonth > 25) return { ...ORDINARY, busy: 1.2 };
  // From 1.6 times an ordinary day on the 1st to 3 times on Christmas Eve.
  return { busy: 1.6 + (1.4 * (dayOfMonth - 1)) / 23, christmas: 0.6, staffVouchers: dayOfMonth <= 20 ? 0.12 : 0.02, closed: false };
}

/** The most recent whole December that ended before `today` (a UTC day number): its first and last days. */
export function lastDecember(today: number): { first: number; last: number } {
  const date = new Date(today * DAY_MS);
  const year = date.getUTCMonth() === 11 && date.getUTCDate() === 31 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
  return { first: Date.UTC(year, 11, 1) / DAY_MS, last: Date.UTC(year, 11, 31) / DAY_MS };
}

const PRESENT_CARDS: ReadonlyArray<readonly [{ kind: 'gift_card' | 'voucher'; brand: string; amounts: number[] }, number]> = [
  [{ kind: 'gift_card', brand: 'amazon', amounts: [1000, 2000, 2500, 5000] }, 14],
  [{ kind: 'gift_card', brand: 'marks_spencer', amounts: [2000, 2500, 5000] }, 10],
  [{ kind: 'gift_card', brand: 'boots', amounts: [1000, 2000, 2500] }, 9],
  [{ kind: 'gift_card', brand: 'john_lewis', amounts: [2500, 5000] }, 7],
  [{ kind: 'gift_card', brand: 'costa', amounts: [500, 1000, 2000] }, 8],
  [{ kind: 'gift_card', brand: 'national_book_tokens', amounts: [1000, 1500, 2500] }, 6],
  [{ kind: 'gift_card', brand: 'love2shop', amounts: [2000, 2500, 5000] }, 6],
  [{ kind: 'gift_card', brand: 'next', amounts: [2500, 5000] }, 5],
  [{ kind: 'gift_card', brand: 'smyths', amounts: [1500, 2500] }, 4],
  [{ kind: 'gift_card', brand: 'roblox', amounts: [1000, 2500] }, 5],
  [{ kind: 'gift_card', brand: 'playstation', amounts: [2000, 2500, 5000] }, 4],
  [{ kind: 'gift_card', brand: 'steam', amounts: [2000, 5000] }, 4],
  [{ kind: 'gift_card', brand: 'itunes', amounts: [1500, 2500] }, 4],
  [{ kind: 'gift_card', brand: 'google_play', amounts: [1000, 2500] }, 3],
  [{ kind: 'gift_card', brand: 'spotify', amounts: [1000, 3000] }, 3],
  [{ kind: 'voucher', brand: 'prezzo', amounts: [2500, 5000] }, 3],
];
// Older customers are the biggest gift-card givers (research 5), so they are more of December's shoppers.
const AGES: ReadonlyArray<readonly [AgeBand, number]> = [
  ['unknown', 22], ['under_20', 3], ['20_29', 8], ['30_39', 11], ['40_49', 12], ['50_59', 12], ['60_69', 12], ['70_79', 12], ['80_plus', 8],
];
const LANES: ReadonlyArray<readonly [Lane, number]> = [['staffed', 70], ['self_checkout', 25], ['customer_service', 5]];
const OLDER = new Set<AgeBand>(['60_69', '70_79', '80_plus']);

/** A Christmas shopper: several presents from different shops, more of them for older customers. */
export function christmasVisit(random: Random, storeId: string, at: number, loyaltyPool: number): Visit {
  const ageBand = random.weighted(AGES);
  const lane = random.weighted(LANES);
  const cards = OLDER.has(ageBand) ? random.weighted([[1, 15], [2, 20], [3, 30], [4, 25], [5, 10]] as const) : random.weighted([[1, 40], [2, 30], [3, 20], [4, 10]] as const);
  const lines: CheckInput['lines'] = [];
  const brands = new Set<string>();
  for (let n = 0; n < cards; n++) {
    const card = random.weighted(PRESENT_CARDS);
    if (brands.has(card.brand)) continue; // one card of each shop, as presents for different people usually are
    brands.add(card.brand);
    lines.push({ kind: card.kind, brand: card.brand, unitAmount: random.pick(card.amounts), quantity: random.weighted([[1, 85], [2, 15]] as const) });
  }
  if (random.chance(0.7)) lines.push({ kind: 'merchandise', unitAmount: random.int(300, 14000), quantity: 1 });
  const loyaltyId = random.chance(0.45) ? `6340041${String(random.int(0, loyaltyPool)).padStart(8, '0')}` : undefined;
  return {
    at,
    story: 'Christmas presents',
    check: {
      ...base(random, storeId, at, lane),
      lines,
      tender: random.weighted([['debit', 50], ['cash', 30], ['credit', 17], ['mixed', 3]] as const),
      customer: { ageBand, ageSource: ageBand === 'unknown' ? 'unknown' : 'staff_estimate', ...(loyaltyId ? { loyaltyId } : {}) },
    },
    answers: { purpose: 'gift', codesRequested: 'no', someoneAskedYouToBuy: 'no' },
    outcome: (_action, warned) => (random.chance(0.06) ? undefined : warned ? 'proceeded_after_warning' : 'proceeded'),
  };
}

/** An office manager buying £50 staff vouchers on the company card, asked in person by a director. */
export function staffVouchersVisit(random: Random, storeId: string, at: number): Visit {
  const brand = random.pick(['love2shop', 'marks_spencer', 'amazon', 'john_lewis']);
  const ageBand = random.pick(['30_39', '40_49', '50_59', 'unknown'] as const);
  return {
    at,
    story: 'Staff Christmas vouchers',
    check: {
      ...base(random, storeId, at, random.chance(0.5) ? 'customer_service' : 'staffed'),
      lines: [{ kind: 'gift_card', brand, unitAmount: random.pick([2500, 5000]), quantity: random.int(6, 30) }],
      tender: 'credit',
      customer: { ageBand, ageSource: ageBand === 'unknown' ? 'unknown' : 'staff_estimate' },
    },
    answers: { purpose: 'work_request', codesRequested: 'no', someoneAskedYouToBuy: 'yes', askedHow: 'in_person', companyCard: 'yes' },
    outcome: (_action, warned) => (warned ? 'proceeded_after_warning' : 'proceeded'),
  };
}
