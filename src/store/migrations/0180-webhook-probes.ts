import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * When an endpoint whose deliveries all wait out a back-off may be probed next: its oldest waiting
 * delivery sent early, to learn whether the receiver answers again. A failed probe is no attempt, so
 * the endpoint, not the delivery, remembers it.
 */
export function up(db: Database): void {
  db.exec('ALTER TABLE webhook_endpoints ADD COLUMN probe_after INTEGER');
}
