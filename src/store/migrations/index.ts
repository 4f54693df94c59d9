import type { Database } from 'better-sqlite3';
import { up as initial } from './0010-initial.js';
import { up as ruleSetReview } from './0030-rule-set-review.js';
import { up as reports } from './0040-reports.js';
import { up as singleCopyOfRequest } from './0050-single-copy-of-request.js';
import { up as deferredRollups } from './0060-deferred-rollups.js';
import { up as chainRollups } from './0070-chain-rollups.js';
import { up as reviews } from './0080-reviews.js';
import { up as webhooks } from './0085-webhooks.js';
import { up as receiveTimeHistory } from './0090-receive-time-history.js';
import { up as businessDay } from './0100-business-day.js';
import { up as idempotencyKeys } from './0110-idempotency-keys.js';
import { up as testMode } from './0120-test-mode.js';
import { up as storeDays } from './0130-store-days.js';
import { up as webhookRequestId } from './0140-webhook-request-id.js';
import { up as webhookLeases } from './0150-webhook-leases.js';
import { up as reviewsPerHold } from './0170-reviews-per-hold.js';
import { up as separateWorlds } from './0160-separate-worlds.js';
import { up as webhookProbes } from './0180-webhook-probes.js';
import { up as cases } from './0190-cases.js';
import { up as cardsSold } from './0200-cards-sold.js';
import { up as storesAndAreaAlerts } from './0210-stores-and-area-alerts.js';
import { up as exchangeSignal } from './0220-exchange-signal.js';
import { up as brandFamily } from './0230-brand-family.js';
import { up as historyCoveringIndex } from './0250-history-covering-index.js';
import { up as exchangeAreaAlerts } from './0260-exchange-area-alerts.js';
import { up as evaluationsInRowidTable } from './0280-evaluations-in-rowid-table.js';
import { up as dropRuleIndex } from './0290-drop-rule-index.js';
import { DEFAULT_TIME_ZONE } from '../../engine/business-day.js';

export interface Migration {
  /** Steps of 10, so a fix can slot in between. Stored in PRAGMA user_version. */
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database, context: MigrationContext) => void;
  /** Rebuilds a table others refer to: runs with foreign keys off, and checks them before it commits. */
  readonly foreignKeysOff?: boolean;
}

/** What a migration may need to know of the configuration. */
export interface MigrationContext {
  /** The store's time zone, for business days of the checks already stored. */
  readonly timeZone: string;
}

export const migrations: readonly Migration[] = [
  { version: 10, name: 'initial', up: initial },
  { version: 30, name: 'rule-set-review', up: ruleSetReview },
  { version: 40, name: 'reports', up: reports },
  { version: 50, name: 'single-copy-of-request', up: singleCopyOfRequest },
  { version: 60, name: 'deferred-rollups', up: deferredRollups },
  { version: 70, name: 'chain-rollups', up: chainRollups },
  { version: 80, name: 'reviews', up: reviews },
  { version: 85, name: 'webhooks', up: webhooks },
  { version: 90, name: 'receive-time-history', up: receiveTimeHistory },
  { version: 100, name: 'business-day', up: businessDay, foreignKeysOff: true },
  { version: 110, name: 'idempotency-keys', up: idempotencyKeys },
  { version: 120, name: 'test-mode', up: testMode },
  { version: 130, name: 'store-days', up: storeDays },
  { version: 140, name: 'webhook-request-id', up: webhookRequestId },
  { version: 150, name: 'webhook-leases', up: webhookLeases },
  { version: 160, name: 'separate-worlds', up: separateWorlds, foreignKeysOff: true },
  { version: 170, name: 'reviews-per-hold', up: reviewsPerHold },
  { version: 180, name: 'webhook-probes', up: webhookProbes },
  { version: 190, name: 'cases', up: cases },
  { version: 200, name: 'cards-sold', up: cardsSold, foreignKeysOff: true },
  { version: 210, name: 'stores-and-area-alerts', up: storesAndAreaAlerts },
  { version: 220, name: 'exchange-signal', up: exchangeSignal },
  { version: 230, name: 'brand-family', up: brandFamily },
  { version: 250, name: 'history-covering-index', up: historyCoveringIndex },
  { version: 260, name: 'exchange-area-alerts', up: exchangeAreaAlerts },
  { version: 280, name: 'evaluations-in-rowid-table', up: evaluationsInRowidTable, foreignKeysOff: true },
  { version: 290, name: 'drop-rule-index', up: dropRuleIndex },
];

export class DatabaseTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this code knows (${known}). Upgrade Vouchsafe before using it.`);
    this.name = 'DatabaseTooNewError';
  }
}

/** Brings the schema up to date, each migration in its own transaction. */
export function migrate(db: Database, context: MigrationContext = { timeZone: DEFAULT_TIME_ZONE }): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched outside one.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        migration.up(db, context);
        if (migration.foreignKeysOff && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new Error(`migration ${migration.version} (${migration.name}) broke a foreign key`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    } finally {
      if (migration.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
}

/** For readers that must not migrate: the schema must be exactly what this code knows. */
export function assertSchemaCurrent(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  if (current < latest) throw new Error(`The database is at schema version ${current}; start the service once to migrate it to ${latest}`);
}
