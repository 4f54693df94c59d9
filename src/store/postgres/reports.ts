import type { AgeBand, Lane } from '../../contract/enums.js';
import type { Port } from '../port.js';
import { BLOCK_DAYS, CHAIN } from '../report-rollups.js';
import { type CheckReportRow, COUNTER_COLUMNS, type CounterRow, type Counters, type ReportFilter, type ReportsRepository, type RuleCounterRow } from '../reports.js';
import { rollupCatchUp } from './report-rollups.js';
import type { Atomically, Queryable } from './sql.js';

/** Rows of the export read from the database at a time. */
const CURSOR_ROWS = 500;

const COUNTER_NAMES = Object.keys(COUNTER_COLUMNS) as (keyof Counters)[];
const COUNTER_SUMS = Object.entries(COUNTER_COLUMNS)
  .map(([name, column]) => `sum(${column}) AS "${name}"`)
  .join(', ');
const COUNTER_LIST = Object.values(COUNTER_COLUMNS).join(', ');
const STORES = 'store_id = ANY($1::text[])';
const HAS_CHECKS = 'GROUP BY 1, 2 HAVING sum(checks) > 0';
/** Text compared byte by byte, as SQLite compares it, so both adapters list rows in one order. */
const BYTEWISE = 'COLLATE "C"';

/**
 * A query over some stores' roll-ups, as on SQLite: whole 32-day blocks from report_blocks, the days
 * before the first and after the last whole block from report_days. $1 the stores, $2-$7 the periods.
 */
function perStore(dimension: string, key: string): string {
  const arm = (table: string, period: string) =>
    `SELECT ${key} AS key, currency, ${COUNTER_LIST} FROM ${table} WHERE dimension = '${dimension}' AND ${STORES} AND ${period}`;
  return `
    SELECT key, currency, ${COUNTER_SUMS} FROM (
      ${arm('report_days', 'day BETWEEN $2::integer AND $3::integer')}
      UNION ALL ${arm('report_blocks', 'block BETWEEN $4::integer AND $5::integer')}
      UNION ALL ${arm('report_days', 'day BETWEEN $6::integer AND $7::integer')}
    ) rollups ${HAS_CHECKS} ORDER BY key ${BYTEWISE}, currency ${BYTEWISE}`;
}

/** The groupings a summary reads; the SQL identifiers in them come only from here. */
const GROUPINGS = {
  total: perStore('all', "''"),
  // $1 the stores, $2 and $3 the first and last day.
  day: `SELECT day AS key, currency, ${COUNTER_SUMS} FROM report_days WHERE dimension = 'all' AND ${STORES} AND day BETWEEN $2::integer AND $3::integer ${HAS_CHECKS} ORDER BY key, currency ${BYTEWISE}`,
  store: perStore('all', 'store_id'),
  ageBand: perStore('age_band', 'segment'),
  lane: perStore('lane', 'segment'),
} as const;
type Grouping = keyof typeof GROUPINGS;

const RULE_COLUMNS = 'rule_id, shadow, currency, hits, stops, value_protected';
const RULES = `
  SELECT rule_id AS "ruleId", shadow, currency, sum(hits) AS hits, sum(stops) AS stops, sum(value_protected) AS "valueProtected" FROM (
    SELECT ${RULE_COLUMNS} FROM report_rule_days WHERE ${STORES} AND day BETWEEN $2::integer AND $3::integer
    UNION ALL SELECT ${RULE_COLUMNS} FROM report_rule_blocks WHERE ${STORES} AND block BETWEEN $4::integer AND $5::integer
    UNION ALL SELECT ${RULE_COLUMNS} FROM report_rule_days WHERE ${STORES} AND day BETWEEN $6::integer AND $7::integer
  ) rollups GROUP BY 1, 2, 3 HAVING sum(hits) > 0 ORDER BY rule_id ${BYTEWISE}, shadow, currency ${BYTEWISE}`;

/** bigint and numeric arrive as text: none of these figures comes near 2^53. */
type Numeric = string | number | bigint;

interface RawRuleRow {
  ruleId: string;
  shadow: boolean;
  currency: string;
  hits: Numeric;
  stops: Numeric;
  valueProtected: Numeric;
}

type RawCheckRow = Omit<CheckReportRow, 'occurredAt' | 'basketTotal' | 'storedValue' | 'outcomeAt'> & {
  occurredAt: Numeric;
  basketTotal: Numeric;
  storedValue: Numeric;
  outcomeAt: Numeric | null;
};

const CHECK_COLUMNS = `
  c.id AS "checkId", c.occurred_at AS "occurredAt", c.business_day AS "businessDay", c.store_id AS "storeId", c.till_id AS "tillId",
  c.transaction_id AS "transactionId", c.lane AS lane, c.age_band AS "ageBand", c.tender AS tender,
  c.currency AS currency, c.basket_total AS "basketTotal", c.stored_value AS "storedValue",
  c.stored_value_units AS "storedValueUnits", c.action AS action, c.score AS score, c.warned AS warned,
  c.revision AS revision, c.rule_set_version AS "ruleSetVersion", c.prompt_id AS "promptId",
  c.outcome AS outcome, c.outcome_at AS "outcomeAt", c.outcome_police_reference AS "policeReference",
  array(SELECT rule_id FROM check_rules WHERE check_id = c.id AND NOT shadow ORDER BY rule_id ${BYTEWISE}) AS rules,
  array(SELECT rule_id FROM check_rules WHERE check_id = c.id AND shadow ORDER BY rule_id ${BYTEWISE}) AS "shadowRules"`;

