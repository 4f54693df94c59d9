import { type Cases, createCases } from './cases/index.js';
import { createChecks, type Checks } from './checks/index.js';
import { purgeExpiredTestChecks } from './checks/test-mode.js';
import { purgeExpiredCardSecrets, withWholeCards } from './checks/cards.js';
import { type CardKeys, type CardVault, cardVault } from './checks/card-vault.js';
import { idempotencyKeys, type IdempotencyKeys } from './access/idempotency-keys.js';
import { issueFirstAdminKey, type KeyResolver, keyResolver } from './access/api-keys.js';
import { type TillTokens, tillTokens } from './access/till-tokens.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createIdentityHasher, type IdentityHasher, loadIdSecret, secretPathFor } from './customer-identifiers.js';
import type { ExchangeMember } from './exchange/member.js';
import type { Logger } from './log.js';
import { type ActiveRuleSet, loadActiveRuleSet, refreshActiveRuleSet } from './rule-sets/active.js';
import type { ApprovalMode } from './rule-sets/lifecycle.js';
import { createReviews, type Reviews } from './reviews/index.js';
import { openStore, type Store } from './store/index.js';
import {
  type AlertExchange,
  applyStoresFile,
  type AreaAlertSettings,
  createAlertExchange,
  DEFAULT_AREA_ALERTS,
  EXCHANGE_SYNC_EVERY_MS,
  loadStoreRegistry,
  type StoreRegistry,
} from './stores/index.js';
import { storeSpan } from './tracing.js';
import { ConditionCache, DEFAULT_HOLD_DEADLINE_MS, DEFAULT_TIME_ZONE } from './engine/index.js';
import {
  type AllowList,
  createWebhooks,
  deliveryWorker,
  type DeliveryWorkerOptions,
  NOTHING_ALLOWED,
  type Resolve,
  systemResolve,
  type Webhooks,
} from './webhooks/index.js';

// Kept in the engine, which also publishes it in the offline policy.
export { DEFAULT_HOLD_DEADLINE_MS } from './engine/index.js';
/** How often the sweeper writes down expired holds, so that `review.closed` goes out, and purges a batch of week-old test checks. */
const SWEEP_EVERY_MS = 1_000;
/** How often a node on PostgreSQL looks at the active rule set even with no notification heard. */
const RESYNC_EVERY_MS = 5_000;
import { sharedWorkerPool, type WorkerPool } from './workers/pool.js';
import { type RuleSetCompiler, workerCompiler } from './rule-sets/compiler.js';

/** Everything a use case needs, built once per process: the HTTP layer and the CLI both start from it. */
export interface Services {
  readonly store: Store;
  readonly rules: ActiveRuleSet;
  readonly ids: IdentityHasher;
  readonly keys: KeyResolver;
  /** Short-lived tokens for browser tills, minted by a back office with its key. */
  readonly tillTokens: TillTokens;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: () => number;
  /** The time zone of a store the registry lacks. */
  readonly timeZone: string;
  /** The stores: time zone, language, currency and location of each. */
  readonly registry: StoreRegistry;
  readonly areaAlerts: AreaAlertSettings;
  readonly ruleApproval: ApprovalMode;
  /** Requests being answered right now: background bookkeeping gives way to them. */
  readonly activity: { inFlight: number };
  /** Set once the node is stopping: readiness fails so that no new till is sent here. */
  readonly lifecycle: { draining: boolean };
  readonly checks: Checks;
  /** Responses kept under clients' Idempotency-Keys, for replay. */
  readonly idempotencyKeys: IdempotencyKeys;
  readonly reviews: Reviews;
  /** A scam seen at or after the till, followed up: cases, reports afterwards, escalations, evidence. */
  readonly cases: Cases;
  /** On a member of an exchange: shares this retailer's live area alerts and keeps other members', in the background. */
  readonly alertExchange?: AlertExchange | undefined;
  readonly webhooks: Webhooks;
  /** Whether the cards sold are kept, the key that seals their serials, and for how long. */
  readonly cards: CardVault;
  /** How long a freeze request waits for the processor's answer before the dashboard flags it. */
  readonly freezeAnswerWithinMs: number;
  /** Worker threads for exports and rule-set compilation, off the loop that answers tills. */
  readonly workers: WorkerPool;
  /** Compiles published, approved, rolled-back and refreshed rule sets, reading them in a worker. */
  readonly ruleCompiler: RuleSetCompiler;
  /**
   * Stops the background work (the sweeper of expired holds and week-old test checks, webhook delivery) and waits for the webhook attempts
   * in flight to be recorded: a clean stop sends nothing twice. Call before `close()`.
   */
  stopBackground(): Promise<void>;
  /**
   * Closes the database. The worker pool is the process's: its idle threads end by themselves. A
   * webhook attempt still in flight is not recorded, and is sent again, with the same id, once its
   * lease runs out (by another node, or by this one restarted).
   */
  close(): Promise<void>;
}

