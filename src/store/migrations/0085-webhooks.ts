import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Webhooks and their outbox. An event is written in the same transaction as the change that caused
 * it, with one delivery per endpoint that wants it; a worker sends what is due and records every
 * attempt, so nothing is lost to a restart and a retry sends the same event id again.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE webhook_endpoints (
      id TEXT PRIMARY KEY,
      url TEXT NOT NULL,
      events TEXT NOT NULL,
      description TEXT,
      -- The signing secret has to be kept as it is: the service signs with it.
      secret TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      deleted_at INTEGER
    ) STRICT;

    CREATE TABLE webhook_events (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      occurred_at INTEGER NOT NULL,
      -- The body exactly as sent and signed, every attempt alike.
      payload TEXT NOT NULL
    ) STRICT;
    CREATE INDEX webhook_events_by_time ON webhook_events (occurred_at);

    CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
      event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER,
      delivered_at INTEGER,
      UNIQUE (endpoint_id, event_id),
      CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
    ) STRICT;
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

    CREATE TABLE webhook_attempts (
      delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
      attempt INTEGER NOT NULL,
      at INTEGER NOT NULL,
      duration_ms INTEGER NOT NULL,
      status_code INTEGER,
      error TEXT,
      PRIMARY KEY (delivery_id, attempt)
    ) STRICT, WITHOUT ROWID;
  `);
}
