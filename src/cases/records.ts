import type { CaseSummary } from '../contract/cases.js';
import type { CaseListRow } from '../store/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function toCaseSummary(row: CaseListRow): CaseSummary {
  return {
    caseId: row.id,
    checkId: row.checkId,
    storeId: row.storeId,
    tillId: row.tillId,
    openedAt: iso(row.openedAt),
    openedReason: row.openedReason,
    status: row.status,
    owner: row.owner,
    currency: row.currency,
    storedValue: row.storedValue,
    valueLost: row.valueLost,
    valueFrozen: row.valueFrozen,
    saleAt: iso(row.saleAt),
    freezeRequestedAt: row.freezeRequestedAt === null ? null : iso(row.freezeRequestedAt),
    updatedAt: iso(row.updatedAt),
  };
}
