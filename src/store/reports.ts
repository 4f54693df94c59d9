import Database, { type Database as Db } from 'better-sqlite3';
import type { Action, AgeBand, Lane, Outcome } from '../contract/enums.js';
import { BLOCK_DAYS, CHAIN, rollupCatchUp } from './report-rollups.js';

const DAY_MS = 86_400_000;
/** No zone's day begins more than 14 hours before UTC's, or ends more than 12 hours after it. */
const EARLIEST_START_MS = 14 * 3_600_000;
const LATEST_END_MS = 12 * 3_600_000;

/**
 * Which checks a report reads: the store's calendar days (a check's business day) as days since
 * 1970-01-01, both ends included, and stores (null: all).
 */
export interface ReportFilter {
  fromDay: number;
  toDay: number;
  storeIds: readonly string[] | null;
}

/** The counters the roll-ups keep (see migration 0040), summed over a group, for one currency. */
export interface Counters {
  checks: number;
  checksWithStoredValue: number;
  warnedWithStoredValue: number;
  storedValue: number;
  actionAllow: number;
  actionPrompt: number;
  actionHold: number;
  actionRefuse: number;
  warned: number;
  outcomeProceeded: number;
  outcomeProceededAfterWarning: number;
  outcomeAbandoned: number;
  outcomeScamConfirmed: number;
  outcomeRefused: number;
  warnedWithOutcome: number;
  warnedThenSold: number;
  stops: number;
  valueProtected: number;
}

export interface CounterRow<K> {
  key: K;
  currency: string;
  counters: Counters;
}

export interface RuleCounterRow {
  ruleId: string;
  shadow: boolean;
  currency: string;
  hits: number;
  stops: number;
  valueProtected: number;
}

/** One check as a report row: no identifiers of the customer, no free-text note. */
export interface CheckReportRow {
  checkId: string;
  occurredAt: number;
  /** The store's calendar day of occurredAt (YYYY-MM-DD), the day the check counts on. */
  businessDay: string;
  storeId: string;
  tillId: string;
  transactionId: string;
  lane: Lane;
  ageBand: AgeBand;
  tender: string;
  currency: string;
  basketTotal: number;
  storedValue: number;
  storedValueUnits: number;
  action: Action;
  score: number;
  warned: boolean;
  revision: number;
  ruleSetVersion: string;
  promptId: string | null;
  rules: string[];
  shadowRules: string[];
  outcome: Outcome | null;
  outcomeAt: number | null;
  policeReference: string | null;
}

/** Each counter's column in the roll-up tables, the same on every adapter. */
export const COUNTER_COLUMNS: Readonly<Record<keyof Counters, string>> = {
  checks: 'checks',
  checksWithStoredValue: 'checks_with_stored_value',
  warnedWithStoredValue: 'warned_with_stored_value',
  storedValue: 'stored_value',
  actionAllow: 'action_allow',
  actionPrompt: 'action_prompt',
  actionHold: 'action_hold',
  actionRefuse: 'action_refuse',
  warned: 'warned',
  outcomeProceeded: 'outcome_proceeded',
  outcomeProceededAfterWarning: 'outcome_proceeded_after_warning',
  outcomeAbandoned: 'outcome_abandoned',
  outcomeScamConfirmed: 'outcome_scam_confirmed',
  outcomeRefused: 'outcome_refused',
  warnedWithOutcome: 'warned_with_outcome',
  warnedThenSold: 'warned_then_sold',
  stops: 'stops',
  valueProtected: 'value_protected',
};
const COUNTER_SUMS = Object.entries(COUNTER_COLUMNS)
  .map(([name, column]) => `sum(${column}) AS ${name}`)
  .join(', ');

const STORES = 'store_id IN (SELECT value FROM json_each(@storeIds))';
const COUNTER_LIST = Object.values(COUNTER_COLUMNS).join(', ');
const HAS_CHECKS = 'GROUP BY 1, 2 HAVING sum(checks) > 0';