// $1 from (ms), $2 to (ms, excluded), $3 every store, $4 the stores otherwise, $5 and $6 the first
// and last business day. The time range only narrows the index walk; the business day decides, as it
// does in the roll-ups.
const CHECKS_IN_PERIOD = `
  SELECT ${CHECK_COLUMNS} FROM checks c
  WHERE c.occurred_at >= $1::bigint AND c.occurred_at < $2::bigint AND c.business_day BETWEEN $5::text AND $6::text AND c.livemode
    AND ($3::boolean OR c.store_id = ANY($4::text[]))`;
const EXPORT = `${CHECKS_IN_PERIOD} ORDER BY c.occurred_at, c.received_at, c.id`;
// checks_warned_by_time serves it: the newest warned checks, without reading every ordinary sale.
const LATEST_WARNED = `${CHECKS_IN_PERIOD} AND c.warned ORDER BY c.occurred_at DESC LIMIT $7::integer`;

const toCheckRow = (row: RawCheckRow): CheckReportRow => ({
  ...row,
  occurredAt: Number(row.occurredAt),
  basketTotal: Number(row.basketTotal),
  storedValue: Number(row.storedValue),
  outcomeAt: row.outcomeAt === null ? null : Number(row.outcomeAt),
});

/** The period as the whole blocks inside it and the days either side; an empty range runs backwards. */
function split(fromDay: number, toDay: number): number[] {
  const firstBlock = Math.ceil(fromDay / BLOCK_DAYS);
  const lastBlock = Math.floor((toDay + 1) / BLOCK_DAYS) - 1;
  if (firstBlock > lastBlock) return [fromDay, toDay, 1, 0, 1, 0];
  return [fromDay, firstBlock * BLOCK_DAYS - 1, firstBlock, lastBlock, (lastBlock + 1) * BLOCK_DAYS, toDay];
}

const DAY_MS = 86_400_000;
/** No zone's day begins more than 14 hours before UTC's, or ends more than 12 hours after it. */
const EARLIEST_START_MS = 14 * 3_600_000;
const LATEST_END_MS = 12 * 3_600_000;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const period = (filter: ReportFilter) => [filter.fromDay * DAY_MS - EARLIEST_START_MS, (filter.toDay + 1) * DAY_MS + LATEST_END_MS];
const days = (filter: ReportFilter) => [dateOf(filter.fromDay), dateOf(filter.toDay)];

/** The PostgreSQL reports: the calls of SQLite's store/reports.ts, answering alike. */
export function reportsRepository(sql: Queryable, atomically: Atomically): Port<ReportsRepository> {
  const rollups = rollupCatchUp(sql, atomically);

  async function everyStore(): Promise<string[]> {
    await rollups.all();
    const rows = await sql.unsafe<{ storeId: string }[]>(
      `SELECT DISTINCT store_id ${BYTEWISE} AS "storeId" FROM report_blocks WHERE dimension = 'all' AND checks > 0 AND store_id <> '${CHAIN}' ORDER BY 1`,
    );
    return rows.map((row) => row.storeId);
  }
  /** Every store's report reads the chain's rows; the ranking of stores reads each store's own. */
  const storesRead = async (filter: ReportFilter, grouping?: Grouping) => filter.storeIds ?? (grouping === 'store' ? await everyStore() : [CHAIN]);

  async function counters<K extends string | number>(grouping: Grouping, filter: ReportFilter): Promise<CounterRow<K>[]> {
    await rollups.all();
    const stores = [...(await storesRead(filter, grouping))];
    const days = grouping === 'day' ? [filter.fromDay, filter.toDay] : split(filter.fromDay, filter.toDay);
    const rows = await sql.unsafe<({ key: K; currency: string } & Record<keyof Counters, Numeric>)[]>(GROUPINGS[grouping], [stores, ...days], { prepare: true });
    return rows.map((row) => ({
      key: row.key,
      currency: row.currency,
      counters: Object.fromEntries(COUNTER_NAMES.map((name) => [name, Number(row[name])])) as unknown as Counters,
    }));
  }

  return {
    totals: (filter) => counters<string>('total', filter),
    byDay: (filter) => counters<number>('day', filter),
    byStore: (filter) => counters<string>('store', filter),
    byAgeBand: (filter) => counters<AgeBand>('ageBand', filter),
    byLane: (filter) => counters<Lane>('lane', filter),
    async byRule(filter): Promise<RuleCounterRow[]> {
      await rollups.all();
      const rows = await sql.unsafe<RawRuleRow[]>(RULES, [[...(await storesRead(filter))], ...split(filter.fromDay, filter.toDay)], { prepare: true });
      return rows.map((row) => ({ ...row, hits: Number(row.hits), stops: Number(row.stops), valueProtected: Number(row.valueProtected) }));
    },

    rollups,

    async latestInterventions(filter, limit) {
      const rows = await sql.unsafe<RawCheckRow[]>(LATEST_WARNED, [...period(filter), filter.storeIds === null, [...(filter.storeIds ?? [])], ...days(filter), limit], { prepare: true });
      return rows.map(toCheckRow);
    },

    storeIds: everyStore,

    /**
     * Every check in the period, oldest first, a few hundred rows at a time through a cursor: one
     * statement, so one consistent snapshot, on a connection of its own for as long as it is read.
     * Abandoning the iteration (`return()`) closes the cursor.
     */
    async *checks(filter) {
      const query = sql.unsafe<RawCheckRow[]>(EXPORT, [...period(filter), filter.storeIds === null, [...(filter.storeIds ?? [])], ...days(filter)], { prepare: true });
      for await (const rows of query.cursor(CURSOR_ROWS)) for (const row of rows) yield toCheckRow(row);
    },
  };
}
