import type { CaseStatus, FreezeResultStatus } from '../contract/cases.js';
import { DomainError } from '../errors.js';
import { type CaseChange, type CaseEventRow, type CaseListRow, type Repositories, WriteCollision } from '../store/index.js';

/**
 * Where a case may go from each status. A freeze is asked for once a scam is seen; the processor's
 * results (per card, so a case can move between the three results as they arrive) say how much was
 * saved; loss prevention closes a case from anywhere and reopens it to where it stood.
 */
const NEXT: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  open: ['freeze_requested', 'closed'],
  freeze_requested: ['freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed'],
  frozen: ['freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed'],
  partly_frozen: ['freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed'],
  too_late: ['freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed'],
  closed: [],
};

export function assertTransition(row: Pick<CaseListRow, 'id' | 'status'>, to: CaseStatus | FreezeResultStatus): void {
  if (!NEXT[row.status].includes(to)) {
    const why = row.status === 'closed' ? 'it is closed; reopen it first' : `a case ${row.status.replaceAll('_', ' ')} cannot become ${to.replaceAll('_', ' ')}`;
    throw new DomainError('case_status_conflict', `Case ${row.id} is ${row.status}: ${why}`, { extra: { caseStatus: row.status, allowedStatuses: NEXT[row.status] } });
  }
}

/**
 * Writes a change to a case and what it says in the timeline. Call inside a transaction. A case
 * another transaction changed since it was read is a collision: the work runs again on the case as
 * that one left it.
 */
export async function changeCase(
  store: Repositories,
  row: CaseListRow,
  change: Partial<CaseChange> & Pick<CaseChange, 'updatedAt'>,
  event: Omit<CaseEventRow, 'caseId' | 'seq'>,
): Promise<CaseListRow> {
  const next = { ...row, ...change };
  const written = await store.cases.update(row, {
    status: next.status,
    reopenStatus: next.reopenStatus,
    owner: next.owner,
    valueLost: next.valueLost,
    valueFrozen: next.valueFrozen,
    freezeRequestedAt: next.freezeRequestedAt,
    updatedAt: next.updatedAt,
  });
  if (!written) throw new WriteCollision(`case ${row.id} changed meanwhile`);
  await store.cases.appendEvent({ caseId: row.id, ...event });
  return { ...next, version: row.version + 1 };
}
