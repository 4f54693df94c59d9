import { AgeBand, Lane } from '../contract/enums.js';
import type { Figures, GroupBy, Money, RuleFigures, Summary } from '../contract/reports.js';
import type { CounterRow, Counters, ReportFilter, RuleCounterRow, Store } from '../store/index.js';
import { buildCaseReport } from './cases.js';
import { dayDate, type Period } from './period.js';

export const ALL_GROUPINGS: readonly GroupBy[] = ['day', 'store', 'rule', 'ageBand', 'lane'];

export interface SummaryRequest {
  period: Period;
  storeIds: string[] | null;
  groupBy: ReadonlySet<GroupBy>;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function addMoney(money: Money, currency: string, amount: number): void {
  money[currency] = (money[currency] ?? 0) + amount;
}

const EMPTY: Counters = {
  checks: 0,
  checksWithStoredValue: 0,
  warnedWithStoredValue: 0,
  storedValue: 0,
  actionAllow: 0,
  actionPrompt: 0,
  actionHold: 0,
  actionRefuse: 0,
  warned: 0,
  outcomeProceeded: 0,
  outcomeProceededAfterWarning: 0,
  outcomeAbandoned: 0,
  outcomeScamConfirmed: 0,
  outcomeRefused: 0,
  warnedWithOutcome: 0,
  warnedThenSold: 0,
  stops: 0,
  valueProtected: 0,
};

/** Sums one group's rows (one per currency) into its figures. Counts add across currencies; money never does. */
function toFigures(rows: readonly Pick<CounterRow<unknown>, 'currency' | 'counters'>[]): Figures {
  const sum = { ...EMPTY };
  const storedValue: Money = {};
  const valueProtected: Money = {};
  for (const { currency, counters } of rows) {
    for (const name of Object.keys(sum) as (keyof Counters)[]) sum[name] += counters[name];
    addMoney(storedValue, currency, counters.storedValue);
    addMoney(valueProtected, currency, counters.valueProtected);
  }
  const outcomes = {
    proceeded: sum.outcomeProceeded,
    proceeded_after_warning: sum.outcomeProceededAfterWarning,
    abandoned: sum.outcomeAbandoned,
    scam_confirmed: sum.outcomeScamConfirmed,
    refused: sum.outcomeRefused,
  };
  return {
    checks: sum.checks,
    checksWithStoredValue: sum.checksWithStoredValue,
    storedValue,
    actions: { allow: sum.actionAllow, prompt: sum.actionPrompt, hold: sum.actionHold, refuse: sum.actionRefuse },
    warned: sum.warned,
    warnedWithStoredValue: sum.warnedWithStoredValue,
    promptRate: ratio(sum.warnedWithStoredValue, sum.checksWithStoredValue),
    outcomes: { ...outcomes, none: sum.checks - Object.values(outcomes).reduce((a, b) => a + b, 0) },
    warnedWithOutcome: sum.warnedWithOutcome,
    stops: sum.stops,
    stopRate: ratio(sum.stops, sum.warnedWithOutcome),
    warnedThenSold: sum.warnedThenSold,
    valueProtected,
  };
}

function groupRows<K>(rows: readonly CounterRow<K>[]): Map<K, CounterRow<K>[]> {
  const groups = new Map<K, CounterRow<K>[]>();
  for (const row of rows) {
    const group = groups.get(row.key);
    if (group) group.push(row);
    else groups.set(row.key, [row]);
  }
  return groups;
}

/** Every value of `keys`, in that order, zeros where there were no checks. */
function complete<K, E>(keys: readonly K[], rows: readonly CounterRow<K>[], extend: (key: K) => E): (Figures & E)[] {
  const groups = groupRows(rows);
  return keys.map((key) => ({ ...extend(key), ...toFigures(groups.get(key) ?? []) }));
}

function ruleFigures(rows: readonly RuleCounterRow[]): RuleFigures[] {
  const rules = new Map<string, RuleFigures>();
  for (const row of rows) {
    const id = `${row.shadow ? 1 : 0}:${row.ruleId}`;
    const rule = rules.get(id) ?? { ruleId: row.ruleId, shadow: row.shadow, hits: 0, stops: 0, valueProtected: {} };
    rule.hits += row.hits;
    rule.stops += row.stops;
    addMoney(rule.valueProtected, row.currency, row.valueProtected);
    rules.set(id, rule);
  }
  return [...rules.values()];
}

const byId = (a: RuleFigures, b: RuleFigures) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);

/** The summary report: every figure is read from the daily roll-ups, so its cost grows with days × stores, not with checks. */
export async function buildSummary(store: Store, request: SummaryRequest, now: number): Promise<Summary> {
  const { period, storeIds, groupBy } = request;
  const filter: ReportFilter = { fromDay: period.fromDay, toDay: period.toDay, storeIds };
  const { reports } = store;
  const summary: Summary = {
    from: period.from,
    to: period.to,
    days: period.days,
    timeZone: period.timeZone,
    storeIds,
    generatedAt: new Date(now).toISOString(),
    totals: toFigures(await reports.totals(filter)),
    cases: await buildCaseReport(store, { period, storeIds }),
  };
  if (groupBy.has('day')) {
    const days = Array.from({ length: period.days }, (_, i) => period.fromDay + i);
    summary.byDay = complete(days, await reports.byDay(filter), (day) => ({ day: dayDate(day) }));
  }
  if (groupBy.has('store')) {
    const groups = groupRows(await reports.byStore(filter));
    summary.byStore = [...groups]
      .map(([storeId, rows]) => ({ storeId, ...toFigures(rows) }))
      .sort((a, b) => b.stops - a.stops || b.checks - a.checks || (a.storeId < b.storeId ? -1 : 1))
      .map((row, index) => ({ ...row, rank: index + 1 }));
  }
  if (groupBy.has('ageBand')) summary.byAgeBand = complete(AgeBand.options, await reports.byAgeBand(filter), (ageBand) => ({ ageBand }));
  if (groupBy.has('lane')) summary.byLane = complete(Lane.options, await reports.byLane(filter), (lane) => ({ lane }));
  if (groupBy.has('rule')) {
    const rules = ruleFigures(await reports.byRule(filter));
    const enforced = rules.filter((rule) => !rule.shadow);
    summary.rules = {
      byHits: [...enforced].sort((a, b) => b.hits - a.hits || byId(a, b)),
      byStops: enforced.filter((rule) => rule.stops > 0).sort((a, b) => b.stops - a.stops || b.hits - a.hits || byId(a, b)),
      shadow: rules.filter((rule) => rule.shadow).sort((a, b) => b.hits - a.hits || byId(a, b)),
    };
  }
  return summary;
}
