/** As SQLite's migration 0150: a delivery's lease apart from its due time, and what waits per endpoint. */
export const sql = `
  ALTER TABLE webhook_deliveries ADD COLUMN lease_owner text;
  ALTER TABLE webhook_deliveries ADD COLUMN lease_until bigint;
  CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
`;
