// Frozen once released: it spells out its own SQL.

/** The request that caused a webhook event (its X-Request-Id): sent with every delivery of it. Null for events from background work. */
export const sql = 'ALTER TABLE webhook_events ADD COLUMN request_id text';
