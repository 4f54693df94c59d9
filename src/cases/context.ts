import type { Store } from '../store/index.js';

/** What the case use cases work with. */
export interface CaseContext {
  readonly store: Store;
  readonly clock: () => number;
  /** The store's IANA time zone: the evidence pack gives times on its clock beside UTC. */
  readonly timeZone: string;
}
