import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * A delivery being sent is leased apart from when it is due: `lease_owner` names the claim that sends
 * it and only that claim may record the attempt; `lease_until` is when a sender that died is given up
 * and the delivery may be claimed again. Due time and lease no longer share a column, so bringing an
 * endpoint's waiting deliveries forward never touches one in flight.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE webhook_deliveries ADD COLUMN lease_owner TEXT;
    ALTER TABLE webhook_deliveries ADD COLUMN lease_until INTEGER;
    -- What waits for one endpoint, for bringing it forward when the receiver answers again.
    CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
  `);
}
