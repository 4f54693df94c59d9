import Database from 'better-sqlite3';
import { auditRepository, type AuditRepository } from './audit.js';
import { startCheckpointer, WAL_KEEP_BYTES, walBound } from './checkpointer.js';
import { checksRepository, type ChecksRepository } from './checks.js';
import { type CommitStats, groupCommit } from './group-commit.js';
import { historyRepository, type HistoryRepository } from './history.js';
import { idempotencyKeysRepository, type IdempotencyKeysRepository } from './idempotency-keys.js';
import { keysRepository, type KeysRepository } from './keys.js';
import { DEFAULT_TIME_ZONE } from '../engine/business-day.js';
import { assertSchemaCurrent, migrate } from './migrations/index.js';
import { replayRepository, type ReplayRepository } from './replay.js';
import { retentionRepository, type RetentionRepository } from './retention.js';
import { ruleHitsRepository, type RuleHitsRepository } from './rule-hits.js';
import { reportsRepository, type ReportsRepository } from './reports.js';
import { reviewsRepository, type ReviewsRepository } from './reviews.js';
import { ruleSetsRepository, type RuleSetsRepository } from './rule-sets.js';
import { sessionsRepository, type SessionsRepository } from './sessions.js';
import { webhooksRepository, type WebhooksRepository } from './webhooks.js';
import { metaRepository, type MetaRepository } from './meta.js';
import { StorageUnavailable, storageHealth } from './storage-health.js';
import { assertIntact, assertNotLostDatabase, ensureDirectory, openFailure, takeProcessLock } from './startup.js';

export type * from './types.js';
export type { RememberedResponse } from './idempotency-keys.js';
export type { CheckReportRow, CounterRow, Counters, ReportFilter, RuleCounterRow } from './reports.js';
export type { HeldCheckRow, ReviewClosing, ReviewReportRow, ReviewRow } from './reviews.js';
export type { AttemptRow, DeliveryRow, DeliveryStatus, DueDeliveryRow, WebhookEndpointRow, WebhookEventRow } from './webhooks.js';
export { DatabaseTooNewError } from './migrations/index.js';
export { StartupRefusal } from './startup.js';
export { StorageUnavailable } from './storage-health.js';

/** The only door to the database. A PostgreSQL adapter for multi-node chains would implement this. */
export interface Store {
  /** The database file (or `:memory:`), for readers beside the service such as a back-test worker. */
  readonly path: string;
  readonly checks: ChecksRepository;
  readonly history: HistoryRepository;
  readonly keys: KeysRepository;
  readonly audit: AuditRepository;
  readonly ruleSets: RuleSetsRepository;
  readonly replay: ReplayRepository;
  readonly ruleHits: RuleHitsRepository;
  readonly retention: RetentionRepository;
  readonly reports: ReportsRepository;
  readonly sessions: SessionsRepository;
  readonly idempotencyKeys: IdempotencyKeysRepository;
  readonly reviews: ReviewsRepository;
  readonly webhooks: WebhooksRepository;
  readonly meta: MetaRepository;
  /** Runs `work` in one transaction: all of its writes land, or none do. `work` must not await. */
  transaction<T>(work: () => T): T;
  /**
   * Resolves once every transaction run so far is committed (at once, unless group commit is on);
   * rejects if that commit failed. Await it before telling anyone a write happened.
   */
  durable(): Promise<void>;
  /** Throws if the database cannot answer. */
  ping(): void;
  /**
   * Whether writes get through. After a storage failure (disk full, I/O error) it tries a small write
   * itself, so readiness recovers once there is room again, without waiting for a till.
   */
  writable(): { ok: true } | { ok: false; reason: string };
  close(): void;
}

export interface OpenOptions {
  /** A reader beside the service (a back-test worker): no migrations, no writes. */
  readonly?: boolean;
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
}

/** After a storage failure, readiness tries a write of its own no sooner than this. */
const STORAGE_PROBE_AFTER_MS = 30_000;

/** Roll-ups catch up even while busy once this many checks wait: a report's own catch-up stays short. */
const MOST_PENDING = 20_000;

