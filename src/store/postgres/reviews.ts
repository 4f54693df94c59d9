import type { Reason } from '../../contract/decision.js';
import type { Outcome, ReviewStatus } from '../../contract/enums.js';
import type { ReviewCloser } from '../../contract/review-state.js';
import type { Port } from '../port.js';
import type { HeldCheckRow, ReviewReportRow, ReviewRow, ReviewsRepository } from '../reviews.js';
import type { Queryable } from './sql.js';

/** bigint arrives as text: epoch-ms times and money in minor units stay well inside 2^53. */
type Numeric = string | number | bigint;

interface ReviewRecordRow {
  check_id: string;
  revision: number;
  store_id: string;
  opened_at: Numeric;
  deadline: Numeric;
  status: ReviewStatus;
  closed_at: Numeric | null;
  closed_by: ReviewCloser | null;
  supervisor_ref: string | null;
  closed_key_id: string | null;
  reason: string | null;
  released_revision: number | null;
}

interface HeldCheckRecordRow extends ReviewRecordRow {
  till_id: string;
  transaction_id: string;
  currency: string;
  stored_value: Numeric;
  reasons: Reason[];
}

const maybe = (value: Numeric | null) => (value === null ? null : Number(value));

function toReview(row: ReviewRecordRow): ReviewRow {
  return {
    checkId: row.check_id,
    revision: row.revision,
    storeId: row.store_id,
    openedAt: Number(row.opened_at),
    deadline: Number(row.deadline),
    status: row.status,
    closedAt: maybe(row.closed_at),
    closedBy: row.closed_by,
    supervisorRef: row.supervisor_ref,
    closedKeyId: row.closed_key_id,
    reason: row.reason,
    releasedRevision: row.released_revision,
  };
}

function toHeldCheck(row: HeldCheckRecordRow): HeldCheckRow {
  return {
    ...toReview(row),
    tillId: row.till_id,
    transactionId: row.transaction_id,
    currency: row.currency,
    storedValue: Number(row.stored_value),
    reasons: row.reasons,
  };
}

const REVIEW_COLUMNS = 'r.check_id, r.revision, r.store_id, r.opened_at, r.deadline, r.status, r.closed_at, r.closed_by, r.supervisor_ref, r.closed_key_id, r.reason, r.released_revision';
const HELD = `
  SELECT ${REVIEW_COLUMNS}, c.till_id, c.transaction_id, c.currency, c.stored_value, e.reasons
  FROM reviews r JOIN checks c ON c.id = r.check_id JOIN evaluations e ON e.check_id = c.id AND e.revision = c.revision`;
// $1 the stores, or NULL for every store.
const IN_STORES = '($1::text[] IS NULL OR r.store_id = ANY($1::text[]))';
// An open review past its deadline reads as expired: the sweeper may not have written it down yet.
// $2 the world (true: live), $3 the limit, $4 now.
const IN_WORLD = 'c.livemode = $2::boolean';
const LISTS: Record<ReviewStatus, { text: string; asOf: boolean }> = {
  open: {
    text: `${HELD} WHERE r.status = 'open' AND r.deadline > $4::bigint AND ${IN_STORES} AND ${IN_WORLD} ORDER BY r.opened_at, r.check_id COLLATE "C", r.revision LIMIT $3::integer`,
    asOf: true,
  },
  expired: {
    text: `${HELD} WHERE (r.status = 'expired' OR (r.status = 'open' AND r.deadline <= $4::bigint)) AND ${IN_STORES} AND ${IN_WORLD}
      ORDER BY coalesce(r.closed_at, r.deadline) DESC, r.check_id COLLATE "C", r.revision LIMIT $3::integer`,
    asOf: true,
  },
  released: {
    text: `${HELD} WHERE r.status = 'released' AND ${IN_STORES} AND ${IN_WORLD} ORDER BY r.closed_at DESC, r.check_id COLLATE "C", r.revision LIMIT $3::integer`,
    asOf: false,
  },
  refused: {
    text: `${HELD} WHERE r.status = 'refused' AND ${IN_STORES} AND ${IN_WORLD} ORDER BY r.closed_at DESC, r.check_id COLLATE "C", r.revision LIMIT $3::integer`,
    asOf: false,
  },
};
// $2 from, $3 to (excluded), $4 the window after a release in which a confirmed scam counts against it.
const REPORT = `
  SELECT r.store_id, r.opened_at, r.deadline, r.status, r.closed_at, r.closed_by, c.currency, c.outcome,
    -- A release is worth the basket it was made for; the check may have been held again for more since.
    CASE WHEN r.released_revision IS NULL THEN c.stored_value ELSE (
      SELECT coalesce(sum((l->>'unitAmount')::bigint * (l->>'quantity')::bigint), 0)
      FROM evaluations e, jsonb_array_elements(e.request->'lines') l
      WHERE e.check_id = r.check_id AND e.revision = r.released_revision AND l->>'kind' <> 'merchandise'
    ) END AS stored_value,
    (r.status = 'released' AND EXISTS (
      SELECT 1 FROM check_identities mine
      JOIN check_identities theirs ON theirs.identity = mine.identity
        AND theirs.at > mine.at AND theirs.at <= mine.at + $4::bigint
      JOIN checks later ON later.id = theirs.check_id AND later.outcome = 'scam_confirmed' AND later.livemode
      WHERE mine.check_id = r.check_id
    )) AS scam_later
  FROM reviews r JOIN checks c ON c.id = r.check_id
  WHERE r.opened_at >= $2::bigint AND r.opened_at < $3::bigint AND c.livemode AND ${IN_STORES}`;

