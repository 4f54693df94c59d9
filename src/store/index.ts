import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { auditRepository, type AuditRepository } from './audit.js';
import { startCheckpointer } from './checkpointer.js';
import { checksRepository, type ChecksRepository } from './checks.js';
import { type CommitStats, groupCommit } from './group-commit.js';
import { historyRepository, type HistoryRepository } from './history.js';
import { keysRepository, type KeysRepository } from './keys.js';
import { assertSchemaCurrent, migrate } from './migrations/index.js';
import { replayRepository, type ReplayRepository } from './replay.js';
import { retentionRepository, type RetentionRepository } from './retention.js';
import { ruleHitsRepository, type RuleHitsRepository } from './rule-hits.js';
import { reportsRepository, type ReportsRepository } from './reports.js';
import { reviewsRepository, type ReviewsRepository } from './reviews.js';
import { ruleSetsRepository, type RuleSetsRepository } from './rule-sets.js';
import { sessionsRepository, type SessionsRepository } from './sessions.js';
import { webhooksRepository, type WebhooksRepository } from './webhooks.js';

export type * from './types.js';
export type { CheckReportRow, CounterRow, Counters, ReportFilter, RuleCounterRow } from './reports.js';
export type { HeldCheckRow, ReviewClosing, ReviewReportRow, ReviewRow } from './reviews.js';
export type { AttemptRow, DeliveryRow, DeliveryStatus, DueDeliveryRow, WebhookEndpointRow, WebhookEventRow } from './webhooks.js';
export { DatabaseTooNewError } from './migrations/index.js';

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
  readonly reviews: ReviewsRepository;
  readonly webhooks: WebhooksRepository;
  /** Runs `work` in one transaction: all of its writes land, or none do. `work` must not await. */
  transaction<T>(work: () => T): T;
  /**
   * Resolves once every transaction run so far is committed (at once, unless group commit is on);
   * rejects if that commit failed. Await it before telling anyone a write happened.
   */
  durable(): Promise<void>;
  /** Throws if the database cannot answer. */
  ping(): void;
  close(): void;
}

export interface OpenOptions {
  /** A reader beside the service (a back-test worker): no migrations, no writes. */
  readonly?: boolean;
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

/** Roll-ups catch up even while busy once this many checks wait: a report's own catch-up stays short. */
const MOST_PENDING = 20_000;

export function openStore(path: string, { readonly = false, groupCommit: grouped = false, background }: OpenOptions = {}): Store {
  if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly, fileMustExist: readonly });
  db.pragma('busy_timeout = 5000');
  if (readonly) {
    assertSchemaCurrent(db);
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // 64 MiB of page cache (SQLite's default is 2 MiB): the indexes a check walks (transactions,
    // identities, today's roll-ups) stay in the process as the database grows past a million checks.
    db.pragma('cache_size = -65536');
    migrate(db);
  }
  const pingStatement = db.prepare('SELECT 1');
  const batching = grouped && !readonly ? groupCommit(db, grouped === true ? {} : grouped) : undefined;
  const inBackground = background && !readonly && path !== ':memory:';
  if (inBackground) db.pragma('wal_autocheckpoint = 0');
  const checkpointer = inBackground ? startCheckpointer(path) : undefined;
  const reports = reportsRepository(db);
  const transaction = batching ? batching.transaction : <T>(work: () => T): T => db.transaction(work).immediate();
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
    reviews: reviewsRepository(db),
    webhooks: webhooksRepository(db),
    transaction,
    durable: batching ? batching.durable : () => Promise.resolve(),
    ping: () => void pingStatement.get(),
    close: () => {
      clearInterval(catchingUp);
      batching?.flush();
      void checkpointer?.stop();
      db.close();
    },
  };
}
