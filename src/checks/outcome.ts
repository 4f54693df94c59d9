import type { Principal } from '../access/api-keys.js';
import { type Action, Outcome as OutcomeSchema, type Outcome, type ReviewStatus } from '../contract/enums.js';
import type { OutcomeRecord, OutcomeRequest } from '../contract/outcome.js';
import type { CardRow } from '../store/index.js';
import { cardRows, toCardRecords } from './cards.js';
import type { CardVault } from './card-vault.js';
import { openCase } from '../cases/open.js';
import { DomainError } from '../errors.js';
import { closeReviewForOutcome, settledReview, toReview } from '../reviews/index.js';
import { type OutcomeRow, within } from '../store/index.js';
import { checkSubject, recordEvent } from '../webhooks/events.js';
import { raiseAreaAlert } from '../stores/index.js';
import type { CheckContext } from './context.js';
import { findVisibleCheckWithReview } from './read.js';
import { toOutcomeRecord } from './records.js';

export interface OutcomeRecorded {
  /** false: the same outcome was already recorded (a retry). */
  created: boolean;
  outcome: OutcomeRecord;
}

/** The outcomes in which the stored-value lines were sold. */
const SALES: ReadonlySet<Outcome> = new Set(['proceeded', 'proceeded_after_warning']);

/**
 * The outcomes a check may record, given its decision and its latest review. A refusal, or a hold that
 * no supervisor released (still open, refused or expired), allows no sale. A release covers only the
 * basket it was made for (see `releaseCovers`): a hold on a basket that asks for more opened a review
 * of its own, which is the latest, so a `hold` beside a `released` review is one the release covers.
 * A refusal decided after a release stands.
 */
export function allowedOutcomes(action: Action, review: ReviewStatus | undefined): Outcome[] {
  const noSale = action === 'refuse' || (review !== undefined && review !== 'released');
  return OutcomeSchema.options.filter((outcome) => !noSale || !SALES.has(outcome));
}

/** Whether the cards sent are the ones recorded, serials and activation ids included (opened to compare, never shown). */
function sameCards(vault: CardVault, recorded: readonly CardRow[], sent: OutcomeRequest['cards'] = []): boolean {
  if (recorded.length !== sent.length) return false;
  return recorded.every((row, i) => {
    const card = sent[i]!;
    if (row.brand !== card.brand || row.amount !== card.amount) return false;
    // Purged: the last four are all that is left to compare.
    const secrets = row.sealed === null ? undefined : vault.open(row.checkId, row.sealed);
    if (!secrets) return row.serialLast4 === (card.serial?.slice(-4) ?? null) && row.activationLast4 === (card.activationId?.slice(-4) ?? null);
    return secrets.serial === card.serial && secrets.activationId === card.activationId;
  });
}

function sameOutcome(recorded: OutcomeRow, body: OutcomeRequest): boolean {
  return (
    recorded.outcome === body.outcome &&
    (recorded.policeReference ?? undefined) === body.policeReference &&
    (recorded.staffRef ?? undefined) === body.staffRef &&
    (recorded.note ?? undefined) === body.note
  );
}

/**
 * Records what happened at the till. A check has one outcome; the same one again is a retry. It must
 * agree with the decision (see `allowedOutcomes`); a sale that did not go ahead closes a hold still
 * waiting for its supervisor.
 */
export async function recordOutcome(context: CheckContext, principal: Principal, checkId: string, body: OutcomeRequest): Promise<OutcomeRecorded> {
  const { store, clock } = context;
  if (body.cards && !context.cards.capture) {
    throw new DomainError(
      'card_capture_off',
      'This service does not keep the cards sold (VOUCHSAFE_CARD_CAPTURE is off): send the outcome without cards, or ask its operator to turn card capture on',
      { errors: [{ field: 'cards', code: 'card_capture_off', message: 'Card capture is off on this service' }] },
    );
  }
  const now = clock();
  const result = await store.transaction(async (tx) => {
    const inTx = within(context, tx);
    const { check, review: stored } = await findVisibleCheckWithReview(inTx, principal, checkId);
    if (check.outcome) {
      const cards = await tx.checks.cards(checkId);
      if (!sameOutcome(check.outcome, body) || !sameCards(context.cards, cards, body.cards)) {
        throw new DomainError(
          'outcome_conflict',
          `Check ${checkId} already has the outcome ${check.outcome.outcome}, recorded ${new Date(check.outcome.recordedAt).toISOString()}`,
        );
      }
      return { created: false, row: check.outcome, cards };
    }
    let review = await settledReview(inTx, check, stored, now);
    const { action } = check.latest;
    const allowed = allowedOutcomes(action, review?.status);
    if (!allowed.includes(body.outcome)) {
      const why = action === 'refuse' ? 'the check is decided refuse' : `the hold is ${review?.status}, not released`;
      throw new DomainError('outcome_conflicts_with_decision', `${body.outcome} records a sale, but ${why}; allowed: ${allowed.join(', ')}`, {
        extra: { action, review: review ? toReview(review, now) : null, allowedOutcomes: allowed },
      });
    }
    const subject = checkSubject(check, check.latest);
    if (review?.status === 'open') review = await closeReviewForOutcome(inTx, review, body.outcome, subject, principal.keyId, now);
    const row: OutcomeRow = {
      outcome: body.outcome,
      recordedAt: now,
      staffRef: body.staffRef ?? null,
      policeReference: body.policeReference ?? null,
      note: body.note ?? null,
      keyId: principal.keyId,
    };
    await tx.checks.recordOutcome(checkId, row);
    const cards = body.cards ? cardRows(context.cards, checkId, body.cards, now) : [];
    if (cards.length > 0) await tx.checks.saveCards(cards);
    // A confirmed scam raises the guard at the stores nearby (nothing more if its refusal already did).
    if (row.outcome === 'scam_confirmed') {
      const request = check.latest.request;
      await raiseAreaAlert(inTx, { storeId: check.storeId, checkId, reason: 'scam_confirmed', livemode: check.livemode, lines: request.lines, currency: request.currency });
    }
    await recordEvent(
      tx,
      'outcome.recorded',
      {
        ...subject,
        outcome: row.outcome,
        recordedAt: new Date(now).toISOString(),
        review: review?.status ?? null,
        ...(row.policeReference !== null ? { policeReference: row.policeReference } : {}),
      },
      now,
      subject,
    );
    if (row.outcome === 'scam_confirmed') await openCase(tx, check, 'scam_confirmed', now, principal.keyId);
    return { created: true, row, cards };
  });
  if (result.created) context.metrics.outcomes.inc({ outcome: result.row.outcome });
  // Masked whoever asked: this response is also kept for Idempotency-Key replays.
  const cards = result.cards.length > 0 ? toCardRecords(context.cards, result.cards, false) : undefined;
  return { created: result.created, outcome: toOutcomeRecord(checkId, result.row, cards) };
}