const stores = (storeIds: readonly string[] | null) => (storeIds === null ? null : [...storeIds]);

/** The PostgreSQL reviews: the calls of SQLite's store/reviews.ts, answering alike. */
export function reviewsRepository(sql: Queryable): Port<ReviewsRepository> {
  return {
    async open(review) {
      await sql`
        INSERT INTO reviews (check_id, revision, store_id, opened_at, deadline, status)
        VALUES (${review.checkId}, ${review.revision}, ${review.storeId}, ${review.openedAt}, ${review.deadline}, 'open')`;
    },
    async find(checkId) {
      const [row] = await sql<ReviewRecordRow[]>`SELECT ${sql.unsafe(REVIEW_COLUMNS)} FROM reviews r WHERE r.check_id = ${checkId} ORDER BY r.revision DESC LIMIT 1`;
      return row && toReview(row);
    },
    async findHeld(checkId) {
      const [row] = await sql<HeldCheckRecordRow[]>`${sql.unsafe(HELD)} WHERE r.check_id = ${checkId} ORDER BY r.revision DESC LIMIT 1`;
      return row && toHeldCheck(row);
    },
    async close(review, from, closing) {
      const result = await sql`
        UPDATE reviews SET status = ${closing.status}, closed_at = ${closing.closedAt}, closed_by = ${closing.closedBy},
          supervisor_ref = ${closing.supervisorRef}, closed_key_id = ${closing.closedKeyId}, reason = ${closing.reason},
          released_revision = ${closing.releasedRevision}
        WHERE check_id = ${review.checkId} AND revision = ${review.revision} AND status = ${from}`;
      return result.count === 1;
    },
    /**
     * Open reviews past their deadline, earliest first, locked for the sweeper's transaction: a sweeper
     * on another node skips them and takes the next ones, so no review is expired twice.
     */
    async pastDeadline(now, limit) {
      const rows = await sql<ReviewRecordRow[]>`
        SELECT ${sql.unsafe(REVIEW_COLUMNS)} FROM reviews r WHERE r.status = 'open' AND r.deadline <= ${now}
        ORDER BY r.deadline LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      return rows.map(toReview);
    },
    async list({ scope, status, now, limit }) {
      const { text, asOf } = LISTS[status];
      const params = [stores(scope.storeIds), scope.livemode, limit];
      const rows = await sql.unsafe<HeldCheckRecordRow[]>(text, asOf ? [...params, now] : params, { prepare: true });
      return rows.map(toHeldCheck);
    },
    async openNow(storeIds, now) {
      const [row] = await sql.unsafe<{ n: Numeric; oldest: Numeric | null }[]>(
        `SELECT count(*) AS n, min(r.opened_at) AS oldest FROM reviews r JOIN checks c ON c.id = r.check_id
        WHERE r.status = 'open' AND r.deadline > $2::bigint AND c.livemode AND ${IN_STORES}`,
        [stores(storeIds), now],
        { prepare: true },
      );
      return { count: Number(row!.n), oldestOpenedAt: maybe(row!.oldest) };
    },
    async forReport(filter) {
      const rows = await sql.unsafe<
        (Pick<ReviewRecordRow, 'store_id' | 'opened_at' | 'deadline' | 'status' | 'closed_at' | 'closed_by'> & {
          currency: string;
          stored_value: Numeric;
          outcome: Outcome | null;
          scam_later: boolean;
        })[]
      >(REPORT, [stores(filter.storeIds), filter.from, filter.to, filter.scamWindowMs], { prepare: true });
      return rows.map(
        (row): ReviewReportRow => ({
          storeId: row.store_id,
          openedAt: Number(row.opened_at),
          deadline: Number(row.deadline),
          status: row.status,
          closedAt: maybe(row.closed_at),
          closedBy: row.closed_by,
          currency: row.currency,
          storedValue: Number(row.stored_value),
          outcome: row.outcome,
          scamLater: row.scam_later,
        }),
      );
    },
  };
}
