import type { Database } from 'better-sqlite3';
import type { Reason } from '../contract/decision.js';
import type { Outcome, ReviewStatus } from '../contract/enums.js';
import type { ReviewCloser } from '../contract/review-state.js';

export interface ReviewRow {
  checkId: string;
  /** The check revision whose hold opened it: a check held again after a release has a review per hold. */
  revision: number;
  storeId: string;
  openedAt: number;
  deadline: number;
  /** As stored: an `open` review past its deadline is expired, whether or not the sweeper has written it down yet. */
  status: ReviewStatus;
  closedAt: number | null;
  closedBy: ReviewCloser | null;
  supervisorRef: string | null;
  closedKeyId: string | null;
  reason: string | null;
  /** Of a release: the check revision the supervisor released, whose basket the release covers. */
  releasedRevision: number | null;
}

export type ReviewClosing = Pick<ReviewRow, 'closedAt' | 'supervisorRef' | 'closedKeyId' | 'reason' | 'releasedRevision'> & {
  status: Exclude<ReviewStatus, 'open'>;
  closedBy: ReviewCloser;
  closedAt: number;
};

/** A review with what a supervisor needs to see of its check. */
export interface HeldCheckRow extends ReviewRow {
  tillId: string;
  transactionId: string;
  currency: string;
  storedValue: number;
  reasons: Reason[];
}

/** What the holds report reads of one review. */
export interface ReviewReportRow {
  storeId: string;
  openedAt: number;
  deadline: number;
  status: ReviewStatus;
  closedAt: number | null;
  closedBy: ReviewCloser | null;
  currency: string;
  /** Of a release, the stored value of the basket it was made for; otherwise the check's. */
  storedValue: number;
  outcome: Outcome | null;
  /** The same customer (by loyalty id or card token) had a confirmed scam after this check, within the window asked for. */
  scamLater: boolean;
}

interface ReviewRecordRow {
  check_id: string;
  revision: number;
  store_id: string;
  opened_at: number;
  deadline: number;
  status: ReviewStatus;
  closed_at: number | null;
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
  stored_value: number;
  reasons: string;
}

function toReview(row: ReviewRecordRow): ReviewRow {
  return {
    checkId: row.check_id,
    revision: row.revision,
    storeId: row.store_id,
    openedAt: row.opened_at,
    deadline: row.deadline,
    status: row.status,
    closedAt: row.closed_at,
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
    storedValue: row.stored_value,
    reasons: JSON.parse(row.reasons),
  };
}

export interface ReviewListFilter {
  /** The stores (null: every store) and the one world listed. */
  scope: { readonly storeIds: readonly string[] | null; readonly livemode: boolean };
  status: ReviewStatus;
  now: number;
  limit: number;
}

export type ReviewsRepository = ReturnType<typeof reviewsRepository>;

