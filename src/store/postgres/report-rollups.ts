import { setTimeout as sleep } from 'node:timers/promises';
import { BLOCK_DAYS, CHAIN, type RollupCatchUp } from '../report-rollups.js';
import type { Port } from '../port.js';
import type { Atomically, Queryable } from './sql.js';


/**
 * The report day of a check (`x` is the table's alias): its business day, the store's calendar day in
 * VOUCHSAFE_TIMEZONE, as days since 1970-01-01, as on SQLite. Every day the PostgreSQL reports count is
 * computed here.
 */
export const dayOf = (x: string) => `(${x}.business_day::date - DATE '1970-01-01')`;
/** The 32-day block a check counts in: whole blocks of report days. */
const blockOf = (x: string) => `(${dayOf(x)} / ${BLOCK_DAYS})`;

type Counter = readonly [column: string, expression: (x: string) => string];

const outcomeIn = (x: string, ...outcomes: string[]) => `(coalesce(${x}.outcome, '') IN (${outcomes.map((o) => `'${o}'`).join(', ')}))`;
const stop = (x: string) => `(${x}.warned AND ${outcomeIn(x, 'scam_confirmed', 'refused', 'abandoned')})`;
const valueProtected = (x: string) =>
  `(CASE WHEN ${outcomeIn(x, 'scam_confirmed', 'refused')} OR (${x}.warned AND ${outcomeIn(x, 'abandoned')}) THEN ${x}.stored_value ELSE 0 END)`;
const count = (condition: string) => `(${condition})::integer`;

/** What each check adds to its roll-up rows: SQLite's definitions (store/report-rollups.ts), with booleans counted as 0 or 1. */
const COUNTERS: readonly Counter[] = [
  ['checks', () => '1'],
  ['checks_with_stored_value', (x) => count(`${x}.stored_value > 0`)],
  ['warned_with_stored_value', (x) => count(`${x}.warned AND ${x}.stored_value > 0`)],
  ['stored_value', (x) => `${x}.stored_value`],
  ['action_allow', (x) => count(`${x}.action = 'allow'`)],
  ['action_prompt', (x) => count(`${x}.action = 'prompt'`)],
  ['action_hold', (x) => count(`${x}.action = 'hold'`)],
  ['action_refuse', (x) => count(`${x}.action = 'refuse'`)],
  ['warned', (x) => count(`${x}.warned`)],
  ['outcome_proceeded', (x) => count(outcomeIn(x, 'proceeded'))],
  ['outcome_proceeded_after_warning', (x) => count(outcomeIn(x, 'proceeded_after_warning'))],
  ['outcome_abandoned', (x) => count(outcomeIn(x, 'abandoned'))],
  ['outcome_scam_confirmed', (x) => count(outcomeIn(x, 'scam_confirmed'))],
  ['outcome_refused', (x) => count(outcomeIn(x, 'refused'))],
  ['warned_with_outcome', (x) => count(`${x}.warned AND ${x}.outcome IS NOT NULL`)],
  ['warned_then_sold', (x) => count(`${x}.warned AND ${outcomeIn(x, 'proceeded', 'proceeded_after_warning')}`)],
  ['stops', (x) => count(stop(x))],
  ['value_protected', valueProtected],
];
const RULE_COUNTERS: readonly Counter[] = [
  ['hits', () => '1'],
  ['stops', (x) => count(stop(x))],
  ['value_protected', valueProtected],
];

const PERIODS = [
  { days: 'report_days', rules: 'report_rule_days', column: 'day', of: dayOf },
  { days: 'report_blocks', rules: 'report_rule_blocks', column: 'block', of: blockOf },
];
const STORE_LEVELS = [(x: string) => `${x}.store_id`, () => `'${CHAIN}'`];
const SEGMENTS = [
  { dimension: "'all'", segment: () => "''" },
  { dimension: "'age_band'", segment: (x: string) => `${x}.age_band` },
  { dimension: "'lane'", segment: (x: string) => `${x}.lane` },
];

/** Where each check of the batch ($1) counted before (taken away) and counts now (added). */
const SOURCES = [
  {
    sign: '-',
    checks: 'report_applied x WHERE x.check_id = ANY($1::text[])',
    rules: 'report_applied x JOIN report_applied_rules r ON r.check_id = x.check_id WHERE x.check_id = ANY($1::text[])',
  },
  {
    sign: '+',
    checks: 'checks x WHERE x.id = ANY($1::text[]) AND x.livemode',
    rules: 'checks x JOIN check_rules r ON r.check_id = x.id WHERE x.id = ANY($1::text[]) AND x.livemode',
  },
];

/**
 * One upsert of the batch's netted differences into `table`. Rows go in key order, so two catch-ups
 * that ever meet on the same rows take their locks in the same order.
 */