/**
 * A query over some stores' roll-ups: whole 32-day blocks from report_blocks, the days before the first
 * and after the last whole block from report_days. Each arm is a range on the table's primary key
 * (dimension, store, time), so the work grows with stores × (blocks + edge days), not with checks.
 */
function perStore(dimension: string, key: string): string {
  const arm = (table: string, period: string) =>
    `SELECT ${key} AS key, currency, ${COUNTER_LIST} FROM ${table} WHERE dimension = '${dimension}' AND ${STORES} AND ${period}`;
  return `
    SELECT key, currency, ${COUNTER_SUMS} FROM (
      ${arm('report_days', 'day BETWEEN @headFrom AND @headTo')}
      UNION ALL ${arm('report_blocks', 'block BETWEEN @fromBlock AND @toBlock')}
      UNION ALL ${arm('report_days', 'day BETWEEN @tailFrom AND @tailTo')}
    ) ${HAS_CHECKS}`;
}

/** The groupings a summary reads; the SQL identifiers in them come only from here. */
const GROUPINGS = {
  total: perStore('all', "''"),
  day: `SELECT day AS key, currency, ${COUNTER_SUMS} FROM report_days WHERE dimension = 'all' AND ${STORES} AND day BETWEEN @fromDay AND @toDay ${HAS_CHECKS}`,
  store: perStore('all', 'store_id'),
  ageBand: perStore('age_band', 'segment'),
  lane: perStore('lane', 'segment'),
} as const;
type Grouping = keyof typeof GROUPINGS;

const RULE_COLUMNS = 'rule_id AS ruleId, shadow, currency, hits, stops, value_protected AS valueProtected';
const RULE_SUMS = 'ruleId, shadow, currency, sum(hits) AS hits, sum(stops) AS stops, sum(valueProtected) AS valueProtected';
const RULES = `
  SELECT ${RULE_SUMS} FROM (
    SELECT ${RULE_COLUMNS} FROM report_rule_days WHERE ${STORES} AND day BETWEEN @headFrom AND @headTo
    UNION ALL SELECT ${RULE_COLUMNS} FROM report_rule_blocks WHERE ${STORES} AND block BETWEEN @fromBlock AND @toBlock
    UNION ALL SELECT ${RULE_COLUMNS} FROM report_rule_days WHERE ${STORES} AND day BETWEEN @tailFrom AND @tailTo
  ) GROUP BY 1, 2, 3 HAVING sum(hits) > 0`;

interface RawCounterRow extends Counters {
  key: string | number;
  currency: string;
}

interface RawRuleRow {
  ruleId: string;
  shadow: number;
  currency: string;
  hits: number;
  stops: number;
  valueProtected: number;
}

interface RawCheckRow extends Omit<CheckReportRow, 'warned' | 'rules' | 'shadowRules'> {
  warned: number;
  rules: string | null;
  shadowRules: string | null;
}

/** Rows an export reads at once: a few milliseconds of its worker's time, and the longest it holds a read. */
const EXPORT_SLICE_ROWS = 1_000;

const CHECK_COLUMNS = `
  c.id AS checkId, c.occurred_at AS occurredAt, c.business_day AS businessDay, c.store_id AS storeId, c.till_id AS tillId,
  c.transaction_id AS transactionId, c.lane AS lane, c.age_band AS ageBand, c.tender AS tender,
  c.currency AS currency, c.basket_total AS basketTotal, c.stored_value AS storedValue,
  c.stored_value_units AS storedValueUnits, c.action AS action, c.score AS score, c.warned AS warned,
  c.revision AS revision, c.rule_set_version AS ruleSetVersion, c.prompt_id AS promptId,
  c.outcome AS outcome, c.outcome_at AS outcomeAt, c.outcome_police_reference AS policeReference,
  (SELECT group_concat(rule_id, ' ' ORDER BY rule_id) FROM check_rules WHERE check_id = c.id AND shadow = 0) AS rules,
  (SELECT group_concat(rule_id, ' ' ORDER BY rule_id) FROM check_rules WHERE check_id = c.id AND shadow = 1) AS shadowRules`;

