import type { HoldFigures, HoldsReport } from '../contract/holds-report.js';
import type { Money } from '../contract/reports.js';
import { asOf } from '../reviews/index.js';
import type { ReviewReportRow, Store } from '../store/index.js';
import { dayDate, type Period, periodBounds, storeDay } from './period.js';

/** A released hold counts as a costly mistake if the same customer has a confirmed scam within this long after it. */
export const SCAM_LATER_WINDOW_MS = 30 * 86_400_000;

/** The nearest-rank percentile of sorted values (the value at or below which `p` of them fall). */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function addMoney(money: Money, currency: string, amount: number): void {
  money[currency] = (money[currency] ?? 0) + amount;
}

function figures(rows: readonly ReviewReportRow[]): HoldFigures {
  const waits: number[] = [];
  const result: HoldFigures = {
    opened: rows.length,
    open: 0,
    released: 0,
    refused: 0,
    refusedBySupervisor: 0,
    expired: 0,
    timeToSupervisor: { decisions: 0, medianSeconds: null, p90Seconds: null },
    releasedValue: {},
    releasedThenScam: 0,
    releasedThenScamValue: {},
  };
  for (const row of rows) {
    result[row.status] += 1;
    if (row.status === 'refused' && row.closedBy === 'supervisor') result.refusedBySupervisor += 1;
    if (row.closedBy === 'supervisor') waits.push((row.closedAt! - row.openedAt) / 1000);
    if (row.status === 'released') {
      addMoney(result.releasedValue, row.currency, row.storedValue);
      if (row.outcome === 'scam_confirmed' || row.scamLater) {
        result.releasedThenScam += 1;
        addMoney(result.releasedThenScamValue, row.currency, row.storedValue);
      }
    }
  }
  waits.sort((a, b) => a - b);
  result.timeToSupervisor = { decisions: waits.length, medianSeconds: percentile(waits, 0.5), p90Seconds: percentile(waits, 0.9) };
  return result;
}

/**
 * What became of the holds opened in a period, in some stores or all: by store and by day, with how
 * long supervisors took. An open hold past its deadline counts as expired, written down or not.
 */
export async function buildHoldsReport(store: Store, { period, storeIds }: { period: Period; storeIds: string[] | null }, now: number): Promise<HoldsReport> {
  const { from, to } = periodBounds(period);
  const rows = (await store.reviews.forReport({ storeIds, from, to, scamWindowMs: SCAM_LATER_WINDOW_MS })).map((row) => asOf(row, now));

  const byStore = new Map<string, ReviewReportRow[]>();
  const byDay = new Map<number, ReviewReportRow[]>();
  const add = <K>(groups: Map<K, ReviewReportRow[]>, key: K, row: ReviewReportRow) => {
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  };
  for (const row of rows) {
    add(byStore, row.storeId, row);
    add(byDay, storeDay(row.openedAt, period.timeZone), row);
  }
  const open = await store.reviews.openNow(storeIds, now);
  return {
    from: period.from,
    to: period.to,
    days: period.days,
    timeZone: period.timeZone,
    storeIds,
    generatedAt: new Date(now).toISOString(),
    openNow: { count: open.count, oldestOpenedAt: open.oldestOpenedAt === null ? null : new Date(open.oldestOpenedAt).toISOString() },
    totals: figures(rows),
    byStore: [...byStore]
      .map(([storeId, storeRows]) => ({ storeId, ...figures(storeRows) }))
      .sort((a, b) => b.releasedThenScam - a.releasedThenScam || b.expired - a.expired || b.opened - a.opened || a.storeId.localeCompare(b.storeId)),
    byDay: Array.from({ length: period.days }, (_, index) => {
      const day = period.fromDay + index;
      const { opened, released, refused, expired, open: stillOpen } = figures(byDay.get(day) ?? []);
      return { day: dayDate(day), opened, released, refused, expired, open: stillOpen };
    }),
  };
}
