import type { Database } from 'better-sqlite3';

/** Two-person approval of rule sets: a version can wait for review, and records who reviewed it. */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE rule_sets ADD COLUMN note TEXT;
    ALTER TABLE rule_sets ADD COLUMN status TEXT NOT NULL DEFAULT 'approved'
      CHECK (status IN ('pending', 'approved', 'rejected'));
    ALTER TABLE rule_sets ADD COLUMN reviewed_by TEXT;
    ALTER TABLE rule_sets ADD COLUMN reviewed_at INTEGER;
    UPDATE rule_sets SET reviewed_by = created_by, reviewed_at = created_at;
    CREATE INDEX rule_sets_by_creation ON rule_sets (created_at);
  `);
}
