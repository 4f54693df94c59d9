// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0250: a history lookup reads the earlier checks from an index alone. */
export const sql = `
  CREATE INDEX checks_for_history ON checks (id) INCLUDE (stored_value, store_id, warned, brand_family, business_day);
`;
