// Frozen once released: it spells out its own SQL.

/** As SQLite's migration 0230: the brand family of each check's gift cards, '' for checks stored before it. */
export const sql = `
  ALTER TABLE checks ADD COLUMN brand_family text NOT NULL DEFAULT '';
`;
