import Database from 'better-sqlite3';
import { auditRepository } from './audit.js';
import { casesRepository } from './cases.js';
import { startCheckpointer, WAL_KEEP_BYTES, walBound } from './checkpointer.js';
import { checksRepository } from './checks.js';
import { type CommitStats, eachCommits, groupCommit } from './group-commit.js';
import { type Access, asPort, type Repositories, type Store, type StoreEvent } from './port.js';
import { historyRepository } from './history.js';
import { idempotencyKeysRepository } from './idempotency-keys.js';
import { keysRepository } from './keys.js';
import { DEFAULT_TIME_ZONE } from '../engine/business-day.js';
import { assertSchemaCurrent, migrate } from './migrations/index.js';
import { replayRepository } from './replay.js';
import { retentionRepository } from './retention.js';
import { ruleHitsRepository } from './rule-hits.js';
import { reportsRepository } from './reports.js';
import { reviewsRepository } from './reviews.js';
import { ruleSetsRepository } from './rule-sets.js';
import { sessionsRepository } from './sessions.js';
import { webhooksRepository } from './webhooks.js';
import { metaRepository } from './meta.js';
import { areaAlertsRepository, storesRepository } from './stores.js';
import { type DatabaseWaits, openPostgresStore, redactedUrl } from './postgres/index.js';
import { type StoreSpan, traced } from './traced.js';
import { StorageUnavailable, storageHealth } from './storage-health.js';
import { assertIntact, assertNotLostDatabase, ensureDirectory, openFailure, ProcessLockHeld, takeProcessLock } from './startup.js';

export type * from './types.js';
export type { CheckLock } from './checks.js';
export type { DatabaseWaits } from './postgres/round-trips.js';
export type { RememberedResponse } from './idempotency-keys.js';
export type { CheckReportRow, CounterRow, Counters, ReportFilter, RuleCounterRow } from './reports.js';
export type { CaseChange, CaseEventRow, CaseEventRowKind, CaseListFilter, CaseListRow, CaseRow } from './cases.js';
export type { HeldCheckRow, ReviewClosing, ReviewReportRow, ReviewRow } from './reviews.js';
export type { AreaAlertRow, RelayedAreaAlertRow, StoreRow } from './stores.js';
export type { AttemptRow, DeliveryClaim, DeliveryRow, DeliveryStatus, DueDeliveryRow, WebhookEndpointRow, WebhookEventRow } from './webhooks.js';
export { DatabaseTooNewError } from './migrations/index.js';
export { ProcessLockHeld, StartupRefusal } from './startup.js';
export { StorageUnavailable } from './storage-health.js';
export type { Port, Repositories, Store, StoreEvent, Within } from './port.js';
export { within, WriteCollision } from './port.js';
export type { DatabaseSystem, StoreSpan } from './traced.js';

export interface OpenOptions {
  /** A reader beside the service (a back-test worker): no migrations, no writes. */
  readonly?: boolean;
  /**
   * A command's few writes while the service may be running (`vouchsafe keys create`): when another
   * process holds the database's lock, open beside it instead of refusing. Nothing is migrated then
   * (the schema must be the one this code writes), and the service's caches never hold what such a
   * command writes: a new key's random secret has never been presented.
   */
  besideService?: boolean;
  /** The store's IANA time zone, for the business day of checks stored before days were kept (default Europe/London). */
  timeZone?: string;
  /**
   * Files that exist only once the database has been used (the identity secret): with one of them
   * present and the database missing or empty, opening is refused instead of starting afresh.
   */
  evidence?: readonly string[];
  /** The most the database may hold, in bytes: past it writes fail as on a full disk (503 `storage_unavailable`), before the host's disk fills. */
  maxBytes?: number;
  /** Share one commit among the transactions of one event-loop turn (the service under load). */
  groupCommit?: CommitStats | boolean;
  /**
   * The running service's bookkeeping, off the till's write path: WAL checkpoints from a worker
   * thread, and report roll-ups brought up to date every 25 ms in small steps.
   */
  background?: {
    onError: (error: unknown) => void;
    /** Whether tills are waiting right now: bookkeeping then waits, unless it has fallen far behind. */
    busy?: () => boolean;
  };
  /** PostgreSQL: the most connections this node keeps open (VOUCHSAFE_DB_POOL, default 10). */
  poolSize?: number;
  /** Tracing: each repository call and each transaction runs as a span through this. Unset, nothing is wrapped. */
  span?: StoreSpan;
  /** PostgreSQL: told of each round trip to the database and the time spent waiting on it. */
  waits?: DatabaseWaits;
}

/** After a storage failure, readiness tries a write of its own no sooner than this. */
const STORAGE_PROBE_AFTER_MS = 30_000;

