import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Cases: a scam seen at or after the till, one per check, with what happened since as events. The
 * decision, prompt, answers, review and outcome stay where they are (the check's evaluations and
 * review): a case's timeline is built from them and its own events, never copied.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE cases (
      id TEXT PRIMARY KEY,
      check_id TEXT NOT NULL UNIQUE REFERENCES checks (id) ON DELETE CASCADE,
      store_id TEXT NOT NULL,
      livemode INTEGER NOT NULL,
      opened_at INTEGER NOT NULL,
      opened_reason TEXT NOT NULL CHECK (opened_reason IN ('scam_confirmed', 'hold_refused', 'reported', 'escalated')),
      status TEXT NOT NULL CHECK (status IN ('open', 'freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed')),
      reopen_status TEXT CHECK (reopen_status IN ('open', 'freeze_requested', 'frozen', 'partly_frozen', 'too_late')),
      owner TEXT,
      value_lost INTEGER,
      value_frozen INTEGER NOT NULL DEFAULT 0,
      freeze_requested_at INTEGER,
      updated_at INTEGER NOT NULL,
      version INTEGER NOT NULL DEFAULT 1,
      CHECK ((status = 'closed') = (reopen_status IS NOT NULL))
    ) STRICT;
    CREATE INDEX cases_by_world_store ON cases (livemode, store_id, id);
    CREATE INDEX cases_by_opened ON cases (opened_at);
    CREATE TABLE case_events (
      case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT,
      detail TEXT NOT NULL,
      PRIMARY KEY (case_id, seq)
    ) STRICT, WITHOUT ROWID;
  `);
}