export function reviewsRepository(db: Database) {
  const insert = db.prepare(`
    INSERT INTO reviews (check_id, revision, store_id, opened_at, deadline, status) VALUES (@checkId, @revision, @storeId, @openedAt, @deadline, 'open')
  `);
  const byCheck = db.prepare<[string], ReviewRecordRow>('SELECT * FROM reviews WHERE check_id = ? ORDER BY revision DESC LIMIT 1');
  const close = db.prepare(`
    -- +@from: planned once, not at every binding (see byTransaction in checks.ts).
    UPDATE reviews SET status = @status, closed_at = @closedAt, closed_by = @closedBy, supervisor_ref = @supervisorRef,
      closed_key_id = @closedKeyId, reason = @reason, released_revision = @releasedRevision
    WHERE check_id = @checkId AND revision = @revision AND status = +@from
  `);
  const pastDeadline = db.prepare<[number, number], ReviewRecordRow>(
    "SELECT * FROM reviews WHERE status = 'open' AND deadline <= ? ORDER BY deadline LIMIT ?",
  );

  const held = `
    SELECT r.*, c.till_id, c.transaction_id, c.currency, c.stored_value, e.reasons
    FROM reviews r JOIN checks c ON c.id = r.check_id JOIN evaluations e ON e.check_id = c.id AND e.revision = c.revision
  `;
  const inStores = '(@stores IS NULL OR r.store_id IN (SELECT value FROM json_each(@stores)))';
  // `+@livemode`: planned once, not at every binding (see byTransaction in checks.ts).
  const inScope = `${inStores} AND c.livemode = +@livemode`;
  // An open review past its deadline reads as expired: the sweeper may not have written it down yet.
  const lists: Record<
    ReviewStatus,
    ReturnType<typeof db.prepare<{ stores: string | null; livemode: number; now: number; limit: number }, HeldCheckRecordRow>>
  > = {
    open: db.prepare(`${held} WHERE r.status = 'open' AND r.deadline > @now AND ${inScope} ORDER BY r.opened_at, r.check_id, r.revision LIMIT @limit`),
    expired: db.prepare(`
      ${held} WHERE (r.status = 'expired' OR (r.status = 'open' AND r.deadline <= @now)) AND ${inScope}
      ORDER BY coalesce(r.closed_at, r.deadline) DESC, r.check_id, r.revision LIMIT @limit
    `),
    released: db.prepare(`${held} WHERE r.status = 'released' AND ${inScope} ORDER BY r.closed_at DESC, r.check_id, r.revision LIMIT @limit`),
    refused: db.prepare(`${held} WHERE r.status = 'refused' AND ${inScope} ORDER BY r.closed_at DESC, r.check_id, r.revision LIMIT @limit`),
  };
  const heldCheck = db.prepare<[string], HeldCheckRecordRow>(`${held} WHERE r.check_id = ? ORDER BY r.revision DESC LIMIT 1`);

  const openNow = db.prepare<{ stores: string | null; now: number }, { n: number; oldest: number | null }>(
    `SELECT count(*) AS n, min(r.opened_at) AS oldest FROM reviews r JOIN checks c ON c.id = r.check_id
    WHERE r.status = 'open' AND r.deadline > @now AND c.livemode = 1 AND ${inStores}`,
  );
  const report = db.prepare<
    { stores: string | null; from: number; to: number; window: number },
    Omit<ReviewRecordRow, 'check_id' | 'supervisor_ref' | 'closed_key_id' | 'reason'> & {
      currency: string;
      stored_value: number;
      outcome: Outcome | null;
      scam_later: number;
    }
  >(`
    SELECT r.store_id, r.opened_at, r.deadline, r.status, r.closed_at, r.closed_by, c.currency, c.outcome,
      -- A release is worth the basket it was made for; the check may have been held again for more since.
      CASE WHEN r.released_revision IS NULL THEN c.stored_value ELSE (
        SELECT coalesce(sum(json_extract(l.value, '$.unitAmount') * json_extract(l.value, '$.quantity')), 0)
        FROM evaluations e, json_each(e.request, '$.lines') l
        WHERE e.check_id = r.check_id AND e.revision = r.released_revision AND json_extract(l.value, '$.kind') <> 'merchandise'
      ) END AS stored_value,
      (r.status = 'released' AND EXISTS (
        SELECT 1 FROM check_identities mine
        JOIN check_identities theirs ON theirs.identity = mine.identity
          AND theirs.at > mine.at AND theirs.at <= mine.at + @window
        JOIN checks later ON later.id = theirs.check_id AND later.outcome = 'scam_confirmed' AND later.livemode = 1
        WHERE mine.check_id = r.check_id
      )) AS scam_later
    FROM reviews r JOIN checks c ON c.id = r.check_id
    WHERE r.opened_at >= @from AND r.opened_at < @to AND c.livemode = 1 AND ${inStores}
  `);

  const stores = (storeIds: readonly string[] | null) => (storeIds === null ? null : JSON.stringify(storeIds));

  return {
    /** Opens the review of a check that was just held (at `revision`). Call inside the transaction that held it. */
    open(review: Pick<ReviewRow, 'checkId' | 'revision' | 'storeId' | 'openedAt' | 'deadline'>): void {
      insert.run(review);
    },
    /** The check's latest review: the one that says whether it may be sold. */
    find(checkId: string): ReviewRow | undefined {
      const row = byCheck.get(checkId);
      return row && toReview(row);
    },
    /** The check's latest review, with what a supervisor needs to see of the check. */
    findHeld(checkId: string): HeldCheckRow | undefined {
      const row = heldCheck.get(checkId);
      return row && toHeldCheck(row);
    },
    /** Closes a review that is still `from`; false if it had moved on. Call inside a transaction. */
    close(review: Pick<ReviewRow, 'checkId' | 'revision'>, from: ReviewStatus, closing: ReviewClosing): boolean {
      return close.run({ checkId: review.checkId, revision: review.revision, from, ...closing }).changes === 1;
    },
    /** Open reviews whose deadline has passed, earliest first: what the sweeper writes down as expired. */
    pastDeadline: (now: number, limit: number) => pastDeadline.all(now, limit).map(toReview),
    list: ({ scope, status, now, limit }: ReviewListFilter): HeldCheckRow[] =>
      lists[status].all({ stores: stores(scope.storeIds), livemode: scope.livemode ? 1 : 0, now, limit }).map(toHeldCheck),
    /** Live holds open now: the holds report's figure (test holds are in no report). */
    openNow(storeIds: readonly string[] | null, now: number): { count: number; oldestOpenedAt: number | null } {
      const row = openNow.get({ stores: stores(storeIds), now })!;
      return { count: row.n, oldestOpenedAt: row.oldest };
    },
    /** Every review opened in [from, to), with its check's value and outcome, for the holds report. */
    forReport(filter: { storeIds: readonly string[] | null; from: number; to: number; scamWindowMs: number }): ReviewReportRow[] {
      return report.all({ stores: stores(filter.storeIds), from: filter.from, to: filter.to, window: filter.scamWindowMs }).map((row) => ({
        storeId: row.store_id,
        openedAt: row.opened_at,
        deadline: row.deadline,
        status: row.status,
        closedAt: row.closed_at,
        closedBy: row.closed_by,
        currency: row.currency,
        storedValue: row.stored_value,
        outcome: row.outcome,
        scamLater: row.scam_later === 1,
      }));
    },
  };
}
