import type { Principal } from '../access/api-keys.js';
import { listScope } from '../access/store-scope.js';
import type { ReviewList, ReviewQuery } from '../contract/review.js';
import type { ReviewContext } from './context.js';
import { toReviewRecord } from './records.js';

/** The reviews of the stores a key may see, in its world: open ones oldest first, what a supervisor's handheld polls. */
export async function listReviews(context: ReviewContext, principal: Principal, query: ReviewQuery): Promise<ReviewList> {
  const scope = listScope(principal, query.storeId === undefined ? undefined : [query.storeId]);
  const now = context.clock();
  const rows = await context.store.reviews.list({ scope, status: query.status, now, limit: query.limit });
  return { asOf: new Date(now).toISOString(), reviews: rows.map((row) => toReviewRecord(row, now)) };
}
