import type { IdentityHasher } from '../customer-identifiers.js';
import type { ExchangeMember } from '../exchange/member.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ActiveRuleSet } from '../rule-sets/active.js';
import type { Store } from '../store/index.js';
import type { CardVault } from './card-vault.js';
import type { AreaAlertSettings, StoreRegistry } from '../stores/index.js';

/** What the check use cases work with: the store, the active rules, the identifier hasher, a clock and time zone, where to report, and how long a hold waits. */
export interface CheckContext {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly ids: IdentityHasher;
  readonly clock: () => number;
  /** The IANA time zone of a store the registry lacks: a transaction id names one check per store and business day in it. */
  readonly timeZone: string;
  /** The stores: each one's time zone, language and location. */
  readonly registry: StoreRegistry;
  /** How far and how long a scam stopped here raises the guard at stores nearby. */
  readonly areaAlerts: AreaAlertSettings;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** How long a held sale waits for a supervisor before it counts as refused. */
  readonly holdDeadlineMs: number;
  /** Whether the cards sold are kept, and the key that seals their serials. */
  readonly cards: CardVault;
  /** The retailers' exchange this service is a member of, if configured (docs/exchange.md). */
  readonly exchange?: ExchangeMember | undefined;
}
