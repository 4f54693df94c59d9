import type { Store } from '../store/index.js';
import type { AreaAlertSettings, StoreRegistry } from '../stores/index.js';

/** What the case use cases work with. */
export interface CaseContext {
  readonly store: Store;
  readonly clock: () => number;
  /** The store's IANA time zone: the evidence pack gives times on its clock beside UTC. */
  readonly timeZone: string;
  /** The stores, and how far and how long an alert reaches: a case opened by an escalation or a prompt report raises one. */
  readonly registry: StoreRegistry;
  readonly areaAlerts: AreaAlertSettings;
}
