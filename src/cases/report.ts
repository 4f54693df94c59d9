import type { Principal } from '../access/api-keys.js';
import { canActOnCheck } from '../access/store-scope.js';
import type { ScamReport, ScamReportRequest } from '../contract/cases.js';
import { DomainError, invalidField } from '../errors.js';
import { newId } from '../sortable-id.js';
import type { CheckRow, Repositories } from '../store/index.js';
import { raiseCaseAlert } from './area-alert.js';
import { changeCase } from './change.js';
import type { CaseContext } from './context.js';
import { openCase } from './open.js';
import { requestFreeze } from './freeze.js';

/** How far a client's clock may be off the service's, either way. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A time a client says something happened: now if unsaid, never ahead of the service's clock. */
export function claimedTime(field: string, value: string | undefined, now: number): number {
  if (value === undefined) return now;
  const at = Date.parse(value);
  if (at > now + CLOCK_SKEW_MS) throw invalidField(field, 'too_big', `${field} is more than five minutes ahead of the service clock`);
  return at;
}

/**
 * The check a key may report or escalate, locked for the transaction. A check of another store, the
 * other world, or (for a till token) another till is answered as missing, as on every check route:
 * ids cannot be probed across stores.
 */
export async function checkForCase(store: Repositories, principal: Principal, checkId: string): Promise<CheckRow> {
  const check = await store.checks.findById(checkId, { lock: true });
  if (!check || !canActOnCheck(principal, check)) {
    throw new DomainError('not_found', `No check ${checkId} in the stores and world this key acts for`);
  }
  return check;
}

/**
 * A sale reported as a scam afterwards, by loss prevention or a store: opens the check's case, or
 * adds to it, and raises its area alert if the sale is recent enough for the shops nearby to care. An
 * amount lost replaces the one reported before (the later report knows more).
 */
export async function reportScam(context: CaseContext, principal: Principal, checkId: string, body: ScamReportRequest): Promise<ScamReport> {
  const now = context.clock();
  const reportedAt = claimedTime('reportedAt', body.reportedAt, now);
  return context.store.transaction(async (tx) => {
    const check = await checkForCase(tx, principal, checkId);
    if (reportedAt < check.occurredAt - CLOCK_SKEW_MS) {
      throw invalidField('reportedAt', 'too_small', `reportedAt is before the sale (${iso(check.occurredAt)})`);
    }
    const { row } = await openCase(tx, check, 'reported', now, principal.keyId);
    await raiseCaseAlert(context, tx, check, now);
    const id = newId('rpt', now);
    const report: ScamReport = { ...body, id, caseId: row.id, checkId, reportedAt: iso(reportedAt), recordedAt: iso(now), keyId: principal.keyId };
    const reported = await changeCase(tx, row, { updatedAt: now, ...(body.amountLost !== undefined ? { valueLost: body.amountLost } : {}) }, {
      at: now,
      kind: 'report',
      actor: principal.keyId,
      detail: report,
    });
    // A sale that went through, now seen as a scam: its cards may still hold the money.
    await requestFreeze(tx, reported, check, now, principal.keyId);
    await tx.audit.append({ at: now, actor: principal.keyId, action: 'case.reported', subject: row.id, detail: { checkId, reportId: id, storeId: check.storeId } });
    return report;
  });
}