// `@everyStore OR …` keeps the planner on checks_by_time, so rows come out in time order without a sort:
// a year's export streams instead of being gathered into a temporary table first. The time range only
// narrows the index walk; the business day decides, as it does in the roll-ups.
const CHECKS_IN_PERIOD = `
  SELECT c.rowid AS rowKey, ${CHECK_COLUMNS} FROM checks c
  WHERE c.occurred_at >= @fromMs AND c.occurred_at < @toMs AND c.business_day BETWEEN @fromDate AND @toDate AND c.livemode = 1
    AND (@everyStore OR c.store_id IN (SELECT value FROM json_each(@storeIds)))`;

const toCheckRow = (row: RawCheckRow): CheckReportRow => ({
  ...row,
  warned: row.warned === 1,
  rules: row.rules ? row.rules.split(' ') : [],
  shadowRules: row.shadowRules ? row.shadowRules.split(' ') : [],
});

/** The period as the whole blocks inside it and the days either side; an empty range runs backwards. */
function split(fromDay: number, toDay: number) {
  const firstBlock = Math.ceil(fromDay / BLOCK_DAYS);
  const lastBlock = Math.floor((toDay + 1) / BLOCK_DAYS) - 1;
  if (firstBlock > lastBlock) return { headFrom: fromDay, headTo: toDay, fromBlock: 1, toBlock: 0, tailFrom: 1, tailTo: 0 };
  return {
    headFrom: fromDay,
    headTo: firstBlock * BLOCK_DAYS - 1,
    fromBlock: firstBlock,
    toBlock: lastBlock,
    tailFrom: (lastBlock + 1) * BLOCK_DAYS,
    tailTo: toDay,
  };
}

function params(filter: ReportFilter, storeIds: readonly string[] | null = filter.storeIds) {
  return {
    fromDay: filter.fromDay,
    toDay: filter.toDay,
    ...split(filter.fromDay, filter.toDay),
    fromDate: new Date(filter.fromDay * DAY_MS).toISOString().slice(0, 10),
    toDate: new Date(filter.toDay * DAY_MS).toISOString().slice(0, 10),
    fromMs: filter.fromDay * DAY_MS - EARLIEST_START_MS,
    toMs: (filter.toDay + 1) * DAY_MS + LATEST_END_MS,
    everyStore: storeIds === null ? 1 : 0,
    storeIds: JSON.stringify(storeIds ?? []),
  };
}

export type ReportsRepository = ReturnType<typeof reportsRepository>;

/**
 * Reads for reports: the roll-ups (migration 0040, caught up from written checks as migration 0060
 * describes, always before they are read), and checks row by row for exports.
 */
