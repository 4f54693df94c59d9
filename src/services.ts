import { hashApiKey, issueApiKey, keyResolver } from './api-keys.js';
import type { Services } from './http/env.js';
import { createMetrics } from './http/metrics.js';
import { createIdentityHasher, loadOrCreateIdSecret } from './customer-identifiers.js';
import type { Logger } from './log.js';
import { loadActiveRuleSet } from './rule-sets/active.js';
import type { ApprovalMode } from './rule-sets/lifecycle.js';
import { openStore, type Store } from './store/index.js';

export interface ServiceOptions {
  databasePath: string;
  rulesDirectory: string;
  logger: Logger;
  adminKey?: string | undefined;
  idSecret?: string | undefined;
  clock?: () => number;
  processMetrics?: boolean;
  ruleApproval?: ApprovalMode;
  /** The running service: checkpoint the WAL from a worker thread, and bring report roll-ups up to date every 100 ms, rather than during a till's write. */
  background?: boolean;
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
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? false });
  const activity = { inFlight: 0 };
  const store = openStore(options.databasePath, {
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
    if (options.adminKey) bootstrapAdminKey(store, options.adminKey, options.logger, clock());
    const secret = options.idSecret ?? loadOrCreateIdSecret(options.databasePath);
    return {
      store,
      rules: loadActiveRuleSet(store, options.rulesDirectory, options.logger, clock()),
      ids: createIdentityHasher(secret),
      keys: keyResolver(store.keys, clock),
      logger: options.logger,
      metrics,
      clock,
      ruleApproval: options.ruleApproval ?? 'single',
      activity,
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
