import type { Database } from 'better-sqlite3';

/**
 * A check may be held again after a release (a basket that asks for more than the supervisor saw), so
 * it has a review per hold, keyed by the revision that opened it; a release records the revision it
 * covers. A review already stored belongs to the check's first held revision, and a release already
 * stored covers the check as it stands, so no sale under way is held again by the upgrade.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE reviews_per_hold (
      check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      revision INTEGER NOT NULL,
      store_id TEXT NOT NULL,
      opened_at INTEGER NOT NULL,
      deadline INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'released', 'refused', 'expired')),
      closed_at INTEGER,
      closed_by TEXT CHECK (closed_by IN ('supervisor', 'decision', 'outcome', 'deadline')),
      supervisor_ref TEXT,
      closed_key_id TEXT,
      reason TEXT,
      released_revision INTEGER,
      CHECK ((status = 'open') = (closed_at IS NULL AND closed_by IS NULL)),
      CHECK (released_revision IS NULL OR status = 'released'),
      PRIMARY KEY (check_id, revision)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO reviews_per_hold
      SELECT r.check_id,
        coalesce((SELECT min(e.revision) FROM evaluations e WHERE e.check_id = r.check_id AND e.action = 'hold'), 1),
        r.store_id, r.opened_at, r.deadline, r.status, r.closed_at, r.closed_by, r.supervisor_ref, r.closed_key_id, r.reason,
        CASE WHEN r.status = 'released' THEN (SELECT c.revision FROM checks c WHERE c.id = r.check_id) END
      FROM reviews r;
    DROP TABLE reviews;
    ALTER TABLE reviews_per_hold RENAME TO reviews;
    CREATE INDEX reviews_open_by_store ON reviews (store_id, opened_at) WHERE status = 'open';
    CREATE INDEX reviews_open_by_deadline ON reviews (deadline) WHERE status = 'open';
    CREATE INDEX reviews_by_opened ON reviews (opened_at);
    CREATE INDEX reviews_by_store_opened ON reviews (store_id, opened_at);
    CREATE INDEX reviews_by_store_closed ON reviews (store_id, closed_at) WHERE closed_at IS NOT NULL;
  `);
}
