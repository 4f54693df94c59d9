import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

const COUNTED_COLUMNS = ['occurred_at', 'store_id', 'currency', 'lane', 'age_band', 'stored_value', 'action', 'warned', 'outcome'];

/**
 * Report roll-ups leave the till's write path. The triggers of migration 0040 ran a dozen upserts per
 * check write; these only mark the check dirty, and the roll-ups catch up in batches (set-based, one
 * upsert per store, day and segment) shortly after, and always before a report reads them. What each
 * check last contributed is kept (report_applied, report_applied_rules), so a check that changes or
 * goes is taken out exactly as it was put in.
 */
export function up(db: Database): void {
  db.exec(`
    DROP TRIGGER report_check_inserted;
    DROP TRIGGER report_check_moved;
    DROP TRIGGER report_check_changed;
    DROP TRIGGER report_check_deleted;
    DROP TRIGGER report_rule_matched;
    DROP TRIGGER report_rule_unmatched;

    CREATE TABLE report_dirty (check_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;

    CREATE TABLE report_applied (
      check_id TEXT PRIMARY KEY,
      occurred_at INTEGER NOT NULL,
      store_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      lane TEXT NOT NULL,
      age_band TEXT NOT NULL,
      stored_value INTEGER NOT NULL,
      action TEXT NOT NULL,
      warned INTEGER NOT NULL,
      outcome TEXT
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE report_applied_rules (
      check_id TEXT NOT NULL,
      rule_id TEXT NOT NULL,
      shadow INTEGER NOT NULL,
      PRIMARY KEY (check_id, rule_id)
    ) STRICT, WITHOUT ROWID;

    -- The roll-ups already count every check (0040 kept them by trigger): record that as applied.
    INSERT INTO report_applied SELECT id, ${COUNTED_COLUMNS.join(', ')} FROM checks;
    INSERT INTO report_applied_rules SELECT check_id, rule_id, shadow FROM check_rules;

    -- ON CONFLICT DO NOTHING, not OR IGNORE: inside a trigger fired by an upsert, SQLite applies the
    -- outer statement's conflict handling to OR IGNORE, and the mark would fail as a duplicate.
    CREATE TRIGGER report_mark_inserted AFTER INSERT ON checks BEGIN
      INSERT INTO report_dirty VALUES (NEW.id) ON CONFLICT DO NOTHING;
    END;
    CREATE TRIGGER report_mark_updated AFTER UPDATE OF ${COUNTED_COLUMNS.join(', ')} ON checks
    WHEN ${COUNTED_COLUMNS.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(' OR ')}
    BEGIN
      INSERT INTO report_dirty VALUES (NEW.id) ON CONFLICT DO NOTHING;
    END;
    CREATE TRIGGER report_mark_deleted AFTER DELETE ON checks BEGIN
      INSERT INTO report_dirty VALUES (OLD.id) ON CONFLICT DO NOTHING;
    END;
    CREATE TRIGGER report_mark_rule_matched AFTER INSERT ON check_rules BEGIN
      INSERT INTO report_dirty VALUES (NEW.check_id) ON CONFLICT DO NOTHING;
    END;
    CREATE TRIGGER report_mark_rule_unmatched AFTER DELETE ON check_rules BEGIN
      INSERT INTO report_dirty VALUES (OLD.check_id) ON CONFLICT DO NOTHING;
    END;
  `);
}
