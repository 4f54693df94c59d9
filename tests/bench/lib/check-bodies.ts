import type { CheckInput } from '../../../src/contract/check.js';
import { loyaltyId, storeName } from './history.js';
import { seeded } from './random.js';

const BRANDS = ['amazon', 'apple', 'google_play', 'steam', 'boots', 'costa', 'john_lewis', 'itunes'];
const AGES = ['under_20', '20_29', '30_39', '40_49', '50_59', '60_69', '70_79', '80_plus', 'unknown'] as const;

/**
 * Bodies for POST /v1/checks: each a new transaction, most ordinary, some large, half from loyalty
 * customers drawn from `customers` (so the history windows find earlier checks), spread over `stores`.
 */
export function checkBodies({ stores, customers, seed = 7 }: { stores: number; customers: number; seed?: number }) {
  const r = seeded(seed);
  let sequence = 0;
  const run = r.int(0, 1e9).toString(36);
  return (): string => {
    sequence += 1;
    const big = r.chance(0.15);
    const body: CheckInput = {
      storeId: storeName(r.int(0, stores - 1)),
      tillId: `T${r.int(1, 12)}`,
      transactionId: `load-${run}-${sequence}`,
      currency: 'GBP',
      tender: r.pick(['cash', 'debit', 'credit'] as const),
      lines: [
        { kind: 'gift_card', brand: r.pick(BRANDS), unitAmount: big ? r.pick([10000, 20000]) : r.pick([1000, 2000, 2500, 5000]), quantity: big ? r.int(2, 5) : 1 },
        { kind: 'merchandise', unitAmount: r.int(100, 4000), quantity: r.int(1, 3) },
      ],
      customer: {
        ageBand: r.pick(AGES),
        ...(r.chance(0.5) ? { loyaltyId: loyaltyId(r.int(0, customers - 1)) } : {}),
      },
      signals: { phoneInUse: r.chance(0.05) },
    };
    return JSON.stringify(body);
  };
}
