// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0180: when an endpoint whose deliveries all wait may be probed next. */
export const sql = `
  ALTER TABLE webhook_endpoints ADD COLUMN probe_after bigint;
`;
