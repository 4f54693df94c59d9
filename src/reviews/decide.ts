import type { Principal } from '../access/api-keys.js';
import { canActOnCheck } from '../access/store-scope.js';
import { openCase } from '../cases/open.js';
import type { ReviewRecord, ReviewRequest } from '../contract/review.js';
import { formatMoney } from '../engine/index.js';
import { DomainError, invalidField } from '../errors.js';
import { type ReviewRow, within } from '../store/index.js';
import { checkSubject } from '../webhooks/events.js';
import type { ReviewContext } from './context.js';
import { asOf, closeReview, settleExpiry } from './lifecycle.js';
import { toReview, toReviewRecord } from './records.js';
import { raiseAreaAlert } from '../stores/index.js';

/** How far a till's clock may be off the service's, either way. */
const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * How long after a hold's deadline a decision made before it is still believed. Only a till's outbox
 * sends one that late (a release made at the till while the service was away), and it replays as
 * soon as the service is back; a claim older than this is more likely a way round the deadline.
 */
const LATE_DECISION_WINDOW_MS = 24 * 60 * 60_000;

export interface Reviewed {
  /** The same decision was already recorded: a retry, or a replay from the till's outbox. */
  replayed: boolean;
  review: ReviewRecord;
}

function sameDecision(review: ReviewRow, body: ReviewRequest): boolean {
  return (
    review.closedBy === 'supervisor' &&
    review.status === (body.decision === 'release' ? 'released' : 'refused') &&
    review.supervisorRef === (body.supervisorRef ?? null) &&
    review.reason === (body.reason ?? null)
  );
}

function closedProblem(checkId: string, review: ReviewRow, now: number): DomainError {
  const when = new Date(review.closedAt ?? review.deadline).toISOString();
  const detail =
    review.status === 'expired'
      ? `The hold on ${checkId} expired at ${when} with no decision, and counts as refused; start a new transaction to try again`
      : `The hold on ${checkId} was already ${review.status} at ${when}${review.closedBy === 'supervisor' ? ' by a supervisor' : ''}`;
  return new DomainError('review_closed', detail, { extra: { review: toReview(review, now) } });
}

/**
 * When a decision counts as made, or undefined if it came too late to count. `decidedAt` is the till's
 * word, believed only within bounds: not before the hold opened nor after now (beyond clock skew,
 * that is a wrong clock or a made-up time: a 400); and a decision that arrives after the deadline,
 * claiming to have been made before it, only from a till (a key, or a token, which acts for its own
 * till only), whose outbox replays decisions made while the service was away, and only within
 * LATE_DECISION_WINDOW_MS of the deadline.
 */
function decisionTime(review: ReviewRow, principal: Principal, decidedAt: number, now: number): number | undefined {
  if (decidedAt < review.openedAt - CLOCK_SKEW_MS) {
    throw invalidField(
      'decidedAt',
      'too_small',
      `decidedAt is before the hold opened at ${new Date(review.openedAt).toISOString()}; a decision cannot come before the hold it decides`,
    );
  }
  // A till's clock a little behind the service's must not put the decision before the hold.
  const at = Math.max(review.openedAt, Math.min(decidedAt, now));
  if (at >= review.deadline) return undefined;
  if (now < review.deadline) return at;
  const replayed = principal.role === 'till' && now < review.deadline + LATE_DECISION_WINDOW_MS;
  return replayed ? at : undefined;
}

/**
 * A supervisor releases or refuses a held sale. A release needs the supervisor's reference, and a
 * reason above the rule set's value line. A decision made before the deadline stands even when a
 * till's outbox brings it later (a release made at the till while the service was away; see
 * `decisionTime` for how far that is believed), and corrects an expiry the clock wrote down
 * meanwhile; one made at or after it finds the hold expired.
 */
export async function decideReview(context: ReviewContext, principal: Principal, checkId: string, body: ReviewRequest): Promise<Reviewed> {
  const { store } = context;
  const now = context.clock();
  const decidedAt = body.decidedAt === undefined ? now : Date.parse(body.decidedAt);
  if (decidedAt > now + CLOCK_SKEW_MS) {
    throw invalidField('decidedAt', 'too_big', 'decidedAt is more than five minutes ahead of the service clock; check the till clock');
  }

  const result = await store.transaction(async (tx): Promise<{ replayed: boolean } | { tooLate: ReviewRow }> => {
    // Locked, so the release is recorded for the basket as it stands, not one a racing revision replaces.
    const check = await tx.checks.findById(checkId, { lock: true });
    // A check in a store the key cannot see, or of the other world, is reported as missing, as for every other check route.
    if (!check || !canActOnCheck(principal, check)) throw new DomainError('not_found', `No check ${checkId}`);
    const review = await tx.reviews.find(checkId);
    if (!review) {
      throw new DomainError('not_held', `Check ${checkId} is decided ${check.latest.action} and was never held; only a held check has a review`);
    }
    if (sameDecision(review, body)) return { replayed: true };
    const decidable = review.status === 'open' || (review.status === 'expired' && review.closedBy === 'deadline');
    if (!decidable) throw closedProblem(checkId, review, now);

    const subject = checkSubject(check, check.latest);
    const closedAt = decisionTime(review, principal, decidedAt, now);
    if (closedAt === undefined) return { tooLate: await settleExpiry(within(context, tx), review, subject, now) };

    const line = context.rules.current.holds.releaseReasonAbove;
    if (body.decision === 'release' && body.reason === undefined && check.totals.storedValue > line) {
      const currency = check.latest.request.currency;
      throw invalidField(
        'reason',
        'required',
        `Releasing ${formatMoney(check.totals.storedValue, currency)} of stored value needs a reason: the line is ${formatMoney(line, currency)}`,
      );
    }
    await closeReview(
      within(context, tx),
      review,
      {
        status: body.decision === 'release' ? 'released' : 'refused',
        closedAt,
        closedBy: 'supervisor',
        supervisorRef: body.supervisorRef ?? null,
        closedKeyId: principal.keyId,
        reason: body.reason ?? null,
        // The basket the supervisor was shown, and a later one only as far as it asks for no more.
        releasedRevision: body.decision === 'release' ? check.latest.revision : null,
      },
      subject,
      principal.keyId,
    );
    // A supervisor who refuses a hold has judged it a scam, or near enough to follow up.
    if (body.decision === 'refuse') await openCase(tx, check, 'hold_refused', now, principal.keyId);
    // A held sale the supervisor refused raises the guard at the stores nearby.
    if (body.decision === 'refuse') {
      const request = check.latest.request;
      await raiseAreaAlert(within(context, tx), { storeId: check.storeId, checkId, reason: 'refused_hold', livemode: check.livemode, lines: request.lines, currency: request.currency });
    }
    return { replayed: false };
  });

  // Thrown only now, so that the expiry written down above is committed with the answer.
  if ('tooLate' in result) throw closedProblem(checkId, asOf(result.tooLate, now), now);
  return { replayed: result.replayed, review: toReviewRecord((await store.reviews.findHeld(checkId))!, now) };
}
