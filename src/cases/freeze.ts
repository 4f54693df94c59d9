import type { FreezeResultStatus } from '../contract/cases.js';
import type { CaseListRow, Repositories } from '../store/index.js';
import { assertTransition, changeCase } from './change.js';

/**
 * A freeze asked of the processor for a case's cards. Call inside the transaction that sends the
 * request, so the case and the request move together. The first request's time is what the reports
 * measure from the sale: the research puts a scammer's draining of a card at 6 to 30 minutes after
 * activation (../shared/research/after-the-till-and-across-shops.md, §2 item 5).
 */
export function recordFreezeRequest(
  store: Repositories,
  row: CaseListRow,
  request: { at: number; actor: string | null; detail: Record<string, unknown> },
): Promise<CaseListRow> {
  assertTransition(row, 'freeze_requested');
  return changeCase(
    store,
    row,
    { status: row.status === 'open' ? 'freeze_requested' : row.status, freezeRequestedAt: row.freezeRequestedAt ?? request.at, updatedAt: request.at },
    { at: request.at, kind: 'freeze_requested', actor: request.actor, detail: request.detail },
  );
}

/**
 * The processor's answer for some of a case's cards: how much it held and how much was already
 * spent (minor units), and where that leaves the case as a whole (the caller, which knows every
 * card's answer, says). Amounts add to what earlier answers said. Call inside a transaction.
 */
export function recordFreezeResult(
  store: Repositories,
  row: CaseListRow,
  result: { at: number; actor: string | null; status: FreezeResultStatus; valueFrozen: number; valueLost: number; detail: Record<string, unknown> },
): Promise<CaseListRow> {
  assertTransition(row, result.status);
  return changeCase(
    store,
    row,
    {
      status: result.status,
      valueFrozen: row.valueFrozen + result.valueFrozen,
      valueLost: result.valueLost === 0 && row.valueLost === null ? null : (row.valueLost ?? 0) + result.valueLost,
      updatedAt: result.at,
    },
    { at: result.at, kind: 'freeze_result', actor: result.actor, detail: { ...result.detail, status: result.status, valueFrozen: result.valueFrozen, valueLost: result.valueLost } },
  );
}
