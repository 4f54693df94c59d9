// Frozen once released: it spells out its own SQL.

/**
 * SQLite's 0170: a check may be held again after a release, so it has a review per hold, keyed by the
 * revision that opened it; a release records the revision it covers. A review already stored belongs
 * to the check's first held revision, and a release already stored covers the check as it stands.
 */
export const sql = `
  ALTER TABLE reviews ADD COLUMN revision integer, ADD COLUMN released_revision integer;
  UPDATE reviews r SET
    revision = coalesce((SELECT min(e.revision) FROM evaluations e WHERE e.check_id = r.check_id AND e.action = 'hold'), 1),
    released_revision = CASE WHEN r.status = 'released' THEN (SELECT c.revision FROM checks c WHERE c.id = r.check_id) END;
  ALTER TABLE reviews
    ALTER COLUMN revision SET NOT NULL,
    DROP CONSTRAINT reviews_pkey,
    ADD PRIMARY KEY (check_id, revision),
    ADD CHECK (released_revision IS NULL OR status = 'released');
`;