/** Roll-ups catch up even while busy once this many checks wait: a report's own catch-up stays short. */
const MOST_PENDING = 20_000;
/** Checks a roll-up step takes when it has to run while tills wait: about 20 ms of work. */
const FORCED_STEP = 500;

export function openSqliteStore(
  path: string,
  { readonly = false, besideService = false, groupCommit: grouped = false, background, evidence = [], maxBytes, timeZone = DEFAULT_TIME_ZONE, span }: OpenOptions = {},
): Store {
  const onDisk = path !== ':memory:';
  let unlock: (() => void) | undefined;
  let beside = false;
  let db: Database.Database;
  if (onDisk && !readonly) {
    ensureDirectory(path);
    // Looked at before the lock: taking it makes the lock file, which is itself evidence.
    assertNotLostDatabase(path, evidence);
    try {
      unlock = takeProcessLock(path);
    } catch (error) {
      if (!besideService || !(error instanceof ProcessLockHeld)) throw error;
      beside = true;
    }
  }
  try {
    db = new Database(path, { readonly, fileMustExist: readonly || beside });
    db.pragma('busy_timeout = 5000');
    if (readonly || beside) {
      // The running service migrated it; a command from other code must not change its schema under it.
      assertSchemaCurrent(db);
      if (beside) db.pragma('foreign_keys = ON');
    } else {
      db.pragma('journal_mode = WAL');
      if (onDisk) assertIntact(db, path);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // 64 MiB of page cache (SQLite's default is 2 MiB): the indexes a check walks (transactions,
      // identities, today's roll-ups) stay in the process as the database grows past a million checks.
      db.pragma('cache_size = -65536');
      migrate(db, { timeZone });
      if (maxBytes !== undefined) db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxBytes / (db.pragma('page_size', { simple: true }) as number)))}`);
    }
  } catch (error) {
    unlock?.();
    throw readonly ? error : openFailure(path, error);
  }
  const pingStatement = db.prepare('SELECT 1');
  const health = storageHealth();
  let storageFailedInBatch = false;
  const stats = grouped === true || grouped === false ? {} : grouped;
  const inBackground = background && !readonly && path !== ':memory:';
  if (inBackground) db.pragma('wal_autocheckpoint = 0');
  if (!readonly && onDisk) db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
  const boundWal = inBackground ? walBound(db) : undefined;
  const checkpointer = boundWal ? startCheckpointer(path, (frames) => boundWal.copied(frames)) : undefined;
  const batching = grouped && !readonly;
  // Savepoint journals and temporary tables (the roll-ups' batches) in memory, not in files. Each
  // request's savepoint inside a group commit journals the pages it changes; once one savepoint's
  // journal passed 64 KiB (a roll-up step's does), SQLite spilled it to a file in the temporary
  // directory for the rest of the batch, two writes a page: more writes than the WAL got, and the
  // check path depending on the temporary directory's space. The largest savepoint here is a report's
  // catch-up of 10,000 checks, a few megabytes.
  if (batching) db.pragma('temp_store = MEMORY');
  const turns = batching
    ? groupCommit(db, {
        onCommit: (transactions) => {
          // A batch in which a write failed for want of space proves nothing about the next one:
          // the writes before it were smaller. Only a batch with no storage failure clears it.
          if (!storageFailedInBatch) health.succeeded();
          storageFailedInBatch = false;
          stats.onCommit?.(transactions);
          boundWal?.afterCommit();
        },
      })
    : eachCommits(db);

  const plain = {
    checks: checksRepository(db),
    history: historyRepository(db),
    keys: keysRepository(db),
    audit: auditRepository(db),
    ruleSets: ruleSetsRepository(db),
    replay: replayRepository(db),
    ruleHits: ruleHitsRepository(db),
    retention: retentionRepository(db),
    reports: reportsRepository(db),
    sessions: sessionsRepository(db),
    idempotencyKeys: idempotencyKeysRepository(db),
    reviews: reviewsRepository(db),
    webhooks: webhooksRepository(db),
    cases: casesRepository(db),
    meta: metaRepository(db),
    stores: storesRepository(db),
    areaAlerts: areaAlertsRepository(db),
  };
  const repositories = span ? traced(plain, 'sqlite', span) : plain;
  const ports = (access: Access): Repositories =>
    Object.fromEntries(Object.entries(repositories).map(([name, repository]) => [name, asPort(repository, access)])) as unknown as Repositories;
  // Outside a transaction a call waits for the one under way; inside, it runs at once (the
  // transaction holds the connection). A call outside one may write too (a report brings its roll-ups
  // up to date before it reads): a storage failure there is StorageUnavailable as in a transaction.
  const outside = ports({
    call: (call) =>
      turns.read(() => {
        try {
          return call();
        } catch (error) {
          throw health.failed(error);
        }
      }),
    cursor: (open) => turns.cursor(open),
  });
  const inside = ports({
    call: async (call) => call(),
    cursor: (open) => ({
      async *[Symbol.asyncIterator]() {
        const rows = open();
        for (let next = rows.next(); !next.done; next = rows.next()) yield next.value;
      },
    }),
  });

  // A storage failure becomes StorageUnavailable (503 with Retry-After), and readiness says so until a write gets through again.
  const transaction = async <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => {
    let result: T;
    const run = () => turns.run(() => work(inside));
    try {
      result = await (span ? span('sqlite', 'transaction', run) : run());
    } catch (error) {
      const failure = health.failed(error);
      if (failure instanceof StorageUnavailable) storageFailedInBatch = true;
      throw failure;
    }
    if (!batching) {
      health.succeeded();
      boundWal?.afterCommit();
    }
    return result;
  };
  const durable = batching
    ? () =>
        turns.durable().catch((error: unknown) => {
          throw health.failed(error);
        })
    : () => Promise.resolve();
  // Small steps, often, while tills may arrive: a step of 100 checks takes 2-8 ms, so a till's check
  // never waits long behind one, and 4,000 checks a second still keep up. Once tills never stop and
  // MOST_PENDING checks wait, steps of FORCED_STEP: a batch's roll-up rows are then shared by five
  // times the checks, which costs about 0.6 of the time per check (tests/bench/http.ts's CPU per check).
  // With nothing to bring in, no transaction at all: an idle service took the writer's turn and
  // committed 40 empty transactions a second.
  const catchingUp = inBackground
    ? setInterval(() => {
        if (!plain.reports.rollups.anyPending()) return;
        const busy = background.busy?.() ?? false;
        if (busy && plain.reports.rollups.pending() < MOST_PENDING) return;
        transaction(async (tx) => tx.reports.rollups.step(busy ? FORCED_STEP : 100)).catch(background.onError);
      }, 25)
    : undefined;
  catchingUp?.unref();

  // One process owns the file (the kernel lock says so): every node that could hear is this one.
  const listeners = new Map<StoreEvent, Set<() => void>>();
  const jobs = new Set<string>();

  return {
    kind: 'sqlite',
    location: path,
    ...outside,
    transaction,
    durable,
    async notify(event) {
      await durable();
      for (const heard of listeners.get(event) ?? []) heard();
    },
    listen(event, heard) {
      const set = listeners.get(event) ?? new Set();
      set.add(heard);
      listeners.set(event, set);
    },
    async exclusively(name, work) {
      if (jobs.has(name)) return undefined;
      jobs.add(name);
      try {
        return await work();
      } finally {
        jobs.delete(name);
      }
    },
    ping: () => turns.read(() => void pingStatement.get()),
    writable: () =>
      turns.read(() => {
        if (health.writable) return { ok: true as const };
        // Not before the Retry-After the failed write gave, and with a write the size of a large
        // check: a few bytes can fit where a till's check cannot.
        if (Date.now() - health.failedAt < STORAGE_PROBE_AFTER_MS) return { ok: false as const, reason: health.reason! };
        try {
          turns.flush();
          db.transaction(() =>
            db
              .prepare("INSERT INTO meta (key, value) VALUES ('write_probe', hex(zeroblob(32768))) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
              .run(),
          ).immediate();
          health.succeeded();
          return { ok: true as const };
        } catch (error) {
          health.failed(error);
          return { ok: false as const, reason: health.reason ?? String(error) };
        }
      }),
    close: async () => {
      clearInterval(catchingUp);
      // First, so the last checkpoint below is not refused as busy by a pass of the worker's.
      await checkpointer?.stop();
      return turns.read(() => {
        turns.flush();
        // A clean stop leaves an empty WAL, whatever other connections (a worker's) are still open.
        if (!readonly && onDisk) {
          try {
            db.pragma('wal_checkpoint(TRUNCATE)');
          } catch {
            // A reader still busy: SQLite checkpoints again when the last connection closes.
          }
        }
        db.close();
        unlock?.();
      });
    },
  };
}

const isPostgresUrl = (location: string) => /^postgres(ql)?:\/\//i.test(location);

/** Where a store is, for messages and logs: a file's path, or a PostgreSQL URL without its password. */
export function describeLocation(location: string): string {
  return isPostgresUrl(location) ? redactedUrl(location) : location;
}

/**
 * Opens the store at `location`: a postgres:// (or postgresql://) URL for a database several nodes
 * share, otherwise a SQLite file (or `:memory:`) that this process owns.
 */
export async function openStore(location: string, options: OpenOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) {
    return openPostgresStore(location, {
      ...(options.readonly !== undefined ? { readonly: options.readonly } : {}),
      ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
      ...(options.background ? { background: { onError: options.background.onError } } : {}),
      ...(options.span ? { span: options.span } : {}),
      ...(options.waits ? { waits: options.waits } : {}),
    });
  }
  return openSqliteStore(location, options);
}
