import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE checks (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      till_id TEXT NOT NULL,
      transaction_id TEXT NOT NULL,
      lane TEXT NOT NULL,
      currency TEXT NOT NULL,
      occurred_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      key_id TEXT NOT NULL,
      request_fingerprint TEXT NOT NULL,
      request TEXT NOT NULL,
      identified INTEGER NOT NULL,
      basket_total INTEGER NOT NULL,
      stored_value INTEGER NOT NULL,
      stored_value_units INTEGER NOT NULL,
      age_band TEXT NOT NULL,
      tender TEXT NOT NULL,
      answers TEXT NOT NULL,
      action TEXT NOT NULL,
      score INTEGER NOT NULL,
      warned INTEGER NOT NULL,
      prompt_id TEXT,
      revision INTEGER NOT NULL,
      rule_set_version TEXT NOT NULL,
      outcome TEXT,
      outcome_at INTEGER,
      outcome_staff_ref TEXT,
      outcome_police_reference TEXT,
      outcome_note TEXT,
      outcome_key_id TEXT,
      UNIQUE (store_id, transaction_id)
    ) STRICT;
    CREATE INDEX checks_by_time ON checks (occurred_at);
    CREATE INDEX checks_by_store_time ON checks (store_id, occurred_at);

    CREATE TABLE evaluations (
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
      PRIMARY KEY (check_id, revision)
    ) STRICT, WITHOUT ROWID;

    -- The rules that matched each check's latest evaluation, for reports by rule.
    CREATE TABLE check_rules (
      check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      rule_id TEXT NOT NULL,
      shadow INTEGER NOT NULL,
      PRIMARY KEY (check_id, rule_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX check_rules_by_rule ON check_rules (rule_id, shadow);

    -- Keyed hashes (HMAC) of loyalty ids and payment tokens: enough to link one customer's checks
    -- across stores for the history windows, not to recover the number.
    CREATE TABLE check_identities (
      identity TEXT NOT NULL,
      occurred_at INTEGER NOT NULL,
      check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      PRIMARY KEY (identity, occurred_at, check_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX check_identities_by_check ON check_identities (check_id);

    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('till', 'analyst', 'admin')),
      store_ids TEXT,
      secret_hash TEXT NOT NULL UNIQUE,
      prefix TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      revoked_at INTEGER
    ) STRICT;

    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      subject TEXT,
      detail TEXT NOT NULL
    ) STRICT;
    CREATE INDEX audit_log_by_time ON audit_log (at);
    CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE rule_sets (
      version TEXT PRIMARY KEY,
      content_hash TEXT NOT NULL,
      source TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL
    ) STRICT;

    -- Which rule set was active when: the newest row is the active one.
    CREATE TABLE rule_set_activations (
      id INTEGER PRIMARY KEY,
      version TEXT NOT NULL REFERENCES rule_sets (version),
      activated_at INTEGER NOT NULL,
      activated_by TEXT NOT NULL
    ) STRICT;
  `);
}
