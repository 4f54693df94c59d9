import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/** The request that caused a webhook event (its X-Request-Id): sent with every delivery of it. Null for events from background work. */
export function up(db: Database): void {
  db.exec('ALTER TABLE webhook_events ADD COLUMN request_id TEXT');
}
