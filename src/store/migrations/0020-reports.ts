import type { Database } from 'better-sqlite3';

// This migration is frozen once released: it spells out its own SQL rather than sharing code that
// may change later.

const DAY_MS = 86_400_000;

/** 0 or 1, never NULL: a check without an outcome yet is in none of the lists. */
const outcomeIn = (x: string, ...outcomes: string[]) => `(coalesce(${x}.outcome, '') IN (${outcomes.map((o) => `'${o}'`).join(', ')}))`;

/** A check counts as a stop if Vouchsafe warned and the sale did not go ahead. */
const stop = (x: string) => `(${x}.warned = 1 AND ${outcomeIn(x, 'scam_confirmed', 'refused', 'abandoned')})`;

/** Stored value that did not reach a scammer: refused or confirmed scams, and walk-aways after a warning. */
const valueProtected = (x: string) =>
  `(CASE WHEN ${outcomeIn(x, 'scam_confirmed', 'refused')} OR (${x}.warned = 1 AND ${outcomeIn(x, 'abandoned')}) THEN ${x}.stored_value ELSE 0 END)`;

/** The counters kept per day, store and currency; every report figure is a sum of these or a ratio of two sums. */
const COUNTERS: ReadonlyArray<readonly [column: string, expression: (x: string) => string]> = [
  ['checks', () => '1'],
  ['checks_with_stored_value', (x) => `(${x}.stored_value > 0)`],
  ['warned_with_stored_value', (x) => `(${x}.warned = 1 AND ${x}.stored_value > 0)`],
  ['stored_value', (x) => `${x}.stored_value`],
  ['action_allow', (x) => `(${x}.action = 'allow')`],
  ['action_prompt', (x) => `(${x}.action = 'prompt')`],
  ['action_hold', (x) => `(${x}.action = 'hold')`],
  ['action_refuse', (x) => `(${x}.action = 'refuse')`],
  ['warned', (x) => `${x}.warned`],
  ['outcome_proceeded', (x) => outcomeIn(x, 'proceeded')],
  ['outcome_proceeded_after_warning', (x) => outcomeIn(x, 'proceeded_after_warning')],
  ['outcome_abandoned', (x) => outcomeIn(x, 'abandoned')],
  ['outcome_scam_confirmed', (x) => outcomeIn(x, 'scam_confirmed')],
  ['outcome_refused', (x) => outcomeIn(x, 'refused')],
  ['warned_with_outcome', (x) => `(${x}.warned = 1 AND ${x}.outcome IS NOT NULL)`],
  ['warned_then_sold', (x) => `(${x}.warned = 1 AND ${outcomeIn(x, 'proceeded', 'proceeded_after_warning')})`],
  ['stops', stop],
  ['value_protected', valueProtected],
];

const RULE_COUNTERS: ReadonlyArray<readonly [column: string, expression: (x: string) => string]> = [
  ['hits', () => '1'],
  ['stops', stop],
  ['value_protected', valueProtected],
];

/** The columns of the checks table that any counter or key reads: an update touching none of them changes no report. */
const REPORTED_COLUMNS = ['occurred_at', 'store_id', 'currency', 'lane', 'age_band', 'stored_value', 'action', 'warned', 'outcome'];

const day = (x: string) => `${x}.occurred_at / ${DAY_MS}`;
const signed = (sign: 1 | -1, expression: string) => (sign === 1 ? expression : `-(${expression})`);
const addCounters = (columns: readonly (readonly [string, unknown])[]) =>
  columns.map(([column]) => `${column} = ${column} + excluded.${column}`).join(', ');

/** Adds (sign 1) or takes away (sign -1) one check's contribution to the day roll-up: overall, by age band, by lane. */
function dayRollup(x: 'NEW' | 'OLD', sign: 1 | -1): string {
  const counters = COUNTERS.map(([, expression]) => signed(sign, expression(x))).join(', ');
  const row = (dimension: string, segment: string) =>
    `('${dimension}', ${day(x)}, ${x}.store_id, ${x}.currency, ${segment}, ${counters})`;
  return `
    INSERT INTO report_days (dimension, day, store_id, currency, segment, ${COUNTERS.map(([column]) => column).join(', ')})
    VALUES ${row('all', "''")}, ${row('age_band', `${x}.age_band`)}, ${row('lane', `${x}.lane`)}
    ON CONFLICT DO UPDATE SET ${addCounters(COUNTERS)};`;
}

/**
 * Adds or takes away check `x`'s contribution to each rule that `source` selects (its FROM clause, ending
 * in WHERE so that SQLite does not read the upsert's ON as a join's).
 */
function ruleRollup(x: string, sign: 1 | -1, source: { rule: string; shadow: string; from: string }): string {
  const counters = RULE_COUNTERS.map(([, expression]) => signed(sign, expression(x))).join(', ');
  return `
    INSERT INTO report_rule_days (day, store_id, currency, rule_id, shadow, ${RULE_COUNTERS.map(([column]) => column).join(', ')})
    SELECT ${day(x)}, ${x}.store_id, ${x}.currency, ${source.rule}, ${source.shadow}, ${counters} FROM ${source.from}
    ON CONFLICT DO UPDATE SET ${addCounters(RULE_COUNTERS)};`;
}

