// Frozen once released: it spells out its own SQL.

/**
 * Test and live are two worlds: a transaction id is unique per store, business day and world, so a
 * test till reusing a live till's transaction id makes its own check instead of blocking the live one.
 * A webhook endpoint belongs to the world of the key that made it; those made so far are live.
 */
export const sql = `
  ALTER TABLE checks DROP CONSTRAINT checks_one_per_transaction;
  ALTER TABLE checks ADD CONSTRAINT checks_one_per_transaction UNIQUE (store_id, livemode, transaction_id, business_day);
  ALTER TABLE webhook_endpoints ADD COLUMN livemode boolean NOT NULL DEFAULT true;
`;
