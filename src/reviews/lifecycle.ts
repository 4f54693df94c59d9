import type { OfflineDecision } from '../contract/check.js';
import type { Action, Outcome } from '../contract/enums.js';
import { type CheckRow, type CheckWrite, type ReviewClosing, type ReviewRow, type Within, WriteCollision } from '../store/index.js';
import { type CheckSubject, checkSubject, recordEvent } from '../webhooks/events.js';
import type { ReviewContext } from './context.js';

/** The review as it reads at `now`: one still open at its deadline has expired, written down or not. */
export function asOf<T extends Pick<ReviewRow, 'status' | 'deadline' | 'closedAt' | 'closedBy'>>(review: T, now: number): T {
  if (review.status !== 'open' || review.deadline > now) return review;
  return { ...review, status: 'expired', closedAt: review.deadline, closedBy: 'deadline' };
}

/**
 * The weakest action a check may be decided while it has this review: a hold stands until a
 * supervisor releases it. An open, refused or expired review keeps the decision at `hold` or above,
 * so the colleague's reassuring answers (or a basket trimmed under a line) cannot talk it down. A
 * release lets the engine decide afresh; whether the release still covers the basket (see
 * `releaseCovers`) decides only what a hold then means. A check the till held while the service was
 * away is held here too, unless a release covers it: the customer was kept waiting for a supervisor,
 * and the supervisor's decision follows it from the till's outbox.
 */
export function weakestAction(review: ReviewRow | undefined, offlineDecision: OfflineDecision | undefined, covered: boolean): Action {
  if (review && review.status !== 'released') return 'hold';
  if (review && covered) return 'allow';
  return offlineDecision?.action === 'hold' ? 'hold' : 'allow';
}

/**
 * Closes a review, audits it and tells the webhooks. Call inside a transaction. A review another
 * transaction closed since it was read (a release racing a refusal or an outcome, on PostgreSQL) is
 * a collision: the work runs again and decides on the review as that one left it.
 */
export async function closeReview(context: Within<ReviewContext>, review: ReviewRow, closing: ReviewClosing, subject: CheckSubject, actor: string): Promise<ReviewRow> {
  const { store } = context;
  if (!(await store.reviews.close(review, review.status, closing))) {
    throw new WriteCollision(`the review of ${review.checkId} is no longer ${review.status}`);
  }
  await store.audit.append({
    at: closing.closedAt,
    actor,
    action: `review.${closing.status}`,
    subject: review.checkId,
    detail: {
      storeId: review.storeId,
      closedBy: closing.closedBy,
      supervisorRef: closing.supervisorRef,
      reason: closing.reason,
      storedValue: subject.storedValue,
      currency: subject.currency,
      ...(review.status === 'expired' ? { correctedFrom: 'expired' } : {}),
    },
  });
  const closed: ReviewRow = { ...review, ...closing };
  await recordEvent(
    store,
    'review.closed',
    {
      ...subject,
      status: closing.status,
      openedAt: new Date(review.openedAt).toISOString(),
      deadline: new Date(review.deadline).toISOString(),
      closedAt: new Date(closing.closedAt).toISOString(),
      closedBy: closing.closedBy,
      supervisorRef: closing.supervisorRef,
    },
    context.clock(),
    subject,
  );
  return closed;
}

/** Writes down an expiry the clock has already decided. Call inside a transaction. */
export async function settleExpiry(context: Within<ReviewContext>, review: ReviewRow, subject: CheckSubject, now: number): Promise<ReviewRow> {
  const current = asOf(review, now);
  if (current === review) return review;
  return closeReview(
    context,
    review,
    { status: 'expired', closedAt: review.deadline, closedBy: 'deadline', supervisorRef: null, closedKeyId: null, reason: null, releasedRevision: null },
    subject,
    'system',
  );
}

/**
 * The check's stored review (as read beside the check) with any expiry written down, or undefined if
 * it was never held. Call inside a transaction.
 */
export async function settledReview(context: Within<ReviewContext>, check: CheckRow, review: ReviewRow | undefined, now: number): Promise<ReviewRow | undefined> {
  return review && settleExpiry(context, review, checkSubject(check, check.latest), now);
}

/** When an offline hold began: when the till decided, but never later than the service's now. */
function openedAt(write: CheckWrite, now: number): number {
  const offline = write.evaluation.request.offlineDecision;
  if (offline?.action !== 'hold') return write.evaluation.evaluatedAt;
  return Math.min(Date.parse(offline.decidedAt), now);
}

/**
 * What a new decision does to the check's review, in the transaction that recorded it: a hold opens
 * one (with its deadline) unless a release covers the basket, a refusal closes an open one, and the
 * webhooks hear of both. A hold after a release that does not cover the basket is a new hold, with a
 * review of its own: the release is kept as made, for the basket it was made for.
 */
export async function afterDecision(
  context: Within<ReviewContext>,
  {
    previousAction,
    write,
    review,
    covered,
    actor,
  }: { previousAction: Action | undefined; write: CheckWrite; review: ReviewRow | undefined; covered: boolean; actor: string },
): Promise<ReviewRow | undefined> {
  const now = context.clock();
  const { action } = write.evaluation;
  const subject = checkSubject(write, write.evaluation);
  let current = review;
  if (action === 'hold' && (!current || (current.status === 'released' && !covered))) {
    const opened = openedAt(write, now);
    current = {
      checkId: write.id,
      revision: write.evaluation.revision,
      storeId: write.storeId,
      openedAt: opened,
      deadline: opened + context.holdDeadlineMs,
      status: 'open',
      closedAt: null,
      closedBy: null,
      supervisorRef: null,
      closedKeyId: null,
      reason: null,
      releasedRevision: null,
    };
    await context.store.reviews.open(current);
    await recordEvent(
      context.store,
      'check.held',
      { ...subject, ruleSetVersion: write.evaluation.ruleSetVersion, revision: write.evaluation.revision, occurredAt: new Date(write.occurredAt).toISOString(), deadline: new Date(current.deadline).toISOString() },
      now,
      subject,
    );
  }
  if (action === 'refuse' && previousAction !== 'refuse') {
    await recordEvent(
      context.store,
      'check.refused',
      { ...subject, ruleSetVersion: write.evaluation.ruleSetVersion, revision: write.evaluation.revision, occurredAt: new Date(write.occurredAt).toISOString() },
      now,
      subject,
    );
    if (current?.status === 'open') {
      current = await closeReview(
        context,
        current,
        {
          status: 'refused',
          closedAt: now,
          closedBy: 'decision',
          supervisorRef: null,
          closedKeyId: actor,
          reason: `Decided refuse (${write.evaluation.trigger === 'answers' ? 'the customer’s answers' : 'a changed basket'})`,
          releasedRevision: null,
        },
        subject,
        actor,
      );
    }
  }
  return current;
}

/** A held sale that did not go ahead (the customer left, or the colleague refused) needs no supervisor any more. */
export function closeReviewForOutcome(context: Within<ReviewContext>, review: ReviewRow, outcome: Outcome, subject: CheckSubject, actor: string, now: number): Promise<ReviewRow> {
  return closeReview(
    context,
    review,
    { status: 'refused', closedAt: now, closedBy: 'outcome', supervisorRef: null, closedKeyId: actor, reason: `Outcome recorded: ${outcome}`, releasedRevision: null },
    subject,
    actor,
  );
}
