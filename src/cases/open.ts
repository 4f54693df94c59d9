import type { CaseOpenedReason } from '../contract/cases.js';
import { newId } from '../sortable-id.js';
import { type CaseListRow, type CheckRow, type Repositories, WriteCollision } from '../store/index.js';
import { checkSubject, recordEvent } from '../webhooks/events.js';

/**
 * The check's case, opened now if it has none: in the transaction of whatever opened it (the outcome,
 * the refusal, the report, the escalation), so the case and its cause land together or not at all,
 * and `case.opened` goes out with them. A check has one case; a later cause joins it.
 */
export async function openCase(
  store: Repositories,
  check: CheckRow,
  reason: CaseOpenedReason,
  at: number,
  actor: string | null,
): Promise<{ opened: boolean; row: CaseListRow }> {
  const existing = await store.cases.findByCheck(check.id);
  if (existing) return { opened: false, row: existing };
  const id = newId('cas', at);
  // Two causes racing on PostgreSQL: the loser inserts nothing, and runs again to join the winner's case.
  if (!(await store.cases.open({ id, checkId: check.id, storeId: check.storeId, livemode: check.livemode, openedAt: at, openedReason: reason }))) {
    throw new WriteCollision(`check ${check.id} had a case opened meanwhile`);
  }
  await store.cases.appendEvent({ caseId: id, at, kind: 'case_opened', actor, detail: { reason } });
  const subject = checkSubject(check, check.latest);
  await recordEvent(store, 'case.opened', { ...subject, caseId: id, openedReason: reason, openedAt: new Date(at).toISOString() }, at, subject);
  return { opened: true, row: (await store.cases.findById(id))! };
}
