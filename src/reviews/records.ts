import type { Review, ReviewRecord } from '../contract/review.js';
import type { HeldCheckRow, ReviewRow } from '../store/index.js';
import { asOf } from './lifecycle.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A review as it reads at `now`. */
export function toReview(row: ReviewRow, now: number): Review {
  const review = asOf(row, now);
  return {
    status: review.status,
    openedAt: iso(review.openedAt),
    deadline: iso(review.deadline),
    closedAt: review.closedAt === null ? null : iso(review.closedAt),
    closedBy: review.closedBy === null ? null : { kind: review.closedBy, supervisorRef: review.supervisorRef, keyId: review.closedKeyId },
    reason: review.reason,
  };
}

export function toReviewRecord(row: HeldCheckRow, now: number): ReviewRecord {
  return {
    checkId: row.checkId,
    storeId: row.storeId,
    tillId: row.tillId,
    transactionId: row.transactionId,
    revision: row.revision,
    releasedRevision: row.releasedRevision,
    currency: row.currency,
    storedValue: row.storedValue,
    reasons: row.reasons,
    ...toReview(row, now),
  };
}
