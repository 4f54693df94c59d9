import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Evaluations move from a WITHOUT ROWID table to an ordinary one keyed the same way. A WITHOUT ROWID
 * table keeps its rows in an index b-tree, where a row longer than about 1,000 bytes (an evaluation
 * is about 1,500: the basket, the history windows, the reasons) spills into an overflow page of its
 * own: every evaluation took a whole 4 KiB page, two thirds of it empty, and every check wrote that
 * page besides its leaf. In an ordinary table the same rows sit two or three to a page.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE evaluations_in_rows (
      check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      revision INTEGER NOT NULL,
      trigger TEXT NOT NULL,
      evaluated_at INTEGER NOT NULL,
      request TEXT NOT NULL,
      answers TEXT NOT NULL,
      history TEXT NOT NULL,
      action TEXT NOT NULL,
      score INTEGER NOT NULL,
      reasons TEXT NOT NULL,
      shadow_reasons TEXT NOT NULL,
      prompt_id TEXT,
      prompt TEXT,
      rule_set_version TEXT NOT NULL,
      request_fingerprint TEXT,
      area TEXT,
      network TEXT,
      PRIMARY KEY (check_id, revision)
    ) STRICT;
    INSERT INTO evaluations_in_rows (
      check_id, revision, trigger, evaluated_at, request, answers, history, action, score, reasons, shadow_reasons,
      prompt_id, prompt, rule_set_version, request_fingerprint, area, network
    )
    SELECT check_id, revision, trigger, evaluated_at, request, answers, history, action, score, reasons, shadow_reasons,
      prompt_id, prompt, rule_set_version, request_fingerprint, area, network
    FROM evaluations ORDER BY check_id, revision;
    DROP TABLE evaluations;
    ALTER TABLE evaluations_in_rows RENAME TO evaluations;
  `);
}
