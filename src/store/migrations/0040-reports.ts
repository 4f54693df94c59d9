import type { Database } from 'better-sqlite3';

// This migration is frozen once released: it spells out its own SQL rather than sharing code that
// may change later.

const DAY_MS = 86_400_000;

type Counter = readonly [column: string, expression: (x: string) => string];

/** 0 or 1, never NULL: a check without an outcome yet is in none of the lists. */
const outcomeIn = (x: string, ...outcomes: string[]) => `(coalesce(${x}.outcome, '') IN (${outcomes.map((o) => `'${o}'`).join(', ')}))`;

/** A check counts as a stop if Vouchsafe warned and the sale did not go ahead. */
const stop = (x: string) => `(${x}.warned = 1 AND ${outcomeIn(x, 'scam_confirmed', 'refused', 'abandoned')})`;

/** Stored value that did not reach a scammer: refused or confirmed scams, and walk-aways after a warning. */
const valueProtected = (x: string) =>
  `(CASE WHEN ${outcomeIn(x, 'scam_confirmed', 'refused')} OR (${x}.warned = 1 AND ${outcomeIn(x, 'abandoned')}) THEN ${x}.stored_value ELSE 0 END)`;

/** The counters kept per day, store and currency; every report figure is a sum of these or a ratio of two sums. */
const COUNTERS: readonly Counter[] = [
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

const RULE_COUNTERS: readonly Counter[] = [
  ['hits', () => '1'],
  ['stops', stop],
  ['value_protected', valueProtected],
];

/** A check's contribution to one roll-up: its value in `x`, its value in NEW less that in OLD, or taken away. */
type Contribution = { of: string; sign: 1 | -1 } | { delta: true };

const counterValues = (counters: readonly Counter[], contribution: Contribution) =>
  counters
    .map(([, expression]) => {
      if ('delta' in contribution) return `${expression('NEW')} - ${expression('OLD')}`;
      return contribution.sign === 1 ? expression(contribution.of) : `-(${expression(contribution.of)})`;
    })
    .join(', ');

const upsert = (table: string, keys: readonly string[], counters: readonly Counter[]) =>
  `INSERT INTO ${table} (${keys.join(', ')}, ${counters.map(([column]) => column).join(', ')})`;
const addUp = (counters: readonly Counter[]) =>
  `ON CONFLICT DO UPDATE SET ${counters.map(([column]) => `${column} = ${column} + excluded.${column}`).join(', ')};`;

const day = (x: string) => `${x}.occurred_at / ${DAY_MS}`;
/**
 * 32-day blocks since 1970-01-01 UTC. Any coarse span serves (a report takes whole blocks from here and
 * the days either side from the daily tables); this one costs a division in the trigger, where a
 * calendar month cost two calls to strftime: more than the rest of the trigger together, measured.
 */
// Frozen with this migration: live code has its own copy (store/report-rollups.ts), which must agree.
const BLOCK_DAYS = 32;
const block = (x: string) => `${x}.occurred_at / ${DAY_MS * BLOCK_DAYS}`;

/**
 * The roll-up tables and how a check keys its row in each: by store and day (the edges of a period and
 * every by-day figure) and by store and block (the whole blocks inside a period). There is no table for
 * the whole chain: it made reports over every store faster still, but cost each write another third.
 */
const ROLLUPS = [
  { table: 'report_days', keys: { dimension: null, store_id: (x: string) => `${x}.store_id`, day, currency: (x: string) => `${x}.currency`, segment: null } },
  { table: 'report_blocks', keys: { dimension: null, store_id: (x: string) => `${x}.store_id`, block, currency: (x: string) => `${x}.currency`, segment: null } },
] as const;
const RULE_ROLLUPS = [
  { table: 'report_rule_days', keys: { store_id: (x: string) => `${x}.store_id`, day, currency: (x: string) => `${x}.currency`, rule_id: null, shadow: null } },
  { table: 'report_rule_blocks', keys: { store_id: (x: string) => `${x}.store_id`, block, currency: (x: string) => `${x}.currency`, rule_id: null, shadow: null } },
] as const;
const SEGMENTS = [
  { dimension: "'all'", segment: () => "''" },
  { dimension: "'age_band'", segment: (x: string) => `${x}.age_band` },
  { dimension: "'lane'", segment: (x: string) => `${x}.lane` },
];

/** The values of a roll-up's key columns for check `x`; `fill` gives those that do not come from the check. */
function keyValues(keys: Record<string, ((x: string) => string) | null>, x: string, fill: Record<string, string>): string[] {
  return Object.entries(keys).map(([column, expression]) => (expression ? expression(x) : fill[column]!));
}

/** One check's contribution to every check roll-up: overall, by age band and by lane. */
function checkRollups(x: 'NEW' | 'OLD', contribution: Contribution): string {
  const values = counterValues(COUNTERS, contribution);
  return ROLLUPS.map(({ table, keys }) => {
    const rows = SEGMENTS.map(({ dimension, segment }) => `(${keyValues(keys, x, { dimension, segment: segment(x) }).join(', ')}, ${values})`);
    return `${upsert(table, Object.keys(keys), COUNTERS)} VALUES ${rows.join(', ')} ${addUp(COUNTERS)}`;
  }).join('\n');
}

/**
 * Check `x`'s contribution to each rule that `source` selects (its FROM clause, ending in WHERE so that
 * SQLite does not read the upsert's ON as a join's), in every rule roll-up.
 */
function ruleRollups(x: string, contribution: Contribution, source: { rule: string; shadow: string; from: string }): string {
  const values = counterValues(RULE_COUNTERS, contribution);
  return RULE_ROLLUPS.map(({ table, keys }) => {
    const key = keyValues(keys, x, { rule_id: source.rule, shadow: source.shadow });
    return `${upsert(table, Object.keys(keys), RULE_COUNTERS)} SELECT ${key.join(', ')}, ${values} FROM ${source.from} ${addUp(RULE_COUNTERS)}`;
  }).join('\n');
}

const rulesOf = (x: string) => ({ rule: 'r.rule_id', shadow: 'r.shadow', from: `check_rules r WHERE r.check_id = ${x}.id` });
const checkOf = (x: string) => ({ rule: `${x}.rule_id`, shadow: `${x}.shadow`, from: `checks c WHERE c.id = ${x}.check_id` });

/** What places a check in the roll-ups; when none of these change, an update adds the difference in place. */
const PLACE = [`${day('OLD')} IS NOT ${day('NEW')}`, ...['store_id', 'currency', 'lane', 'age_band'].map((column) => `OLD.${column} IS NOT NEW.${column}`)];
const COUNTED = ['stored_value', 'action', 'warned', 'outcome'].map((column) => `OLD.${column} IS NOT NEW.${column}`);
const REPORTED_COLUMNS = ['occurred_at', 'store_id', 'currency', 'lane', 'age_band', 'stored_value', 'action', 'warned', 'outcome'];

/** CREATE TABLE for a roll-up: its keys (text but for day, block and shadow), its counters, the keys as primary key. */
function rollupTable(table: string, keys: readonly string[], counters: readonly Counter[]): string {
  const type = (column: string) => (['day', 'block', 'shadow'].includes(column) ? 'INTEGER' : 'TEXT');
  const check = (column: string) => (column === 'dimension' ? " CHECK (dimension IN ('all', 'age_band', 'lane'))" : '');
  return `CREATE TABLE ${table} (
      ${[...keys.map((column) => `${column} ${type(column)} NOT NULL${check(column)}`), ...counters.map(([column]) => `${column} INTEGER NOT NULL`)].join(',\n      ')},
      PRIMARY KEY (${keys.join(', ')})
    ) STRICT, WITHOUT ROWID;`;
}

export function up(db: Database): void {
  db.exec(`
    -- Roll-ups for reports, kept by triggers in the same transaction as every write to checks and
    -- check_rules, so a check decided again, answered or given an outcome moves its counts with it.
    -- day: whole days since 1970-01-01 UTC of occurred_at; block: whole ${BLOCK_DAYS}-day blocks since then.
    -- dimension 'all' has one row per period, store and currency (segment ''); 'age_band' and 'lane'
    -- split the same counts by that column. The keys lead with the store, so a report over some stores
    -- reads only theirs.
    ${ROLLUPS.map(({ table, keys }) => rollupTable(table, Object.keys(keys), COUNTERS)).join('\n    ')}

    -- The same by rule, for the rules matched by each check's latest evaluation (shadow rules too).
    ${RULE_ROLLUPS.map(({ table, keys }) => rollupTable(table, Object.keys(keys), RULE_COUNTERS)).join('\n    ')}

    CREATE TRIGGER report_check_inserted AFTER INSERT ON checks BEGIN
      ${checkRollups('NEW', { of: 'NEW', sign: 1 })}
    END;

    -- Moved to another day (occurredAt resent), age band or lane: out of the old rows, into the new.
    CREATE TRIGGER report_check_moved AFTER UPDATE OF ${REPORTED_COLUMNS.join(', ')} ON checks
    WHEN ${PLACE.join(' OR ')}
    BEGIN
      ${checkRollups('OLD', { of: 'OLD', sign: -1 })}
      ${checkRollups('NEW', { of: 'NEW', sign: 1 })}
      ${ruleRollups('OLD', { of: 'OLD', sign: -1 }, rulesOf('OLD'))}
      ${ruleRollups('NEW', { of: 'NEW', sign: 1 }, rulesOf('NEW'))}
    END;

    -- Decided again or given an outcome in place (the common case): one upsert of the differences per row.
    CREATE TRIGGER report_check_changed AFTER UPDATE OF ${REPORTED_COLUMNS.join(', ')} ON checks
    WHEN NOT (${PLACE.join(' OR ')}) AND (${COUNTED.join(' OR ')})
    BEGIN
      ${checkRollups('NEW', { delta: true })}
      ${ruleRollups('NEW', { delta: true }, rulesOf('NEW'))}
    END;

    -- BEFORE, not AFTER: a cascade removes the check's rules before an AFTER trigger could see them,
    -- and the rules' own delete trigger no longer finds the check then, so nothing is taken away twice.
    CREATE TRIGGER report_check_deleted BEFORE DELETE ON checks BEGIN
      ${checkRollups('OLD', { of: 'OLD', sign: -1 })}
      ${ruleRollups('OLD', { of: 'OLD', sign: -1 }, rulesOf('OLD'))}
    END;

    CREATE TRIGGER report_rule_matched AFTER INSERT ON check_rules BEGIN
      ${ruleRollups('c', { of: 'c', sign: 1 }, checkOf('NEW'))}
    END;

    CREATE TRIGGER report_rule_unmatched AFTER DELETE ON check_rules BEGIN
      ${ruleRollups('c', { of: 'c', sign: -1 }, checkOf('OLD'))}
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

  // Checks recorded before this migration: each roll-up is the sum of its checks' contributions.
  const sums = (counters: readonly Counter[]) => counters.map(([, expression]) => `sum(${expression('c')})`).join(', ');
  const groupAll = (count: number) => Array.from({ length: count }, (_, i) => i + 1).join(', ');
  for (const { table, keys } of ROLLUPS) {
    for (const { dimension, segment } of SEGMENTS) {
      const key = keyValues(keys, 'c', { dimension, segment: segment('c') });
      db.exec(`${upsert(table, Object.keys(keys), COUNTERS)} SELECT ${key.join(', ')}, ${sums(COUNTERS)} FROM checks c GROUP BY ${groupAll(key.length)};`);
    }
  }
  for (const { table, keys } of RULE_ROLLUPS) {
    const key = keyValues(keys, 'c', { rule_id: 'r.rule_id', shadow: 'r.shadow' });
    db.exec(`${upsert(table, Object.keys(keys), RULE_COUNTERS)} SELECT ${key.join(', ')}, ${sums(RULE_COUNTERS)} FROM check_rules r JOIN checks c ON c.id = r.check_id GROUP BY ${groupAll(key.length)};`);
  }
}
