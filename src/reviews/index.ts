import type { Principal } from '../access/api-keys.js';
import type { ReviewList, ReviewQuery, ReviewRequest } from '../contract/review.js';
import type { ReviewContext } from './context.js';
import { decideReview, type Reviewed } from './decide.js';
import { listReviews } from './list.js';
import { sweepExpiredReviews } from './sweep.js';

export type { ReviewContext, Reviewed };
export { afterDecision, asOf, closeReviewForOutcome, settledReview, weakestAction } from './lifecycle.js';
export { coveredByRelease } from './coverage.js';
export { toReview } from './records.js';

/** A hold's life after the decision: a supervisor's release or refusal, the open holds of a store, and the deadline. */
export interface Reviews {
  /** How long a hold waits for its supervisor. */
  readonly holdDeadlineMs: number;
  decide(principal: Principal, checkId: string, body: ReviewRequest): Promise<Reviewed>;
  list(principal: Principal, query: ReviewQuery): Promise<ReviewList>;
  /** Writes down reviews past their deadline; returns how many. */
  sweep(): Promise<number>;
}

export function createReviews(context: ReviewContext): Reviews {
  return {
    holdDeadlineMs: context.holdDeadlineMs,
    decide: (principal, checkId, body) => decideReview(context, principal, checkId, body),
    list: (principal, query) => listReviews(context, principal, query),
    sweep: () => sweepExpiredReviews(context),
  };
}