export function reportsRepository(db: Db) {
  const rollups = rollupCatchUp(db);
  const grouped = Object.fromEntries(
    Object.entries(GROUPINGS).map(([name, sql]) => [name, db.prepare<Record<string, unknown>, RawCounterRow>(sql)]),
  ) as Record<Grouping, Database.Statement<Record<string, unknown>, RawCounterRow>>;
  const rules = db.prepare<Record<string, unknown>, RawRuleRow>(RULES);
  const latestWarned = db.prepare<Record<string, unknown>, RawCheckRow>(`
    SELECT ${CHECK_COLUMNS} FROM checks c INDEXED BY checks_warned_by_time
    WHERE c.warned = 1 AND c.occurred_at >= @fromMs AND c.occurred_at < @toMs AND c.business_day BETWEEN @fromDate AND @toDate AND c.livemode = 1
      AND (@everyStore OR c.store_id IN (SELECT value FROM json_each(@storeIds)))
    ORDER BY c.occurred_at DESC LIMIT @limit`);
  const storesWithChecks = db.prepare<[], { storeId: string }>(
    `SELECT DISTINCT store_id AS storeId FROM report_blocks WHERE dimension = 'all' AND checks > 0 AND store_id != '${CHAIN}' ORDER BY 1`,
  );
  const everyStore = () => {
    rollups.all();
    return storesWithChecks.all().map((row) => row.storeId);
  };
  /**
   * A report over every store reads the chain's rows; one over some stores reads theirs. The ranking of
   * stores needs every store's own rows, so it names every store that has had a check.
   */
  const rollupParams = (filter: ReportFilter, grouping?: Grouping) =>
    params(filter, filter.storeIds ?? (grouping === 'store' ? everyStore() : [CHAIN]));

  function counters<K extends string | number>(grouping: Grouping, filter: ReportFilter): CounterRow<K>[] {
    rollups.all();
    return grouped[grouping].all(rollupParams(filter, grouping)).map(({ key, currency, ...counters }) => ({ key: key as K, currency, counters }));
  }

  return {
    totals: (filter: ReportFilter) => counters<string>('total', filter),
    byDay: (filter: ReportFilter) => counters<number>('day', filter),
    byStore: (filter: ReportFilter) => counters<string>('store', filter),
    byAgeBand: (filter: ReportFilter) => counters<AgeBand>('ageBand', filter),
    byLane: (filter: ReportFilter) => counters<Lane>('lane', filter),
    byRule: (filter: ReportFilter): RuleCounterRow[] => {
      rollups.all();
      return rules.all(rollupParams(filter)).map((row) => ({ ...row, shadow: row.shadow === 1 }));
    },

    /** Bringing written checks into the roll-ups, for a background timer and after a purge. */
    rollups,

    /** The most recent checks that were prompted, held or refused, newest first. */
    latestInterventions: (filter: ReportFilter, limit: number): CheckReportRow[] =>
      latestWarned.all({ ...params(filter), limit }).map(toCheckRow),

    /** Every store that has had a check. */
    storeIds: everyStore,

    /**
     * Every check in the period, oldest first, one at a time: the checks there when the export began,
     * each exactly once, as it stood when its slice was read. It reads on a connection of its own, a
     * slice of EXPORT_SLICE_ROWS at a time, each slice its own short read: one read held for a whole
     * export would pin the WAL, which then grows until the tills' own commits checkpoint it.
     * The connection opens on the first row and closes when the iteration ends or is abandoned (`return()`).
     */
    *checks(filter: ReportFilter): Generator<CheckReportRow, void, undefined> {
      if (db.memory) throw new Error('Exports read on a second connection, so they need a database file');
      const reader = new Database(db.name, { readonly: true, fileMustExist: true });
      try {
        reader.pragma('busy_timeout = 5000');
        // A check written after the export began has a higher rowid than any before it.
        const lastRowid = reader.prepare<[], number | null>('SELECT max(rowid) FROM checks').pluck().get() ?? 0;
        const slice = reader.prepare<Record<string, unknown>, RawCheckRow & { rowKey: number }>(
          `${CHECKS_IN_PERIOD} AND c.rowid <= @lastRowid AND (c.occurred_at, c.rowid) > (@afterAt, @afterRowid)
           ORDER BY c.occurred_at, c.rowid LIMIT ${EXPORT_SLICE_ROWS}`,
        );
        const period = params(filter);
        let after = { afterAt: period.fromMs, afterRowid: 0 };
        for (;;) {
          // From where the last slice ended: the time index is walked once over the export, not from the period's start for each slice.
          const rows = slice.all({ ...period, fromMs: after.afterAt, lastRowid, ...after });
          for (const { rowKey: _, ...row } of rows) yield toCheckRow(row);
          const last = rows.at(-1);
          if (rows.length < EXPORT_SLICE_ROWS || !last) return;
          after = { afterAt: last.occurredAt, afterRowid: last.rowKey };
        }
      } finally {
        reader.close();
      }
    },
  };
}