export interface ServiceOptions {
  databasePath: string;
  rulesDirectory: string;
  logger: Logger;
  adminKey?: string | undefined;
  idSecret?: string | undefined;
  clock?: () => number;
  /** The IANA time zone of a store the registry lacks, for business days (default Europe/London). */
  timeZone?: string;
  /** A stores file (VOUCHSAFE_STORES_FILE) put into the registry at start. */
  storesFile?: string | undefined;
  /** How far and how long an area alert reaches (default 5 km, 60 minutes). */
  areaAlerts?: AreaAlertSettings;
  processMetrics?: boolean;
  ruleApproval?: ApprovalMode;
  /**
   * The running service: checkpoint the WAL from a worker thread, bring report roll-ups up to date
   * every 25 ms rather than during a till's write, write down expired holds, purge week-old test-mode
   * checks, deliver webhooks, and on a member of an exchange share and fetch area alerts.
   */
  background?: boolean;
  holdDeadlineMs?: number;
  /** How long a freeze request waits for the processor's answer before the dashboard flags it (15 minutes unless given). */
  freezeAnswerWithinMs?: number;
  /** `http://` webhooks to this machine (and to what webhooksAllowHosts lists) are allowed too. */
  webhooksAllowHttp?: boolean;
  /** Internal receivers webhooks may reach (VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS). */
  webhooksAllowHosts?: AllowList;
  /** How webhook hosts are resolved (the system's resolver unless told): tests never ask real DNS. */
  webhookResolve?: Resolve;
  /** The webhook worker's timing, for tests. */
  webhookDelivery?: Pick<DeliveryWorkerOptions, 'timeoutMs' | 'pollMs' | 'probeIntervalMs' | 'concurrency' | 'perEndpoint' | 'random'>;
  /** The most the database may hold, in bytes (see VOUCHSAFE_DB_MAX_MB). */
  databaseMaxBytes?: number | undefined;
  /** PostgreSQL: the most connections this node keeps open (see VOUCHSAFE_DB_POOL). */
  databasePoolSize?: number | undefined;
  /** Worker threads for heavy work (default 2). */
  workers?: number;
  /** Card capture (VOUCHSAFE_CARD_CAPTURE, off unless told), the keys that seal serials, and how long they are kept (90 days unless told). */
  cards?: { capture: boolean; keys?: CardKeys | undefined; retentionMs?: number | undefined };
  /** The retailers' exchange this service is a member of (VOUCHSAFE_EXCHANGE_*; docs/exchange.md). */
  exchange?: ExchangeMember | undefined;
  /** How often area alerts are shared with and fetched from the exchange, in the background (EXCHANGE_SYNC_EVERY_MS unless given). */
  exchangeSyncEveryMs?: number;
}

/** Makes the first admin key from VOUCHSAFE_ADMIN_KEY, if no admin key exists yet. */
export async function bootstrapAdminKey(store: Store, adminKey: string, logger: Logger, now: number): Promise<void> {
  const row = await issueFirstAdminKey(store, adminKey, now);
  if (row) logger.info('first admin key made from VOUCHSAFE_ADMIN_KEY', { keyId: row.id });
}

