import type { Breaker } from './breaker.js';
import type { Clock } from './clock.js';
import type { Outbox } from './outbox/outbox.js';
import type { OfflineRules } from './rules/offline-rules.js';
import type { Settings } from './settings.js';
import type { TillMemory } from './till-memory.js';
import type { Api } from './transport.js';

/** What one till client is made of: what `check()`, `answer()` and `outcome()` work with. */
export interface TillParts {
  readonly storeId: string;
  readonly tillId: string;
  readonly settings: Settings;
  readonly clock: Clock;
  /** The service's endpoints, one attempt per call. */
  readonly api: Api;
  readonly breaker: Breaker;
  /** What waits to be delivered, in order. */
  readonly outbox: Outbox;
  /** The rule set offline decisions use. */
  readonly rules: OfflineRules;
  /** The till's recent transactions and its own history of the customer's purchases. */
  readonly memory: TillMemory;
  /** Settles once what the last run left (the queue, the saved rule set) is loaded; every call awaits it. */
  readonly ready: Promise<void>;
  /** Throws ClosedError once `close()` has been called. */
  assertOpen(): void;
  /** Aborted when the client closes: long waits (watching a hold) stop then. */
  readonly closing: AbortSignal;
}
