import type { Principal } from '../access/api-keys.js';
import type { Escalation, EscalationRequest } from '../contract/cases.js';
import { invalidField } from '../errors.js';
import { newId } from '../sortable-id.js';
import { checkSubject, recordEvent } from '../webhooks/events.js';
import { raiseCaseAlert } from './area-alert.js';
import { changeCase } from './change.js';
import type { CaseContext } from './context.js';
import { openCase } from './open.js';
import { requestFreeze } from './freeze.js';
import { CLOCK_SKEW_MS, checkForCase, claimedTime } from './report.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A step taken for the customer beyond the till (the warm hand-off: police, the bank via 159, the
 * family; ../shared/research/after-the-till-and-across-shops.md, §3 item 2). Someone judged it a
 * scam, so it opens the check's case if there is none, and raises its area alert while the sale is
 * recent; `case.escalated` goes out in the same transaction, for loss prevention to follow up at once.
 */
export async function escalate(context: CaseContext, principal: Principal, checkId: string, body: EscalationRequest): Promise<Escalation> {
  const now = context.clock();
  const at = claimedTime('at', body.at, now);
  return context.store.transaction(async (tx) => {
    const check = await checkForCase(tx, principal, checkId);
    if (at < check.occurredAt - CLOCK_SKEW_MS) throw invalidField('at', 'too_small', `at is before the sale (${iso(check.occurredAt)})`);
    const { row } = await openCase(tx, check, 'escalated', now, principal.keyId);
    await raiseCaseAlert(context, tx, check, now);
    const id = newId('esc', now);
    const escalation: Escalation = { ...body, id, caseId: row.id, checkId, at: iso(at), recordedAt: iso(now) };
    const escalated = await changeCase(tx, row, { updatedAt: now }, { at, kind: 'escalation', actor: body.by, detail: { ...escalation, keyId: principal.keyId } });
    const subject = checkSubject(check, check.latest);
    await recordEvent(tx, 'case.escalated', { ...subject, caseId: row.id, escalationId: id, step: body.step, by: body.by, at: iso(at) }, now, subject);
    await requestFreeze(tx, escalated, check, now, principal.keyId);
    return escalation;
  });
}