const rulesOf = (x: string) => ({ rule: 'r.rule_id', shadow: 'r.shadow', from: `check_rules r WHERE r.check_id = ${x}.id` });
const checkOf = (x: string) => ({ rule: `${x}.rule_id`, shadow: `${x}.shadow`, from: `checks c WHERE c.id = ${x}.check_id` });

export function up(db: Database): void {
  const counterColumns = (columns: typeof COUNTERS) => columns.map(([column]) => `${column} INTEGER NOT NULL`).join(',\n      ');
  db.exec(`
    -- Daily roll-ups for reports, kept by triggers in the same transaction as every write to checks
    -- and check_rules, so a check decided again, answered or given an outcome moves its counts with it.
    -- day: whole days since 1970-01-01 UTC of occurred_at. dimension 'all' has one row per day, store
    -- and currency (segment ''); 'age_band' and 'lane' split the same counts by that column.
    CREATE TABLE report_days (
      dimension TEXT NOT NULL CHECK (dimension IN ('all', 'age_band', 'lane')),
      day INTEGER NOT NULL,
      store_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      segment TEXT NOT NULL,
      ${counterColumns(COUNTERS)},
      PRIMARY KEY (dimension, day, store_id, currency, segment)
    ) STRICT, WITHOUT ROWID;

    -- The same by rule, for the rules matched by each check's latest evaluation (shadow rules too).
    CREATE TABLE report_rule_days (
      day INTEGER NOT NULL,
      store_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      rule_id TEXT NOT NULL,
      shadow INTEGER NOT NULL,
      ${counterColumns(RULE_COUNTERS)},
      PRIMARY KEY (day, store_id, currency, rule_id, shadow)
    ) STRICT, WITHOUT ROWID;

    CREATE TRIGGER report_check_inserted AFTER INSERT ON checks BEGIN
      ${dayRollup('NEW', 1)}
    END;

    CREATE TRIGGER report_check_updated AFTER UPDATE OF ${REPORTED_COLUMNS.join(', ')} ON checks
    WHEN ${REPORTED_COLUMNS.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(' OR ')}
    BEGIN
      ${dayRollup('OLD', -1)}
      ${dayRollup('NEW', 1)}
      ${ruleRollup('OLD', -1, rulesOf('OLD'))}
      ${ruleRollup('NEW', 1, rulesOf('NEW'))}
    END;

    -- BEFORE, not AFTER: a cascade removes the check's rules before an AFTER trigger could see them,
    -- and the rules' own delete trigger no longer finds the check then, so nothing is taken away twice.
    CREATE TRIGGER report_check_deleted BEFORE DELETE ON checks BEGIN
      ${dayRollup('OLD', -1)}
      ${ruleRollup('OLD', -1, rulesOf('OLD'))}
    END;

    CREATE TRIGGER report_rule_matched AFTER INSERT ON check_rules BEGIN
      ${ruleRollup('c', 1, checkOf('NEW'))}
    END;

    CREATE TRIGGER report_rule_unmatched AFTER DELETE ON check_rules BEGIN
      ${ruleRollup('c', -1, checkOf('OLD'))}
    END;

    -- Latest interventions, newest first, without reading every ordinary sale.
    CREATE INDEX checks_warned_by_time ON checks (occurred_at) WHERE warned = 1;

    -- Dashboard sessions: the cookie carries a random token; only its SHA-256 is kept here.
    CREATE TABLE dashboard_sessions (
      token_hash TEXT PRIMARY KEY,
      key_id TEXT NOT NULL REFERENCES api_keys (id),
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
  `);

  // Checks recorded before this migration.
  const backfill = (dimension: string, segment: string) => `
    INSERT INTO report_days (dimension, day, store_id, currency, segment, ${COUNTERS.map(([column]) => column).join(', ')})
    SELECT '${dimension}', ${day('c')}, c.store_id, c.currency, ${segment}, ${COUNTERS.map(([, expression]) => `sum(${expression('c')})`).join(', ')}
    FROM checks c GROUP BY 2, 3, 4, 5;`;
  db.exec(`
    ${backfill('all', "''")}
    ${backfill('age_band', 'c.age_band')}
    ${backfill('lane', 'c.lane')}
    INSERT INTO report_rule_days (day, store_id, currency, rule_id, shadow, ${RULE_COUNTERS.map(([column]) => column).join(', ')})
    SELECT ${day('c')}, c.store_id, c.currency, r.rule_id, r.shadow, ${RULE_COUNTERS.map(([, expression]) => `sum(${expression('c')})`).join(', ')}
    FROM check_rules r JOIN checks c ON c.id = r.check_id GROUP BY 1, 2, 3, 4, 5;
  `);
}