function netted(table: string, keys: string[], counters: readonly Counter[], selects: string[]): string {
  const columns = counters.map(([column]) => column);
  return `INSERT INTO ${table} (${keys.join(', ')}, ${columns.join(', ')})
    SELECT ${keys.join(', ')}, ${columns.map((c) => `sum(${c})::bigint`).join(', ')} FROM (${selects.join(' UNION ALL ')}) contributions
    GROUP BY ${keys.join(', ')}
    HAVING ${columns.map((c) => `sum(${c}) <> 0`).join(' OR ')}
    ORDER BY ${keys.join(', ')}
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
}

function checkRollup(period: (typeof PERIODS)[number]): string {
  const selects = SOURCES.flatMap(({ sign, checks }) =>
    STORE_LEVELS.flatMap((store) =>
      SEGMENTS.map(
        ({ dimension, segment }) =>
          `SELECT ${dimension} AS dimension, ${store('x')} AS store_id, ${period.of('x')} AS ${period.column}, x.currency AS currency, ${segment('x')} AS segment, ` +
          `${COUNTERS.map(([column, expression]) => `${sign}(${expression('x')})::bigint AS ${column}`).join(', ')} FROM ${checks}`,
      ),
    ),
  );
  return netted(period.days, ['dimension', 'store_id', period.column, 'currency', 'segment'], COUNTERS, selects);
}

function ruleRollup(period: (typeof PERIODS)[number]): string {
  const selects = SOURCES.flatMap(({ sign, rules }) =>
    STORE_LEVELS.map(
      (store) =>
        `SELECT ${store('x')} AS store_id, ${period.of('x')} AS ${period.column}, x.currency AS currency, r.rule_id AS rule_id, r.shadow AS shadow, ` +
        `${RULE_COUNTERS.map(([column, expression]) => `${sign}(${expression('x')})::bigint AS ${column}`).join(', ')} FROM ${rules}`,
    ),
  );
  return netted(period.rules, ['store_id', period.column, 'currency', 'rule_id', 'shadow'], RULE_COUNTERS, selects);
}

const APPLY = [...PERIODS.map(checkRollup), ...PERIODS.map(ruleRollup)];
const REFRESH = [
  'DELETE FROM report_applied WHERE check_id = ANY($1::text[])',
  `INSERT INTO report_applied (check_id, occurred_at, business_day, store_id, currency, lane, age_band, stored_value, action, warned, outcome)
    SELECT x.id, x.occurred_at, x.business_day, x.store_id, x.currency, x.lane, x.age_band, x.stored_value, x.action, x.warned, x.outcome
    FROM checks x WHERE x.id = ANY($1::text[]) AND x.livemode`,
  'DELETE FROM report_applied_rules WHERE check_id = ANY($1::text[])',
  `INSERT INTO report_applied_rules (check_id, rule_id, shadow)
    SELECT r.check_id, r.rule_id, r.shadow FROM checks x JOIN check_rules r ON r.check_id = x.id WHERE x.id = ANY($1::text[]) AND x.livemode`,
  'DELETE FROM report_dirty WHERE check_id = ANY($1::text[])',
];

/** One catch-up at a time across every node: two would contend for the same chain rows (today's, every batch). */
const CATCH_UP_LOCK = "hashtext('vouchsafe.report_rollups')";

/**
 * Moves a batch of dirty checks into the roll-ups (see SQLite's store/report-rollups.ts), safe with
 * several nodes. Each check of the batch is locked first (FOR SHARE: a till's write to it waits for
 * the catch-up), so every later statement sees it as it stands, though each reads its own snapshot.
 * A check some transaction is writing at that moment is skipped, never waited for (the two could wait
 * on each other), and stays dirty for the next batch. Without `wait`, another node's catch-up under way
 * is left to finish; with it, it is waited for, as a report must before it reads.
 */
async function step(tx: Queryable, limit: number, wait: boolean): Promise<number> {
  if (wait) await tx.unsafe(`SELECT pg_advisory_xact_lock(${CATCH_UP_LOCK})`);
  else {
    const [lock] = await tx.unsafe<{ held: boolean }[]>(`SELECT pg_try_advisory_xact_lock(${CATCH_UP_LOCK}) AS held`);
    if (!lock!.held) return 0;
  }
  const dirty = await tx.unsafe<{ check_id: string }[]>('SELECT check_id FROM report_dirty LIMIT $1 FOR UPDATE', [limit]);
  if (dirty.length === 0) return 0;
  const busy = await tx.unsafe<{ id: string }[]>(
    'SELECT id FROM checks WHERE id = ANY($1::text[]) EXCEPT SELECT id FROM (SELECT id FROM checks WHERE id = ANY($1::text[]) FOR SHARE SKIP LOCKED) free',
    [dirty.map((row) => row.check_id)],
  );
  const skipped = new Set(busy.map((row) => row.id));
  const batch = dirty.map((row) => row.check_id).filter((id) => !skipped.has(id));
  if (batch.length === 0) return 0;
  // Sent together (postgres.js pipelines a transaction's queries, and the server runs them in order):
  // one round trip instead of eleven.
  await Promise.all([...APPLY, ...REFRESH].map((statement) => tx.unsafe(statement, [batch], { prepare: true })));
  return batch.length;
}

/** How long a report waits before looking again at checks that were being written. */
const BUSY_RETRY_MS = 5;

/** The catch-up of SQLite's store/report-rollups.ts on PostgreSQL: the same calls, the same counts. */
export function rollupCatchUp(sql: Queryable, atomically: Atomically): Port<RollupCatchUp> {
  const anyPending = async () => (await sql.unsafe('SELECT 1 FROM report_dirty LIMIT 1')).length > 0;
  return {
    async pending() {
      const [row] = await sql.unsafe<{ n: string }[]>('SELECT count(*) AS n FROM report_dirty');
      return Number(row!.n);
    },
    anyPending,
    step: (limit) => atomically((tx) => step(tx, limit, false)),
    async all() {
      for (;;) {
        if (!(await anyPending())) return;
        // Nothing taken: every pending check is being written this moment, and is counted once that commits.
        if ((await atomically((tx) => step(tx, 10_000, true))) === 0) await sleep(BUSY_RETRY_MS);
      }
    },
  };
}
