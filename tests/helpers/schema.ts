import type Database from 'better-sqlite3';

/** Undoes migration 0160: transaction ids unique per store and day again, whatever the world; webhooks without a world. */
export function undoSeparateWorlds(db: Database.Database): void {
  db.pragma('foreign_keys = OFF');
  const sql = db.prepare<[], string>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'checks'").pluck().get()!;
  const dependents = db
    .prepare<[], string>("SELECT sql FROM sqlite_schema WHERE tbl_name = 'checks' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    .pluck()
    .all();
  db.exec(sql.replace(/^CREATE TABLE "?checks"?/, 'CREATE TABLE checks_old')
    .replace('UNIQUE (store_id, livemode, transaction_id, business_day)', 'UNIQUE (store_id, transaction_id, business_day)'));
  db.exec(`
    INSERT INTO checks_old SELECT * FROM checks;
    DROP TABLE checks;
    ALTER TABLE checks_old RENAME TO checks;
    ALTER TABLE webhook_endpoints DROP COLUMN livemode;
  `);
  for (const dependent of dependents) db.exec(dependent);
}

/** Undoes migration 0100: the checks table back to one transaction id per store, without business days. */
export function undoBusinessDays(db: Database.Database): void {
  // Dropping the checks table with foreign keys on would take every evaluation and rule hit with it.
  db.pragma('foreign_keys = OFF');
  const sql = db.prepare<[], string>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'checks'").pluck().get()!;
  const dependents = db
    .prepare<[], string>("SELECT sql FROM sqlite_schema WHERE tbl_name = 'checks' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    .pluck()
    .all();
  const columns = db.prepare<[], string>("SELECT name FROM pragma_table_info('checks') WHERE name != 'business_day'").pluck().all();
  db.exec(sql.replace(/^CREATE TABLE "?checks"?/, 'CREATE TABLE checks_old')
    .replace(/business_day TEXT NOT NULL,\s*UNIQUE \(store_id, transaction_id, business_day\)/, 'UNIQUE (store_id, transaction_id)'));
  db.exec(`
    INSERT INTO checks_old (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM checks;
    DROP TABLE checks;
    ALTER TABLE checks_old RENAME TO checks;
  `);
  for (const dependent of dependents) db.exec(dependent);
}

/** Undoes migration 0120: no key modes, no test checks. */
export function undoTestMode(db: Database.Database): void {
  db.exec(`
    DROP INDEX checks_test_by_time;
    ALTER TABLE checks DROP COLUMN livemode;
    ALTER TABLE api_keys DROP COLUMN mode;
  `);
}

/**
 * Undoes every migration after 0130 (store days), newest first: a test that winds a database back to
 * an older schema calls this first, so a new migration needs its undo here and nowhere else.
 */
export function undoAfterStoreDays(db: Database.Database): void {
  undoDropRuleIndex(db);
  undoEvaluationsInRowidTable(db);
  undoExchangeAreaAlerts(db);
  undoHistoryCoveringIndex(db);
  undoBrandFamily(db);
  undoExchangeSignal(db);
  undoStoresAndAreaAlerts(db);
  undoCardsSold(db);
  undoCases(db);
  undoWebhookProbes(db);
  undoReviewsPerHold(db);
  undoSeparateWorlds(db);
  // 0150: webhook deliveries' leases.
  db.exec(`
    DROP INDEX webhook_deliveries_waiting;
    ALTER TABLE webhook_deliveries DROP COLUMN lease_owner;
    ALTER TABLE webhook_deliveries DROP COLUMN lease_until;
  `);
  // 0140: the request behind a webhook event.
  db.exec('ALTER TABLE webhook_events DROP COLUMN request_id');
}

/** Undoes migration 0200: no cards sold, no processor keys. */
export function undoCardsSold(db: Database.Database): void {
  db.pragma('foreign_keys = OFF');
  const sql = db.prepare<[], string>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'api_keys'").pluck().get()!;
  db.exec(sql.replace(/^CREATE TABLE "?api_keys"?/, 'CREATE TABLE api_keys_old').replace(", 'processor'", ''));
  db.exec(`
    DROP TABLE check_cards;
    INSERT INTO api_keys_old SELECT * FROM api_keys WHERE role != 'processor';
    DROP TABLE api_keys;
    ALTER TABLE api_keys_old RENAME TO api_keys;
  `);
}

/** Undoes migration 0190: no cases. */
export function undoCases(db: Database.Database): void {
  db.exec('DROP TABLE case_events; DROP TABLE cases;');
}

/** Undoes migration 0210: no store records, no area alerts. */
export function undoStoresAndAreaAlerts(db: Database.Database): void {
  db.exec(`
    DROP TABLE stores;
    DROP TABLE unknown_stores;
    DROP TABLE area_alerts;
    ALTER TABLE evaluations DROP COLUMN area;
  `);
}

/** Undoes migration 0230: checks without their brand family. */
export function undoBrandFamily(db: Database.Database): void {
  db.exec('ALTER TABLE checks DROP COLUMN brand_family');
}

/** Undoes migration 0260: no alert waits to be shared, none relayed by the exchange is kept. */
export function undoExchangeAreaAlerts(db: Database.Database): void {
  db.exec(`
    DROP TABLE relayed_area_alerts;
    DROP INDEX area_alerts_to_share;
    ALTER TABLE area_alerts DROP COLUMN exchange_state;
    ALTER TABLE area_alerts DROP COLUMN exchange_id;
    ALTER TABLE area_alerts DROP COLUMN exchange_value_band;
  `);
}

/** Undoes migration 0290: the index of checks' rules by rule is back. */
export function undoDropRuleIndex(db: Database.Database): void {
  db.exec('CREATE INDEX check_rules_by_rule ON check_rules (rule_id, shadow)');
}

/** Undoes migration 0280: evaluations back in a WITHOUT ROWID table. */
export function undoEvaluationsInRowidTable(db: Database.Database): void {
  const sql = db.prepare<[], string>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'evaluations'").pluck().get()!;
  db.pragma('foreign_keys = OFF');
  db.exec(sql.replace(/^CREATE TABLE "?evaluations"?/, 'CREATE TABLE evaluations_old').replace(/\) STRICT$/, ') STRICT, WITHOUT ROWID'));
  db.exec('INSERT INTO evaluations_old SELECT * FROM evaluations; DROP TABLE evaluations; ALTER TABLE evaluations_old RENAME TO evaluations;');
}

/** Undoes migration 0250: history lookups read the checks table again. */
export function undoHistoryCoveringIndex(db: Database.Database): void {
  db.exec('DROP INDEX checks_for_history');
}

/** Undoes migration 0220: what the retailers' exchange said per evaluation. */
export function undoExchangeSignal(db: Database.Database): void {
  db.exec('ALTER TABLE evaluations DROP COLUMN network');
}

/** Undoes migration 0180: no endpoint remembers when it may be probed. */
export function undoWebhookProbes(db: Database.Database): void {
  db.exec('ALTER TABLE webhook_endpoints DROP COLUMN probe_after');
}

/** Undoes migration 0170: one review per check, as 0080 made it. */
export function undoReviewsPerHold(db: Database.Database): void {
  db.exec(`
  CREATE TABLE reviews_before (
    check_id TEXT PRIMARY KEY REFERENCES checks (id) ON DELETE CASCADE,
    store_id TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'released', 'refused', 'expired')),
    closed_at INTEGER,
    closed_by TEXT CHECK (closed_by IN ('supervisor', 'decision', 'outcome', 'deadline')),
    supervisor_ref TEXT,
    closed_key_id TEXT,
    reason TEXT,
    CHECK ((status = 'open') = (closed_at IS NULL AND closed_by IS NULL))
  ) STRICT, WITHOUT ROWID;
  INSERT INTO reviews_before SELECT check_id, store_id, opened_at, deadline, status, closed_at, closed_by, supervisor_ref, closed_key_id, reason FROM reviews;
  DROP TABLE reviews;
  ALTER TABLE reviews_before RENAME TO reviews;
  `);
}
