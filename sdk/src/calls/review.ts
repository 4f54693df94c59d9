import { type ReviewRecord, ReviewRequest } from '../../../src/contract/review.js';
import { basketTotals, formatMoney } from '../../../src/engine/index.js';
import { ConflictError, ValidationError, VouchsafeError } from '../errors.js';
import { closeHold, localHold, reviewNow } from '../hold.js';
import { localId } from '../ids.js';
import { followUpEntry } from '../outbox/entry.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { HoldState, ReviewInput } from '../types.js';
import { parse } from '../validate.js';
import { holdState, stateOf } from './hold-state.js';
import { locate } from './locate.js';
import { adoptReview } from './service-hold.js';

/** A release above the rule set's value line needs a reason: the service would refuse it without one. */
function checkReason(till: TillParts, transaction: Transaction | undefined, body: ReviewRequest): void {
  const line = till.rules.current?.holds.releaseReasonAbove;
  if (body.decision !== 'release' || body.reason !== undefined || line === undefined || !transaction) return;
  const { storedValue } = basketTotals(transaction.request.lines);
  if (storedValue <= line) return;
  const currency = transaction.request.currency;
  throw new ValidationError([
    { field: 'reason', code: 'required', message: `Releasing ${formatMoney(storedValue, currency)} of stored value needs a reason: the line is ${formatMoney(line, currency)}` },
  ]);
}

/**
 * A supervisor's release or refusal at the till. Queued before it is sent, like an outcome, with the
 * time it was made: with the service away it stands on the till at once and reaches the service
 * later, where a decision made before the deadline still counts.
 */
export async function review(till: TillParts, checkId: string, input: ReviewInput): Promise<HoldState> {
  const deadline = till.clock.now() + till.settings.timeoutMs;
  till.assertOpen();
  const decidedAt = Date.now();
  const body = parse(ReviewRequest, { ...input, decidedAt: new Date(decidedAt).toISOString() });
  await till.ready;
  const { transaction, serviceId } = locate(till, checkId);
  if (transaction?.hold && reviewNow(transaction.hold, till.clock).status !== 'open') {
    // Decided already (here or at the service), or past its deadline: the hold stands as it is.
    return holdState(till, transaction, checkId);
  }
  checkReason(till, transaction, body);

  const entry = followUpEntry('review', body, serviceId ?? checkId, transaction, localId('obx'));
  const { settled } = await till.outbox.append(entry);
  const blocked = await till.outbox.whenClear((queued) => queued.id === entry.id, deadline);
  const status = body.decision === 'release' ? 'released' : 'refused';
  if (blocked) {
    if (!transaction) throw new VouchsafeError(`The decision on ${checkId} is queued, but this till no longer knows the check to show it`, { cause: blocked });
    // The supervisor is here: the decision stands on the till now. A hold the till no longer knew
    // (after a restart) is written down as opened when it was decided.
    const hold = transaction.hold ?? localHold(till.clock, till.memory.holdDeadlineMs);
    till.memory.setHold(transaction, closeHold(hold, status, 'supervisor', { ...body, at: decidedAt }));
    return holdState(till, transaction, checkId, blocked);
  }

  const settlement = await settled;
  if (settlement.status === 'delivered') {
    // The delivery hook has given the till the service's review, when the till knows the check.
    if (transaction) return holdState(till, transaction, checkId);
    return stateOf(till, checkId, settlement.result as ReviewRecord, {}, 'service');
  }
  if (!(settlement.error instanceof ConflictError)) throw settlement.error;
  // Too late, or already decided elsewhere: ask the service where the hold stands.
  const id = till.outbox.serviceId(entry.checkRef);
  const found = id ? await till.api.checkReview(id, Math.max(1, deadline - till.clock.now())).catch(() => undefined) : undefined;
  if (!found?.review) throw settlement.error;
  if (!transaction) return stateOf(till, checkId, found.review, found.answers, 'service');
  adoptReview(till.memory, till.clock, transaction, found.review);
  return holdState(till, transaction, checkId);
}