/** Opens the database, loads the rules and builds what every request needs. */
export async function buildServices(options: ServiceOptions): Promise<Services> {
  const clock = options.clock ?? Date.now;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const activity = { inFlight: 0 };
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? false, inFlight: () => activity.inFlight });
  // Tracing, when started before this: every database call and transaction a span.
  const span = storeSpan();
  const store = await openStore(options.databasePath, {
    timeZone,
    evidence: [secretPathFor(options.databasePath)],
    ...(options.databaseMaxBytes !== undefined ? { maxBytes: options.databaseMaxBytes } : {}),
    ...(options.databasePoolSize !== undefined ? { poolSize: options.databasePoolSize } : {}),
    groupCommit: { onCommit: (transactions) => metrics.commitSize.observe(transactions) },
    waits: { roundTrip: () => metrics.databaseRoundTrips.inc(), waited: (seconds) => metrics.databaseWaitSeconds.inc(seconds) },
    ...(span ? { span } : {}),
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
    const secret = await loadIdSecret(store, options.databasePath, options.idSecret);
    if (options.adminKey) await bootstrapAdminKey(store, options.adminKey, options.logger, clock());
    // Every rule set this node builds shares one cache: a rollback, or a change another node made to
    // rules this one has seen, builds almost nothing on the event loop.
    const conditions = new ConditionCache();
    const rules = await loadActiveRuleSet(store, options.rulesDirectory, options.logger, clock(), conditions);
    const ids = createIdentityHasher(secret);
    const holdDeadlineMs = options.holdDeadlineMs ?? DEFAULT_HOLD_DEADLINE_MS;
    const registry = await loadStoreRegistry(store, options.logger, clock);
    if (options.storesFile) {
      const applied = await applyStoresFile({ store, rules, registry, clock }, options.storesFile);
      options.logger.info('stores file applied', { path: options.storesFile, ...applied });
    }
    const exchange = options.exchange;
    const areaAlerts: AreaAlertSettings = {
      ...(options.areaAlerts ?? DEFAULT_AREA_ALERTS),
      ...(exchange ? { exchangeDistrict: (storeId: string) => exchange.districtOf(storeId) } : {}),
    };
    const alertExchange = exchange && createAlertExchange({ store, member: exchange, areaAlerts, clock, logger: options.logger });
    const policy = {
      allowHttp: options.webhooksAllowHttp ?? false,
      allow: options.webhooksAllowHosts ?? NOTHING_ALLOWED,
      resolve: options.webhookResolve ?? systemResolve,
    };
    const cards = cardVault(options.cards ?? { capture: false });
    const reviews = createReviews({ store, rules, clock, holdDeadlineMs, registry, areaAlerts });
    const worker = deliveryWorker({
      store,
      clock,
      logger: options.logger,
      policy,
      onAttempt: (result) => metrics.webhookAttempts.inc({ result }),
      preparePayload: (event) => withWholeCards(store, cards, event),
      ...options.webhookDelivery,
    });
    let sweeper: NodeJS.Timeout | undefined;
    if (options.background) {
      worker.start();
      sweeper = setInterval(() => {
        // One node at a time writes expiries down; the others find nothing left to do.
        store.exclusively('hold-sweeper', () => reviews.sweep()).catch((error: unknown) => {
          options.logger.error('writing down expired holds failed', { error: error instanceof Error ? error.message : String(error) });
        });
        // Test-mode checks go after a week without anyone running `vouchsafe purge`: a small batch a
        // second, through the partial index of test checks, so an idle step costs one index probe.
        store
          .exclusively('test-check-purge', () => purgeExpiredTestChecks(store, clock()))
          .then((purged) => purged && options.logger.info('test-mode checks older than 7 days purged', { checks: purged }))
          .catch((error: unknown) => {
            options.logger.error('purging week-old test-mode checks failed', { error: error instanceof Error ? error.message : String(error) });
          });
        // Serials and activation ids go once the card retention is over, with no purge command to run.
        store
          .exclusively('card-secret-purge', () => purgeExpiredCardSecrets(store, cards, clock()))
          .then((purged) => purged && options.logger.info('card serials past their retention purged', { cards: purged }))
          .catch((error: unknown) => {
            options.logger.error('purging card serials failed', { error: error instanceof Error ? error.message : String(error) });
          });
      }, SWEEP_EVERY_MS);
      sweeper.unref();
    }
    const reportFailure = (what: string) => (error: unknown) =>
      options.logger.error(what, { error: error instanceof Error ? error.message : String(error) });
    let exchangeSync: NodeJS.Timeout | undefined;
    if (options.background && alertExchange) {
      // One node at a time: an alert is shared once, and one node's fetch serves them all through the database.
      exchangeSync = setInterval(() => {
        store
          .exclusively('area-alert-exchange', async () => {
            await alertExchange.share();
            await alertExchange.sync();
          })
          .catch(reportFailure('moving area alerts to and from the exchange failed'));
      }, options.exchangeSyncEveryMs ?? EXCHANGE_SYNC_EVERY_MS);
      exchangeSync.unref();
    }
    const workers = sharedWorkerPool(options.workers ?? 2);
    const ruleCompiler = workerCompiler(workers, conditions);
    const keys = keyResolver(store.keys, clock);
    // Another node published, approved or rolled back a rule set, or revoked a key: this one follows.
    const refreshRules = () => {
      refreshActiveRuleSet(rules, store, ruleCompiler)
        .then((changed) => changed && options.logger.info('rule set changed on another node', { version: rules.current.version }))
        .catch(reportFailure('loading the active rule set failed'));
    };
    if (store.kind === 'postgres' && options.background) workers.keepWarm();
    store.listen('rule_sets', refreshRules);
    store.listen('keys', () => keys.forgetAll());
    store.listen('stores', () => {
      registry.refresh().catch(reportFailure('reading the stores failed'));
    });
    // A notification missed while the connection was down is caught up here.
    const resync = store.kind === 'postgres' && options.background ? setInterval(refreshRules, RESYNC_EVERY_MS) : undefined;
    resync?.unref();
    return {
      store,
      rules,
      ids,
      keys,
      tillTokens: tillTokens({ secret, keys, clock }),
      logger: options.logger,
      metrics,
      clock,
      timeZone,
      registry,
      areaAlerts,
      ruleApproval: options.ruleApproval ?? 'single',
      activity,
      lifecycle: { draining: false },
      idempotencyKeys: idempotencyKeys(store, clock),
      checks: createChecks({ store, rules, ids, clock, timeZone, registry, areaAlerts, metrics, logger: options.logger, holdDeadlineMs, cards, exchange }),
      reviews,
      cards,
      freezeAnswerWithinMs: options.freezeAnswerWithinMs ?? 15 * 60_000,
      cases: createCases({ store, clock, timeZone, registry, areaAlerts }),
      alertExchange,
      webhooks: createWebhooks({ store, clock, policy }, worker),
      workers,
      ruleCompiler,
      stopBackground() {
        clearInterval(sweeper);
        clearInterval(resync);
        clearInterval(exchangeSync);
        return worker.stop();
      },
      async close() {
        clearInterval(sweeper);
        clearInterval(resync);
        clearInterval(exchangeSync);
        void worker.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
