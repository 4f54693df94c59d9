import type { Database } from 'better-sqlite3';

const DAY_S = 86_400;

/** The width of a roll-up block. Migration 0040 built the stored blocks at 32 days, so this never changes without a migration. */
export const BLOCK_DAYS = 32;

type Counter = readonly [column: string, expression: (x: string) => string];

const outcomeIn = (x: string, ...outcomes: string[]) => `(coalesce(${x}.outcome, '') IN (${outcomes.map((o) => `'${o}'`).join(', ')}))`;
const stop = (x: string) => `(${x}.warned = 1 AND ${outcomeIn(x, 'scam_confirmed', 'refused', 'abandoned')})`;
const valueProtected = (x: string) =>
  `(CASE WHEN ${outcomeIn(x, 'scam_confirmed', 'refused')} OR (${x}.warned = 1 AND ${outcomeIn(x, 'abandoned')}) THEN ${x}.stored_value ELSE 0 END)`;

/** What each check adds to its roll-up rows: the definitions of migration 0040, which built the tables. */
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

/**
 * A check counts on its business day: the store's calendar day (VOUCHSAFE_TIMEZONE) of its occurredAt,
 * kept with the check (migration 0100), as days since 1970-01-01; blocks are 32 of those days
 * (migration 0130), so a day's block is its day ÷ 32. unixepoch() of a date is its midnight as if in
 * UTC, a whole number of days.
 */
const DAY_OF = (x: string) => `unixepoch(${x}.business_day) / ${DAY_S}`;
/** Each check counts in its store's rows and in the chain's (store '*', migration 0070). */
export const CHAIN = '*';
const STORE_LEVELS = [(x: string) => `${x}.store_id`, () => `'${CHAIN}'`];
const SEGMENTS = [
  { dimension: "'all'", segment: () => "''" },
  { dimension: "'age_band'", segment: (x: string) => `${x}.age_band` },
  { dimension: "'lane'", segment: (x: string) => `${x}.lane` },
];

/**
 * Where each check in the batch counted before (taken away) and counts now (added). CROSS JOIN fixes
 * the join order: from the batch into the big tables by key, never a scan of every check.
 */
const SOURCES = [
  {
    sign: '-',
    checks: 'temp.report_batch b CROSS JOIN report_applied x ON x.check_id = b.check_id',
    rules: 'temp.report_batch b CROSS JOIN report_applied x ON x.check_id = b.check_id CROSS JOIN report_applied_rules r ON r.check_id = b.check_id',
  },
  {
    sign: '+',
    checks: 'temp.report_batch b CROSS JOIN checks x ON x.id = b.check_id AND x.livemode = 1',
    rules: 'temp.report_batch b CROSS JOIN checks x ON x.id = b.check_id AND x.livemode = 1 CROSS JOIN check_rules r ON r.check_id = b.check_id',
  },
];

const sums = (counters: readonly Counter[]) => counters.map(([column]) => `sum(${column})`).join(', ');
const anyNonZero = (counters: readonly Counter[]) => counters.map(([column]) => `sum(${column}) != 0`).join(' OR ');
const columnsOf = (counters: readonly Counter[]) => counters.map(([column]) => column).join(', ');
const added = (counters: readonly Counter[]) => counters.map(([column]) => `${column} = ${column} + excluded.${column}`).join(', ');

/**
 * What the batch changes, netted per day row, into a temporary table: computed once, then added to
 * the days and, a day's block being its day ÷ BLOCK_DAYS, to the blocks. Working the blocks out from
 * the batch's checks a second time cost as much as the days did.
 */
function delta(temporary: string, keys: string[], counters: readonly Counter[], selects: string[]): string {
  return `INSERT INTO temp.${temporary} (${keys.join(', ')}, ${columnsOf(counters)})
    SELECT ${keys.join(', ')}, ${sums(counters)} FROM (${selects.join(' UNION ALL ')})
    WHERE true GROUP BY ${keys.join(', ')}
    HAVING ${anyNonZero(counters)}`;
}

/** Adds the day rows of the delta to `table`, by day or (`block`) by block. */
function addDelta(temporary: string, table: string, keys: string[], counters: readonly Counter[], block: boolean): string {
  const selected = keys.map((key) => (key === 'day' && block ? `day / ${BLOCK_DAYS} AS block` : key));
  const target = keys.map((key) => (key === 'day' && block ? 'block' : key));
  return block
    ? `INSERT INTO ${table} (${target.join(', ')}, ${columnsOf(counters)})
      SELECT ${selected.join(', ')}, ${sums(counters)} FROM temp.${temporary}
      WHERE true GROUP BY ${target.join(', ')} HAVING ${anyNonZero(counters)}
      ON CONFLICT DO UPDATE SET ${added(counters)}`
    : `INSERT INTO ${table} (${target.join(', ')}, ${columnsOf(counters)})
      SELECT ${target.join(', ')}, ${columnsOf(counters)} FROM temp.${temporary}
      WHERE true ON CONFLICT DO UPDATE SET ${added(counters)}`;
}

