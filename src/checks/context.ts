import type { IdentityHasher } from '../customer-identifiers.js';
import type { ExchangeMember } from '../exchange/member.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ActiveRuleSet } from '../rule-sets/active.js';
import type { Store } from '../store/index.js';

/** What the check use cases work with: the store, the active rules, the identifier hasher, a clock and time zone, where to report, and how long a hold waits. */
export interface CheckContext {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly ids: IdentityHasher;
  readonly clock: () => number;
  /** The store's IANA time zone: a transaction id names one check per store and business day in it. */
  readonly timeZone: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** How long a held sale waits for a supervisor before it counts as refused. */
  readonly holdDeadlineMs: number;
  /** The retailers' exchange this service is a member of, if configured (docs/exchange.md). */
  readonly exchange?: ExchangeMember | undefined;
}
