import { createChecks, type Checks } from './checks/index.js';
import { idempotencyKeys, type IdempotencyKeys } from './access/idempotency-keys.js';
import { hashApiKey, issueApiKey, type KeyResolver, keyResolver } from './access/api-keys.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createIdentityHasher, type IdentityHasher, loadIdSecret, secretPathFor } from './customer-identifiers.js';
import type { Logger } from './log.js';
import { type ActiveRuleSet, loadActiveRuleSet } from './rule-sets/active.js';
import type { ApprovalMode } from './rule-sets/lifecycle.js';
import { openStore, type Store } from './store/index.js';
import { DEFAULT_TIME_ZONE } from './engine/index.js';
import { sharedWorkerPool, type WorkerPool } from './workers/pool.js';

/** Everything a use case needs, built once per process: the HTTP layer and the CLI both start from it. */
export interface Services {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly ids: IdentityHasher;
  readonly keys: KeyResolver;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: () => number;
  readonly timeZone: string;
  readonly ruleApproval: ApprovalMode;
  /** Requests being answered right now: background bookkeeping gives way to them. */
  readonly activity: { inFlight: number };
  readonly checks: Checks;
  /** Responses kept under clients' Idempotency-Keys, for replay. */
  readonly idempotencyKeys: IdempotencyKeys;
  /** Worker threads for exports and rule-set compilation, off the loop that answers tills. */
  readonly workers: WorkerPool;
  /** Closes the database. The worker pool is the process's: its idle threads end by themselves. */
  close(): void;
}

export interface ServiceOptions {
  databasePath: string;
  rulesDirectory: string;
  logger: Logger;
  adminKey?: string | undefined;
  idSecret?: string | undefined;
  clock?: () => number;
  /** The store's IANA time zone, for business days (default Europe/London). */
  timeZone?: string;
  processMetrics?: boolean;
  ruleApproval?: ApprovalMode;
  /** The running service: checkpoint the WAL from a worker thread, and bring report roll-ups up to date every 100 ms, rather than during a till's write. */
  background?: boolean;
  /** The most the database may hold, in bytes (see VOUCHSAFE_DB_MAX_MB). */
  databaseMaxBytes?: number | undefined;
  /** Worker threads for heavy work (default 2). */
  workers?: number;
}

/** Makes the first admin key from VOUCHSAFE_ADMIN_KEY, if no admin key exists yet. */
export function bootstrapAdminKey(store: Store, adminKey: string, logger: Logger, now: number): void {
  if (store.keys.activeAdminCount() > 0 || store.keys.findBySecretHash(hashApiKey(adminKey))) return;
  const { row } = issueApiKey(store, { role: 'admin', name: 'Bootstrap admin (VOUCHSAFE_ADMIN_KEY)' }, 'bootstrap', now, adminKey);
  logger.info('first admin key made from VOUCHSAFE_ADMIN_KEY', { keyId: row.id });
}

/** Opens the database, loads the rules and builds what every request needs. */
export function buildServices(options: ServiceOptions): Services {
  const clock = options.clock ?? Date.now;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? false });
  const activity = { inFlight: 0 };
  const store = openStore(options.databasePath, {
    timeZone,
    evidence: [secretPathFor(options.databasePath)],
    ...(options.databaseMaxBytes !== undefined ? { maxBytes: options.databaseMaxBytes } : {}),
    groupCommit: { onCommit: (transactions) => metrics.commitSize.observe(transactions) },
    ...(options.background
      ? {
          background: {
            onError: (error: unknown) => options.logger.error('background database work failed', { error: error instanceof Error ? error.message : String(error) }),
            busy: () => activity.inFlight > 0,
          },
        }
      : {}),
  });
  try {
    const secret = loadIdSecret(store, options.databasePath, options.idSecret);
    if (options.adminKey) bootstrapAdminKey(store, options.adminKey, options.logger, clock());
    const rules = loadActiveRuleSet(store, options.rulesDirectory, options.logger, clock());
    const ids = createIdentityHasher(secret);
    const workers = sharedWorkerPool(options.workers ?? 2);
    return {
      store,
      rules,
      ids,
      keys: keyResolver(store.keys, clock),
      logger: options.logger,
      metrics,
      clock,
      timeZone,
      ruleApproval: options.ruleApproval ?? 'single',
      activity,
      idempotencyKeys: idempotencyKeys(store, clock),
      checks: createChecks({ store, rules, ids, clock, timeZone, metrics, logger: options.logger }),
      workers,
      close: () => store.close(),
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
