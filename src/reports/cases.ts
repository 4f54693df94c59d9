import type { CaseFigures, CaseReport } from '../contract/cases.js';
import { CaseOpenedReason } from '../contract/cases.js';
import type { CaseListRow, Store } from '../store/index.js';
import { type Period, periodBounds } from './period.js';

/** The nearest-rank median of sorted values. */
const median = (sorted: readonly number[]) => (sorted.length === 0 ? null : sorted[Math.ceil(sorted.length / 2) - 1]!);

function figures(rows: readonly CaseListRow[]): CaseFigures {
  const result: CaseFigures = {
    opened: rows.length,
    openedBy: Object.fromEntries(CaseOpenedReason.options.map((reason) => [reason, 0])) as CaseFigures['openedBy'],
    open: 0,
    valueLost: {},
    valueFrozen: {},
    freezeRequested: 0,
    saleToFreezeRequestMedianSeconds: null,
  };
  const waits: number[] = [];
  for (const row of rows) {
    result.openedBy[row.openedReason] += 1;
    if (row.status !== 'closed') result.open += 1;
    if (row.valueLost !== null) result.valueLost[row.currency] = (result.valueLost[row.currency] ?? 0) + row.valueLost;
    if (row.valueFrozen > 0) result.valueFrozen[row.currency] = (result.valueFrozen[row.currency] ?? 0) + row.valueFrozen;
    if (row.freezeRequestedAt !== null) {
      result.freezeRequested += 1;
      waits.push(Math.max(0, row.freezeRequestedAt - row.saleAt) / 1000);
    }
  }
  result.saleToFreezeRequestMedianSeconds = median(waits.sort((a, b) => a - b));
  return result;
}

/** The live cases opened in the period's days, in total and by store: read from the cases themselves, a few per store and day at most. */
export async function buildCaseReport(store: Store, { period, storeIds }: { period: Period; storeIds: string[] | null }): Promise<CaseReport> {
  const rows = await store.cases.forReport({ storeIds, ...periodBounds(period) });
  const byStore = new Map<string, CaseListRow[]>();
  for (const row of rows) byStore.set(row.storeId, [...(byStore.get(row.storeId) ?? []), row]);
  return {
    totals: figures(rows),
    byStore: [...byStore]
      .map(([storeId, storeRows]) => ({ storeId, ...figures(storeRows) }))
      .sort((a, b) => b.opened - a.opened || (a.storeId < b.storeId ? -1 : 1)),
  };
}
