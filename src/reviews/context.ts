import type { ActiveRuleSet } from '../rule-sets/active.js';
import type { Store } from '../store/index.js';
import type { AreaAlertSettings, StoreRegistry } from '../stores/index.js';

/** What the review use cases work with. */
export interface ReviewContext {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly clock: () => number;
  /** How long a held sale waits for a supervisor before it counts as refused. */
  readonly holdDeadlineMs: number;
  /** The stores, and how far and how long a refused hold raises the guard at those nearby. */
  readonly registry: StoreRegistry;
  readonly areaAlerts: AreaAlertSettings;
}
