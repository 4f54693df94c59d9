import { CheckRequest } from '../../../src/contract/check.js';
import type { Outcome } from '../../../src/contract/enums.js';
import { basketTotals, businessDay, type CompiledRuleSet, decide, DEFAULT_TIME_ZONE, NO_HISTORY } from '../../../src/engine/index.js';
import { createIdentityHasher } from '../../../src/customer-identifiers.js';
import type { CheckWrite, Store } from '../../../src/store/index.js';
import { seeded } from './random.js';

const DAY_MS = 86_400_000;
const BATCH = 5_000;
const ORDINARY = ['amazon', 'boots', 'costa', 'john_lewis', 'spotify', 'national_book_tokens'];
const FAVOURED = ['apple', 'itunes', 'google_play', 'steam', 'amazon'];
const AGES = ['under_20', '20_29', '30_39', '40_49', '50_59', '60_69', '70_79', '80_plus', 'unknown', 'unknown'] as const;

export interface HistoryShape {
  checks: number;
  stores: number;
  /** Loyalty customers; half the checks carry one of them. */
  customers: number;
  days: number;
  /** The newest check's time; the rest spread back over `days`. */
  endAt: number;
  /** The service's identity secret, so its history windows find these customers. */
  idSecret: string;
}

export const storeName = (n: number) => `store-${String(n).padStart(3, '0')}`;
export const loyaltyId = (n: number) => `6340${String(n).padStart(9, '0')}`;

/**
 * A chain's history written through the store, each check decided by the real engine and rule set:
 * mostly ordinary presents, some larger baskets, a few scams, with outcomes, half of them from
 * loyalty customers (keyed hashes, as the service stores them). Deterministic for a given shape.
 */
export async function writeHistory(store: Store, ruleSet: CompiledRuleSet, shape: HistoryShape, onProgress?: (done: number) => void): Promise<void> {
  const r = seeded(shape.checks);
  const ids = createIdentityHasher(shape.idSecret);
  const span = shape.days * DAY_MS;
  for (let from = 0; from < shape.checks; from += BATCH) {
    await store.transaction(async (tx) => {
      for (let n = from; n < Math.min(from + BATCH, shape.checks); n++) {
        // Spread over the span, never past its end: reports over the span must count every check.
        const occurredAt = Math.min(shape.endAt - 1, shape.endAt - span + Math.floor((n / shape.checks) * span) + r.int(0, 59_999));
        const roll = r.next();
        const scam = roll > 0.985;
        const big = !scam && roll > 0.88;
        const customer = r.chance(0.5) ? r.int(0, shape.customers - 1) : undefined;
        const check = CheckRequest.parse({
          storeId: storeName(r.int(0, shape.stores - 1)),
          tillId: `T${r.int(1, 8)}`,
          transactionId: `history-${n}`,
          currency: 'GBP',
          lane: r.chance(0.2) ? 'self_checkout' : 'staffed',
          tender: r.pick(['cash', 'debit', 'credit']),
          lines: [
            scam
              ? { kind: 'gift_card', brand: r.pick(FAVOURED), unitAmount: r.pick([10000, 20000, 50000]), quantity: r.int(2, 10) }
              : big
                ? { kind: 'gift_card', brand: r.pick(FAVOURED), unitAmount: r.pick([5000, 10000]), quantity: r.int(1, 3) }
                : { kind: 'gift_card', brand: r.pick(ORDINARY), unitAmount: r.pick([1000, 1500, 2000, 2500, 5000]) },
            { kind: 'merchandise', unitAmount: r.int(100, 4000) },
          ],
          customer: { ageBand: scam ? r.pick(['60_69', '70_79', '80_plus']) : r.pick(AGES), ...(customer === undefined ? {} : { loyaltyId: loyaltyId(customer) }) },
          signals: scam ? { phoneInUse: r.chance(0.5), distressed: r.chance(0.3) } : {},
        });
        const decision = decide(ruleSet, { check, history: NO_HISTORY, answers: {}, identified: customer !== undefined });
        const { loyaltyId: _loyaltyId, ...anonymous } = check.customer;
        const write: CheckWrite = {
          id: `chk_${String(n).padStart(26, '0')}`,
          storeId: check.storeId,
          tillId: check.tillId,
          transactionId: check.transactionId,
          businessDay: businessDay(occurredAt, DEFAULT_TIME_ZONE),
          livemode: true,
          occurredAt,
          receivedAt: occurredAt,
          historyAt: occurredAt,
          keyId: 'key_bench',
          requestFingerprint: `history-${n}`,
          identified: customer !== undefined,
          identities: customer === undefined ? [] : [ids.identity('loyalty', loyaltyId(customer))],
          totals: basketTotals(check.lines),
          evaluation: {
            revision: 1,
            trigger: 'check',
            evaluatedAt: occurredAt,
            request: { ...check, customer: anonymous },
            answers: {},
            history: NO_HISTORY,
            action: decision.action,
            score: decision.score,
            reasons: decision.reasons,
            shadowReasons: decision.shadowReasons,
            promptId: decision.promptId,
            prompt: decision.prompt,
            ruleSetVersion: ruleSet.version,
          },
        };
        await tx.checks.save(write);
        const outcome: Outcome | null = r.chance(0.2)
          ? null
          : scam
            ? r.pick(['scam_confirmed', 'scam_confirmed', 'abandoned', 'refused', 'proceeded_after_warning'] as const)
            : decision.action === 'allow'
              ? 'proceeded'
              : r.pick(['proceeded_after_warning', 'proceeded_after_warning', 'abandoned'] as const);
        if (outcome) {
          await tx.checks.recordOutcome(write.id, { outcome, recordedAt: occurredAt + 60_000, staffRef: null, policeReference: null, note: null, keyId: 'key_bench' });
        }
      }
    });
    onProgress?.(Math.min(from + BATCH, shape.checks));
  }
  // Bring the report roll-ups up to date, as the running service would within moments.
  for (;;) {
    const done = await store.transaction((tx) => tx.reports.rollups.step(20_000));
    if (done === 0) break;
  }
}
