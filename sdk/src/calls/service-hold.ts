import type { Decision } from '../../../src/contract/decision.js';
import type { Review } from '../../../src/contract/review-state.js';
import type { Clock } from '../clock.js';
import { holdFrom } from '../hold.js';
import type { TillMemory, Transaction } from '../till-memory.js';

/**
 * A decision from the service carries the check's review once it was held: the till follows it, and
 * learns the service's deadline for the holds it has to open on its own while the service is away.
 */
export function adoptServiceHold(memory: TillMemory, clock: Clock, transaction: Transaction, decision: Pick<Decision, 'evaluatedAt' | 'review'>): void {
  if (!decision.review) return;
  memory.holdDeadlineMs = Date.parse(decision.review.deadline) - Date.parse(decision.review.openedAt);
  if (transaction.hold?.review.deadline === decision.review.deadline) {
    // The same hold (a retry answered with the decision already made): its countdown is already running.
    adoptReview(memory, clock, transaction, decision.review);
    return;
  }
  memory.setHold(transaction, holdFrom(decision, clock)!);
}

/**
 * Takes the service's word on a hold. A review read back from the service keeps the deadline the till
 * already counts down to; one the till never knew (after a restart) counts down from the wall clock.
 */
export function adoptReview(memory: TillMemory, clock: Clock, transaction: Transaction, review: Review): void {
  const { status, openedAt, deadline, closedAt, closedBy, reason } = review;
  const deadlineAt = transaction.hold?.deadlineAt ?? clock.now() + (Date.parse(deadline) - Date.now());
  memory.setHold(transaction, { review: { status, openedAt, deadline, closedAt, closedBy, reason }, deadlineAt, source: 'service' });
}
