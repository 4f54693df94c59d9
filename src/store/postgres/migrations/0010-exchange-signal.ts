// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0220: what the retailers' exchange said when each evaluation was made. */
export const sql = `
  ALTER TABLE evaluations ADD COLUMN network jsonb;
`;
