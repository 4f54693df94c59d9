import type { Principal, KeyResolver } from '../api-keys.js';
import type { IdentityHasher } from '../customer-identifiers.js';
import type { Logger } from '../log.js';
import type { ActiveRuleSet } from '../rule-sets/active.js';
import type { ApprovalMode } from '../rule-sets/lifecycle.js';
import type { Store } from '../store/index.js';
import type { Metrics } from './metrics.js';

/** Everything a handler needs, built once per app and reached through `c.get('services')`. */
export interface Services {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly ids: IdentityHasher;
  readonly keys: KeyResolver;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: () => number;
  readonly ruleApproval: ApprovalMode;
  /** Requests being answered right now: background bookkeeping gives way to them. */
  readonly activity: { inFlight: number };
}

export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    principal: Principal;
  };
}
