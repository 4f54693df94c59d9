import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

type Counter = readonly [column: string, expression: string];

const outcomeIn = (...outcomes: string[]) => `(coalesce(c.outcome, '') IN (${outcomes.map((o) => `'${o}'`).join(', ')}))`;
const stop = `(c.warned = 1 AND ${outcomeIn('scam_confirmed', 'refused', 'abandoned')})`;
const valueProtected = `(CASE WHEN ${outcomeIn('scam_confirmed', 'refused')} OR (c.warned = 1 AND ${outcomeIn('abandoned')}) THEN c.stored_value ELSE 0 END)`;

/** The counters of migration 0040, for a check `c`. */
const COUNTERS: readonly Counter[] = [
  ['checks', '1'],
  ['checks_with_stored_value', '(c.stored_value > 0)'],
  ['warned_with_stored_value', '(c.warned = 1 AND c.stored_value > 0)'],
  ['stored_value', 'c.stored_value'],
  ['action_allow', "(c.action = 'allow')"],
  ['action_prompt', "(c.action = 'prompt')"],
  ['action_hold', "(c.action = 'hold')"],
  ['action_refuse', "(c.action = 'refuse')"],
  ['warned', 'c.warned'],
  ['outcome_proceeded', outcomeIn('proceeded')],
  ['outcome_proceeded_after_warning', outcomeIn('proceeded_after_warning')],
  ['outcome_abandoned', outcomeIn('abandoned')],
  ['outcome_scam_confirmed', outcomeIn('scam_confirmed')],
  ['outcome_refused', outcomeIn('refused')],
  ['warned_with_outcome', '(c.warned = 1 AND c.outcome IS NOT NULL)'],
  ['warned_then_sold', `(c.warned = 1 AND ${outcomeIn('proceeded', 'proceeded_after_warning')})`],
  ['stops', stop],
  ['value_protected', valueProtected],
];
const RULE_COUNTERS: readonly Counter[] = [
  ['hits', '1'],
  ['stops', stop],
  ['value_protected', valueProtected],
];

/** The store's calendar day of the check (its business day, migration 0100) as days since 1970-01-01. */
const DAY = 'unixepoch(c.business_day) / 86400';
/** Blocks are 32 of those days, as migration 0040 made them. */
const BLOCK_DAYS = 32;
const SEGMENTS = [
  { dimension: "'all'", segment: "''" },
  { dimension: "'age_band'", segment: 'c.age_band' },
  { dimension: "'lane'", segment: 'c.lane' },
];
const CHECK_KEYS = ['dimension', 'store_id', 'currency', 'segment'];
const RULE_KEYS = ['store_id', 'currency', 'rule_id', 'shadow'];

const sums = (counters: readonly Counter[]) => counters.map(([, expression]) => `sum(${expression})`).join(', ');
const columns = (counters: readonly Counter[]) => counters.map(([column]) => column).join(', ');

/**
 * Report days become the store's calendar days (VOUCHSAFE_TIMEZONE) instead of UTC days, so a check
 * made at 00:30 on a summer night counts on that night's date, not the day before. Every roll-up is
 * built again from the live checks, whose business day already says which day that is, and what
 * each check contributes is recorded with its day (report_applied.business_day), so the catch-up
 * takes a check out of exactly the day it was put in. Nothing is carried over from the UTC rows, so
 * nothing can count twice; nothing is left dirty, so nothing is missed. Runs in one transaction.
 */
export function up(db: Database): void {
  db.exec(`
    DELETE FROM report_days;
    DELETE FROM report_blocks;
    DELETE FROM report_rule_days;
    DELETE FROM report_rule_blocks;
    DELETE FROM report_dirty;
    DROP TABLE report_applied;
    DELETE FROM report_applied_rules;
    CREATE TABLE report_applied (
      check_id TEXT PRIMARY KEY,
      occurred_at INTEGER NOT NULL,
      business_day TEXT NOT NULL,
      store_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      lane TEXT NOT NULL,
      age_band TEXT NOT NULL,
      stored_value INTEGER NOT NULL,
      action TEXT NOT NULL,
      warned INTEGER NOT NULL,
      outcome TEXT
    ) STRICT, WITHOUT ROWID;
  `);
  // Each store's days straight from the checks: the only passes over them (NOT INDEXED: a scan in
  // table order, several times quicker than walking an index and looking every row up).
  for (const { dimension, segment } of SEGMENTS) {
    db.exec(`
      INSERT INTO report_days (dimension, store_id, day, currency, segment, ${columns(COUNTERS)})
      SELECT ${dimension}, c.store_id, ${DAY}, c.currency, ${segment}, ${sums(COUNTERS)}
      FROM checks c NOT INDEXED WHERE c.livemode = 1 GROUP BY 1, 2, 3, 4, 5`);
  }
  db.exec(`
    INSERT INTO report_rule_days (store_id, day, currency, rule_id, shadow, ${columns(RULE_COUNTERS)})
    SELECT c.store_id, ${DAY}, c.currency, r.rule_id, r.shadow, ${sums(RULE_COUNTERS)}
    FROM check_rules r CROSS JOIN checks c ON c.id = r.check_id WHERE c.livemode = 1 GROUP BY 1, 2, 3, 4, 5`);
  // The rest from those rows, which are far fewer than checks: the chain's days (store '*', migration
  // 0070) as the sum over the stores, then 32-day blocks of every day row.
  const derive = (from: string, to: string, keys: string[], counters: readonly Counter[]) => {
    const chain = (key: string) => (key === 'store_id' ? "'*'" : key);
    db.exec(`
      INSERT INTO ${from} (${keys.join(', ')}, day, ${columns(counters)})
      SELECT ${keys.map(chain).join(', ')}, day, ${counters.map(([column]) => `sum(${column})`).join(', ')}
      FROM ${from} WHERE store_id != '*' GROUP BY ${keys.filter((key) => key !== 'store_id').join(', ')}, day;
      INSERT INTO ${to} (${keys.join(', ')}, block, ${columns(counters)})
      SELECT ${keys.join(', ')}, day / ${BLOCK_DAYS}, ${counters.map(([column]) => `sum(${column})`).join(', ')}
      FROM ${from} GROUP BY ${keys.join(', ')}, day / ${BLOCK_DAYS};`);
  };
  derive('report_days', 'report_blocks', CHECK_KEYS, COUNTERS);
  derive('report_rule_days', 'report_rule_blocks', RULE_KEYS, RULE_COUNTERS);
  db.exec(`
    INSERT INTO report_applied (check_id, occurred_at, business_day, store_id, currency, lane, age_band, stored_value, action, warned, outcome)
    SELECT id, occurred_at, business_day, store_id, currency, lane, age_band, stored_value, action, warned, outcome FROM checks WHERE livemode = 1;
    INSERT INTO report_applied_rules (check_id, rule_id, shadow)
    SELECT r.check_id, r.rule_id, r.shadow FROM check_rules r JOIN checks c ON c.id = r.check_id WHERE c.livemode = 1;
  `);
}
