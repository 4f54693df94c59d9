// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0260: own alerts waiting to be shared with the exchange, and other members' alerts it relayed. */
export const sql = `
  ALTER TABLE area_alerts ADD COLUMN exchange_state text CHECK (exchange_state IN ('pending', 'shared'));
  ALTER TABLE area_alerts ADD COLUMN exchange_id text;
  ALTER TABLE area_alerts ADD COLUMN exchange_value_band text;
  CREATE INDEX area_alerts_to_share ON area_alerts (expires_at) WHERE exchange_state = 'pending';
  CREATE TABLE relayed_area_alerts (
    id text PRIMARY KEY,
    district text NOT NULL,
    raised_at bigint NOT NULL,
    received_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    brands jsonb NOT NULL,
    value_band text NOT NULL,
    action text NOT NULL
  );
  CREATE INDEX relayed_area_alerts_live ON relayed_area_alerts (district, expires_at);
  CREATE INDEX relayed_area_alerts_received ON relayed_area_alerts (received_at);
`;
