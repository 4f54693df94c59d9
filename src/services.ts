import { displayPrefix, hashApiKey, keyResolver } from './api-keys.js';
import type { Services } from './http/env.js';
import { createMetrics } from './http/metrics.js';
import { createIdentityHasher, loadOrCreateIdSecret } from './identity.js';
import { newId } from './ids.js';
import type { Logger } from './log.js';
import { loadActiveRuleSet } from './rule-sets/active.js';
import { openStore, type Store } from './store/index.js';

export interface ServiceOptions {
  databasePath: string;
  rulesDirectory: string;
  logger: Logger;
  adminKey?: string | undefined;
  idSecret?: string | undefined;
  clock?: () => number;
  processMetrics?: boolean;
}

/** Makes the first admin key from VOUCHSAFE_ADMIN_KEY, if no admin key exists yet. */
export function bootstrapAdminKey(store: Store, adminKey: string, logger: Logger, now: number): void {
  store.transaction(() => {
    if (store.keys.activeAdminCount() > 0) return;
    const secretHash = hashApiKey(adminKey);
    if (store.keys.findBySecretHash(secretHash)) return;
    const id = newId('key', now);
    store.keys.insert({
      id,
      name: 'Bootstrap admin (VOUCHSAFE_ADMIN_KEY)',
      role: 'admin',
      storeIds: null,
      secretHash,
      prefix: displayPrefix(adminKey),
      createdAt: now,
      createdBy: 'bootstrap',
    });
    store.audit.append({ at: now, actor: 'bootstrap', action: 'key.created', subject: id, detail: { role: 'admin', source: 'VOUCHSAFE_ADMIN_KEY' } });
    logger.info('first admin key made from VOUCHSAFE_ADMIN_KEY', { keyId: id });
  });
}

/** Opens the database, loads the rules and builds what every request needs. */
export function buildServices(options: ServiceOptions): Services {
  const clock = options.clock ?? Date.now;
  const store = openStore(options.databasePath);
  try {
    if (options.adminKey) bootstrapAdminKey(store, options.adminKey, options.logger, clock());
    const secret = options.idSecret ?? loadOrCreateIdSecret(options.databasePath);
    return {
      store,
      rules: loadActiveRuleSet(store, options.rulesDirectory, options.logger, clock()),
      ids: createIdentityHasher(secret),
      keys: keyResolver(store.keys, clock),
      logger: options.logger,
      metrics: createMetrics({ processMetrics: options.processMetrics ?? false }),
      clock,
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