const CHECK_KEYS = ['dimension', 'store_id', 'day', 'currency', 'segment'];
const RULE_KEYS = ['store_id', 'day', 'currency', 'rule_id', 'shadow'];

function checkDelta(): string {
  const selects = SOURCES.flatMap(({ sign, checks }) =>
    STORE_LEVELS.flatMap((store) =>
      SEGMENTS.map(
        ({ dimension, segment }) =>
          `SELECT ${dimension} AS dimension, ${store('x')} AS store_id, ${DAY_OF('x')} AS day, x.currency AS currency, ${segment('x')} AS segment, ` +
          `${COUNTERS.map(([column, expression]) => `${sign}(${expression('x')}) AS ${column}`).join(', ')} FROM ${checks}`,
      ),
    ),
  );
  return delta('report_delta', CHECK_KEYS, COUNTERS, selects);
}

function ruleDelta(): string {
  const selects = SOURCES.flatMap(({ sign, rules }) =>
    STORE_LEVELS.map(
      (store) =>
        `SELECT ${store('x')} AS store_id, ${DAY_OF('x')} AS day, x.currency AS currency, r.rule_id AS rule_id, r.shadow AS shadow, ` +
        `${RULE_COUNTERS.map(([column, expression]) => `${sign}(${expression('x')}) AS ${column}`).join(', ')} FROM ${rules}`,
    ),
  );
  return delta('report_rule_delta', RULE_KEYS, RULE_COUNTERS, selects);
}

export interface RollupCatchUp {
  /** Checks written since the roll-ups last caught up. */
  pending(): number;
  /** Whether any check waits: one probe, where pending() counts them all. */
  anyPending(): boolean;
  /** Brings up to `limit` pending checks into the roll-ups, in one transaction; returns how many. */
  step(limit: number): number;
  /** Brings every pending check in. */
  all(): void;
}

/**
 * Moves written checks into the report roll-ups: for a batch of dirty checks, takes away what each
 * contributed last time, adds what it contributes now (netted per row, so a check answered in place
 * is one small update), and records the new contribution.
 */
export function rollupCatchUp(db: Database): RollupCatchUp {
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS report_batch (check_id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS report_delta AS SELECT ${CHECK_KEYS.join(', ')}, ${columnsOf(COUNTERS)} FROM report_days WHERE false;
    CREATE TEMP TABLE IF NOT EXISTS report_rule_delta AS SELECT ${RULE_KEYS.join(', ')}, ${columnsOf(RULE_COUNTERS)} FROM report_rule_days WHERE false;
  `);
  const anyPending = db.prepare<[], { one: number }>('SELECT 1 AS one FROM report_dirty LIMIT 1');
  const countPending = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM report_dirty');
  const fill = db.prepare<[number]>('INSERT INTO temp.report_batch SELECT check_id FROM report_dirty LIMIT ?');
  const apply = [
    checkDelta(),
    addDelta('report_delta', 'report_days', CHECK_KEYS, COUNTERS, false),
    addDelta('report_delta', 'report_blocks', CHECK_KEYS, COUNTERS, true),
    'DELETE FROM temp.report_delta',
    ruleDelta(),
    addDelta('report_rule_delta', 'report_rule_days', RULE_KEYS, RULE_COUNTERS, false),
    addDelta('report_rule_delta', 'report_rule_blocks', RULE_KEYS, RULE_COUNTERS, true),
    'DELETE FROM temp.report_rule_delta',
  ].map((sql) => db.prepare(sql));
  const refresh = [
    'DELETE FROM report_applied WHERE check_id IN (SELECT check_id FROM temp.report_batch)',
    `INSERT INTO report_applied (check_id, occurred_at, business_day, store_id, currency, lane, age_band, stored_value, action, warned, outcome)
      SELECT x.id, x.occurred_at, x.business_day, x.store_id, x.currency, x.lane, x.age_band, x.stored_value, x.action, x.warned, x.outcome
      FROM temp.report_batch b CROSS JOIN checks x ON x.id = b.check_id AND x.livemode = 1`,
    'DELETE FROM report_applied_rules WHERE check_id IN (SELECT check_id FROM temp.report_batch)',
    `INSERT INTO report_applied_rules SELECT r.check_id, r.rule_id, r.shadow
      FROM temp.report_batch b CROSS JOIN checks x ON x.id = b.check_id AND x.livemode = 1 CROSS JOIN check_rules r ON r.check_id = b.check_id`,
    'DELETE FROM report_dirty WHERE check_id IN (SELECT check_id FROM temp.report_batch)',
    'DELETE FROM temp.report_batch',
  ].map((sql) => db.prepare(sql));

  const step = db.transaction((limit: number): number => {
    const taken = fill.run(limit).changes;
    if (taken === 0) return 0;
    for (const statement of apply) statement.run();
    for (const statement of refresh) statement.run();
    return taken;
  });

  return {
    pending: () => countPending.get()!.n,
    anyPending: () => anyPending.get() !== undefined,
    step: (limit) => (anyPending.get() ? step(limit) : 0),
    all() {
      while (anyPending.get()) step(10_000);
    },
  };
}
