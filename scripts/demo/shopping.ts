import type { CheckInput } from '../../src/contract/check.js';
import type { AgeBand, Lane, Outcome } from '../../src/contract/enums.js';
import type { Random } from './random.js';

/** One visit to a till: the basket, then what the colleague learnt and what happened. */
export interface Visit {
  at: number;
  check: CheckInput;
  /** Answers the customer gives if the till prompts. */
  answers?: Record<string, string>;
  /** What happened, by the final decision and whether the colleague was prompted at all; undefined: nothing recorded. */
  outcome: (action: string, warned: boolean) => Outcome | undefined;
  /** If the sale is held, what the supervisor decides when they come; default a release, the customer known to the store. */
  supervisor?: Supervisor;
  policeReference?: string;
  story?: string;
}

export interface Supervisor {
  decision: 'release' | 'refuse';
  reason?: string;
}

const SUPERVISORS = ['S0012', 'S0042', 'S0107', 'S0230'];
export const supervisorRef = (random: Random) => random.pick(SUPERVISORS);

export const STORES = [
  'herts-stevenage-012',
  'herts-hitchin-004',
  'herts-buntingford-003',
  'herts-markyate-001',
  'herts-letchworth-007',
  'herts-hertford-009',
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ORDINARY_CARDS: ReadonlyArray<readonly [{ kind: 'gift_card' | 'voucher' | 'top_up'; brand: string; amounts: number[] }, number]> = [
  [{ kind: 'gift_card', brand: 'amazon', amounts: [1000, 1500, 2000, 2500, 5000] }, 20],
  [{ kind: 'gift_card', brand: 'itunes', amounts: [1500, 2500, 5000] }, 8],
  [{ kind: 'gift_card', brand: 'google_play', amounts: [1000, 2500] }, 6],
  [{ kind: 'gift_card', brand: 'costa', amounts: [500, 1000, 2000] }, 10],
  [{ kind: 'gift_card', brand: 'boots', amounts: [1000, 2000, 3000] }, 8],
  [{ kind: 'gift_card', brand: 'national_book_tokens', amounts: [1000, 1500, 2500] }, 6],
  [{ kind: 'gift_card', brand: 'love2shop', amounts: [2000, 5000, 10000] }, 6],
  [{ kind: 'gift_card', brand: 'steam', amounts: [2000, 5000] }, 5],
  [{ kind: 'voucher', brand: 'prezzo', amounts: [2500, 5000] }, 4],
  [{ kind: 'top_up', brand: 'vodafone', amounts: [1000, 2000] }, 12],
];
const AGES: ReadonlyArray<readonly [AgeBand, number]> = [
  ['unknown', 30], ['under_20', 4], ['20_29', 10], ['30_39', 12], ['40_49', 12], ['50_59', 11], ['60_69', 9], ['70_79', 8], ['80_plus', 4],
];
const LANES: ReadonlyArray<readonly [Lane, number]> = [['staffed', 60], ['self_checkout', 35], ['customer_service', 5]];

let sequence = 0;
export function base(random: Random, storeId: string, at: number, lane: Lane): Pick<CheckInput, 'storeId' | 'tillId' | 'lane' | 'transactionId' | 'occurredAt' | 'currency'> {
  const tillId = lane === 'self_checkout' ? `SCO${random.int(1, 8)}` : lane === 'customer_service' ? 'CS1' : `T0${random.int(1, 6)}`;
  sequence += 1;
  const day = new Date(at).toISOString().slice(0, 10).replaceAll('-', '');
  return { storeId, tillId, lane, transactionId: `${tillId}-${day}-${String(sequence).padStart(5, '0')}`, occurredAt: new Date(at).toISOString(), currency: 'GBP' };
}

/** Everyday gift-card shopping: mostly small presents, now and then an older customer buying more. */
export function ordinaryVisit(random: Random, storeId: string, at: number, loyaltyPool: number): Visit {
  const lane = random.weighted(LANES);
  const lines: CheckInput['lines'] = [];
  for (let n = random.weighted([[1, 70], [2, 22], [3, 8]] as const); n > 0; n--) {
    const card = random.weighted(ORDINARY_CARDS);
    lines.push({ kind: card.kind, brand: card.brand, unitAmount: random.pick(card.amounts), quantity: random.weighted([[1, 85], [2, 12], [4, 3]] as const) });
  }
  if (random.chance(0.6)) lines.push({ kind: 'merchandise', unitAmount: random.int(150, 9000), quantity: 1 });
  const ageBand = random.weighted(AGES);
  const loyaltyId = random.chance(0.45) ? `6340040${String(random.int(0, loyaltyPool)).padStart(8, '0')}` : undefined;
  return {
    at,
    check: {
      ...base(random, storeId, at, lane),
      lines,
      tender: random.weighted([['debit', 55], ['cash', 25], ['credit', 15], ['mixed', 5]] as const),
      customer: { ageBand, ageSource: ageBand === 'unknown' ? 'unknown' : 'staff_estimate', ...(loyaltyId ? { loyaltyId } : {}) },
    },
    answers: { someoneAskedYouToBuy: 'no', purpose: random.weighted([['gift', 80], ['own_use', 20]] as const), codesRequested: 'no' },
    outcome: (_action, warned) => (random.chance(0.08) ? undefined : warned ? 'proceeded_after_warning' : random.chance(0.98) ? 'proceeded' : 'abandoned'),
  };
}

const itunes = (unitAmount: number, quantity: number) => [{ kind: 'gift_card' as const, description: `iTunes £${unitAmount / 100}`, brand: 'iTunes', unitAmount, quantity }];
const policeReference = (random: Random, at: number) => `NFRC${new Date(at).toISOString().slice(2, 10).replaceAll('-', '')}${random.int(100000, 999999)}`;

/**
 * The scams, after Hertfordshire Police's October 2017 stories and the usual impostors. Each returns the
 * visits of one victim; most are stopped, some are not (a colleague cannot stop every one).
 */
export const SCAMS: ReadonlyArray<(random: Random, at: number) => Visit[]> = [
  // Markyate: an 87-year-old told he owed HMRC £500, buying iTunes vouchers to read the codes out.
  (random, at) => {
    const storeId = random.pick(STORES);
    return [
      {
        at,
        story: 'Markyate: "HMRC" tax bill in iTunes vouchers',
        check: { ...base(random, storeId, at, 'staffed'), lines: itunes(10000, 5), tender: 'cash', customer: { ageBand: '80_plus', ageSource: 'staff_estimate' }, signals: { phoneInUse: random.chance(0.5) } },
        answers: { someoneAskedYouToBuy: 'no', purpose: 'bill_or_fine' },
        outcome: () => 'scam_confirmed',
        supervisor: { decision: 'refuse' },
        policeReference: policeReference(random, at),
      },
    ];
  },
  // Stevenage: a 65-year-old sent by "HMRC" from shop to shop for iTunes vouchers.
  (random, at) => {
    const loyaltyId = `63400499${random.int(10000000, 99999999)}`;
    const stores = [...STORES].sort(() => random.next() - 0.5).slice(0, 3);
    const customer = { ageBand: '60_69' as const, ageSource: 'staff_estimate' as const, loyaltyId };
    return stores.map((storeId, index): Visit => {
      const when = at + index * (70 + random.int(0, 40)) * MINUTE;
      return {
        at: when,
        story: `Stevenage: sent from shop to shop by "HMRC" (shop ${index + 1})`,
        check: { ...base(random, storeId, when, 'staffed'), lines: itunes(10000, index === 2 ? 5 : 10), tender: 'debit' as const, customer },
        // At the first shop she says they are presents and the sale goes through; the next shops see the history.
        answers: index === 0 ? { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' } : ({ someoneAskedYouToBuy: 'unsure' }),
        outcome: (action) => (index === 0 ? 'proceeded_after_warning' : action === 'refuse' ? (index === 1 ? 'refused' : 'scam_confirmed') : 'abandoned'),
        // The first shop's supervisor is reassured and lets it go: the costly release the holds report counts.
        supervisor: index === 0 ? { decision: 'release', reason: 'Says they are presents for the grandchildren' } : { decision: 'refuse' },
        ...(index === 2 ? { policeReference: policeReference(random, when) } : {}),
      };
    });
  },
  // Buntingford: a 53-year-old told by fake "BT support" to buy £5,000 of vouchers.
  (random, at) => [
    {
      at,
      story: 'Buntingford: fake "BT support", £5,000 of vouchers',
      check: { ...base(random, random.pick(STORES), at, 'customer_service'), lines: itunes(50000, 10), tender: 'debit', customer: { ageBand: '50_59', ageSource: 'staff_estimate' }, signals: { phoneInUse: true, distressed: random.chance(0.5) } },
      answers: { purpose: 'computer_or_account' },
      outcome: () => (random.chance(0.5) ? 'abandoned' : 'scam_confirmed'),
      supervisor: { decision: 'refuse' },
    },
  ],
  // A grandchild "in trouble abroad".
  (random, at) => [
    {
      at,
      story: 'Grandchild in trouble',
      check: { ...base(random, random.pick(STORES), at, 'staffed'), lines: [{ kind: 'gift_card', brand: 'amazon', unitAmount: 10000, quantity: 3 }], tender: 'cash', customer: { ageBand: '70_79', ageSource: 'staff_estimate' }, signals: { distressed: true } },
      answers: { purpose: 'family_emergency' },
      outcome: () => 'abandoned',
      supervisor: { decision: 'refuse' },
    },
  ],
  // "Your boss" by text, asking for Apple cards for clients: not every one is stopped.
  (random, at) => [
    {
      at,
      story: 'Boss-impersonation text',
      check: { ...base(random, random.pick(STORES), at, 'self_checkout'), lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 20000, quantity: 4 }], tender: 'credit', customer: { ageBand: '30_39', ageSource: 'staff_estimate' }, signals: { beingInstructed: true } },
      answers: { someoneAskedYouToBuy: 'yes', purpose: 'work_request', codesRequested: random.chance(0.5) ? 'yes' : 'no', askedHow: 'message', companyCard: 'no' },
      outcome: () => (random.chance(0.5) ? 'proceeded_after_warning' : 'abandoned'),
      // The supervisor is taken in too: "the manager confirmed it by text" is the scam's own story.
      supervisor: { decision: 'release', reason: 'Manager confirmed by text' },
    },
  ],
];

export const OPENING_HOUR = 8;
export const CLOSING_HOUR = 21;
export { HOUR, MINUTE };
