import { type ReleasedBasket, releaseCovers } from '../engine/index.js';
import type { CheckRow, ReviewRow, Within } from '../store/index.js';
import type { ReviewContext } from './context.js';

/**
 * Whether the check's latest review is a release that covers `basket` (see `releaseCovers`): the
 * basket of the revision the supervisor released is the measure. Call inside a transaction.
 */
export async function coveredByRelease(
  context: Pick<Within<ReviewContext>, 'store'>,
  check: CheckRow,
  review: ReviewRow | undefined,
  basket: ReleasedBasket,
): Promise<boolean> {
  if (review?.status !== 'released' || review.releasedRevision === null) return false;
  const { releasedRevision } = review;
  const released =
    releasedRevision === check.latest.revision
      ? check.latest
      : (await context.store.checks.evaluations(check.id)).find((evaluation) => evaluation.revision === releasedRevision);
  return released !== undefined && releaseCovers(released.request, basket);
}