export function openStore(path: string, { readonly = false, groupCommit: grouped = false, background, evidence = [], maxBytes, timeZone = DEFAULT_TIME_ZONE }: OpenOptions = {}): Store {
  const onDisk = path !== ':memory:';
  let unlock: (() => void) | undefined;
  let db: Database.Database;
  if (onDisk && !readonly) {
    ensureDirectory(path);
    // Looked at before the lock: taking it makes the lock file, which is itself evidence.
    assertNotLostDatabase(path, evidence);
    unlock = takeProcessLock(path);
  }
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
    db.pragma('busy_timeout = 5000');
    if (readonly) {
      assertSchemaCurrent(db);
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
  const batching =
    grouped && !readonly
      ? groupCommit(db, {
          onCommit: (transactions) => {
            // A batch in which a write failed for want of space proves nothing about the next one:
            // the writes before it were smaller. Only a batch with no storage failure clears it.
            if (!storageFailedInBatch) health.succeeded();
            storageFailedInBatch = false;
            stats.onCommit?.(transactions);
            boundWal?.();
          },
        })
      : undefined;
  const inBackground = background && !readonly && path !== ':memory:';
  if (inBackground) db.pragma('wal_autocheckpoint = 0');
  if (!readonly && onDisk) db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
  const boundWal = inBackground ? walBound(db, path) : undefined;
  const checkpointer = inBackground ? startCheckpointer(path) : undefined;
  const reports = reportsRepository(db);
  const run = batching ? batching.transaction : <T>(work: () => T): T => db.transaction(work).immediate();
  // A storage failure becomes StorageUnavailable (503 with Retry-After), and readiness says so until a write gets through again.
  const transaction = <T>(work: () => T): T => {
    let result: T;
    try {
      result = run(work);
    } catch (error) {
      const failure = health.failed(error);
      if (failure instanceof StorageUnavailable) storageFailedInBatch = true;
      throw failure;
    }
    if (!batching) {
      health.succeeded();
      boundWal?.();
    }
    return result;
  };
  const durable = batching
    ? () =>
        batching.durable().catch((error: unknown) => {
          throw health.failed(error);
        })
    : () => Promise.resolve();
  // Small steps, often: a step of 100 checks takes 2-4 ms, so a till's check never waits long behind
  // one, and 4,000 checks a second still keep up.
  const catchingUp = inBackground
    ? setInterval(() => {
        try {
          if (background.busy?.() && reports.rollups.pending() < MOST_PENDING) return;
          transaction(() => reports.rollups.step(100));
        } catch (error) {
          background.onError(error);
        }
      }, 25)
    : undefined;
  catchingUp?.unref();

  return {
    path,
    checks: checksRepository(db),
    history: historyRepository(db),
    keys: keysRepository(db),
    audit: auditRepository(db),
    ruleSets: ruleSetsRepository(db),
    replay: replayRepository(db),
    ruleHits: ruleHitsRepository(db),
    retention: retentionRepository(db),
    reports,
    sessions: sessionsRepository(db),
    idempotencyKeys: idempotencyKeysRepository(db),
    reviews: reviewsRepository(db),
    webhooks: webhooksRepository(db),
    meta: metaRepository(db),
    transaction,
    durable,
    ping: () => void pingStatement.get(),
    writable: () => {
      if (health.writable) return { ok: true };
      // Not before the Retry-After the failed write gave, and with a write the size of a large
      // check: a few bytes can fit where a till's check cannot.
      if (Date.now() - health.failedAt < STORAGE_PROBE_AFTER_MS) return { ok: false, reason: health.reason! };
      try {
        batching?.flush();
        db.transaction(() =>
          db
            .prepare("INSERT INTO meta (key, value) VALUES ('write_probe', hex(zeroblob(32768))) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .run(),
        ).immediate();
        health.succeeded();
        return { ok: true };
      } catch (error) {
        health.failed(error);
        return { ok: false, reason: health.reason ?? String(error) };
      }
    },
    close: () => {
      clearInterval(catchingUp);
      batching?.flush();
      void checkpointer?.stop();
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
    },
  };
}
