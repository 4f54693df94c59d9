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

export interface Migration {
  /** Steps of 10, so a fix can slot in between. Stored in PRAGMA user_version. */
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
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
];

export class DatabaseTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`The database is at schema version ${found}, newer than this code knows (${known}). Upgrade Vouchsafe before using it.`);
    this.name = 'DatabaseTooNewError';
  }
}

/** Brings the schema up to date, each migration in its own transaction. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/** For readers that must not migrate: the schema must be exactly what this code knows. */
export function assertSchemaCurrent(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new DatabaseTooNewError(current, latest);
  if (current < latest) throw new Error(`The database is at schema version ${current}; start the service once to migrate it to ${latest}`);
}
