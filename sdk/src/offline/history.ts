import type { Customer } from '../../../src/contract/check.js';
import type { FamilyWindowFacts, HistoryFacts, HistoryWindowFacts } from '../../../src/contract/fact-schema.js';
import { NO_HISTORY } from '../../../src/engine/index.js';

const HOUR = 3_600_000;
const WINDOWS = { h1: HOUR, h24: 24 * HOUR, d30: 30 * 24 * HOUR } as const;
const FAMILY_WINDOWS = { d7: 7 * 24 * HOUR, d30: WINDOWS.d30 } as const;

interface Purchase {
  identities: readonly string[];
  occurredAt: number;
  storedValue: number;
  warned: boolean;
  /** The brand family of its gift cards (`basketBrandFamily`), '' with none. */
  family: string;
}

/** The identifiers that link one customer's checks. Held in memory only, never written anywhere by this module. */
export function identitiesOf(customer: Pick<Customer, 'loyaltyId' | 'paymentToken'>): string[] {
  return [
    ...(customer.loyaltyId ? [`loyalty:${customer.loyaltyId.trim()}`] : []),
    ...(customer.paymentToken ? [`payment:${customer.paymentToken.trim()}`] : []),
  ];
}

/**
 * The history this till can see for itself while the service is out of reach: checks it recorded for
 * the same customer, counted back from a check's `occurredAt` as the service counts them. The service
 * also sees other tills and stores; this never does, so `stores` is always 0 here.
 */
export class LocalHistory {
  private readonly purchases = new Map<string, Purchase>();

  /** Records (or updates, when the basket changed) the transaction's purchase. */
  record(transactionId: string, purchase: Purchase): void {
    if (purchase.identities.length === 0) {
      this.purchases.delete(transactionId);
      return;
    }
    const earlier = this.purchases.get(transactionId);
    this.purchases.set(transactionId, { ...purchase, warned: purchase.warned || (earlier?.warned ?? false) });
    this.prune(purchase.occurredAt);
  }

  /** The service warned about a purchase the till had let through. */
  warn(transactionId: string): void {
    const purchase = this.purchases.get(transactionId);
    if (purchase) purchase.warned = true;
  }

  windows(identities: readonly string[], at: number, transactionId: string, family: string): HistoryFacts {
    if (identities.length === 0) return NO_HISTORY;
    const earlier = (span: number) =>
      [...this.purchases].filter(
        ([id, purchase]) =>
          id !== transactionId &&
          purchase.storedValue > 0 &&
          purchase.occurredAt >= at - span &&
          purchase.occurredAt < at &&
          purchase.identities.some((identity) => identities.includes(identity)),
      );
    const window = (span: number): HistoryWindowFacts => {
      const facts = { storedValue: 0, checks: 0, stores: 0, prompted: 0 };
      for (const [, purchase] of earlier(span)) {
        facts.storedValue += purchase.storedValue;
        facts.checks += 1;
        if (purchase.warned) facts.prompted += 1;
      }
      return facts;
    };
    // Days are the till's own calendar days, as near as it can come to its store's business days.
    const sameFamily = (span: number): FamilyWindowFacts => {
      const same = family === '' ? [] : earlier(span).filter(([, purchase]) => purchase.family === family);
      return {
        checks: same.length,
        days: new Set(same.map(([, purchase]) => new Date(purchase.occurredAt).toDateString())).size,
        storedValue: same.reduce((sum, [, purchase]) => sum + purchase.storedValue, 0),
      };
    };
    const history = {
      h1: window(WINDOWS.h1),
      h24: window(WINDOWS.h24),
      d30: window(WINDOWS.d30),
      sameFamily: { d7: sameFamily(FAMILY_WINDOWS.d7), d30: sameFamily(FAMILY_WINDOWS.d30) },
    };
    return history.d30.checks === 0 ? NO_HISTORY : history;
  }

  private prune(now: number): void {
    for (const [id, purchase] of this.purchases) if (purchase.occurredAt < now - WINDOWS.d30) this.purchases.delete(id);
  }
}
