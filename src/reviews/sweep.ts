import { within } from '../store/index.js';
import { checkSubject } from '../webhooks/events.js';
import type { ReviewContext } from './context.js';
import { settleExpiry } from './lifecycle.js';

/**
 * Writes down reviews whose deadline has passed, so that `review.closed` goes out for them. Not needed
 * for correctness (an open review past its deadline already reads as expired everywhere), only so
 * that somebody hears of it. Returns how many it wrote down.
 */
export function sweepExpiredReviews(context: ReviewContext, batch = 100): Promise<number> {
  const { store } = context;
  const now = context.clock();
  return store.transaction(async (tx) => {
    const due = await tx.reviews.pastDeadline(now, batch);
    for (const review of due) {
      const check = await tx.checks.findById(review.checkId);
      if (check) await settleExpiry(within(context, tx), review, checkSubject(check, check.latest), now);
    }
    return due.length;
  });
}
