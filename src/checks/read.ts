import type { Principal } from '../access/api-keys.js';
import { canActOnCheck } from '../access/store-scope.js';
import type { CheckRecord } from '../contract/check-record.js';
import { DomainError } from '../errors.js';
import type { CheckLock, CheckRow, ReviewRow, Within } from '../store/index.js';
import type { CheckContext } from './context.js';
import { seesCardsWhole, toCardRecords } from './cards.js';
import { toCheckRecord } from './records.js';

/**
 * The stored check if the key may see it. A check in a store the key cannot see, of the other world
 * (test or live), or for a till token of another till, is reported as missing, as for reading it, so
 * ids cannot be probed across stores, worlds or tills by answering or closing them.
 */
export async function findVisibleCheck(
  context: Pick<Within<CheckContext>, 'store'>,
  principal: Principal,
  checkId: string,
  lock?: CheckLock,
): Promise<CheckRow> {
  const check = await context.store.checks.findById(checkId, lock);
  if (!check || !canActOnCheck(principal, check)) throw new DomainError('not_found', `No check ${checkId}`);
  return check;
}

/**
 * The check and its review, read together (one round trip to a database across a network): what a
 * till's answer or outcome needs before anything else. The check is locked for the transaction, so
 * the review is read as the last decision on the check left it. Call inside a transaction.
 */
export async function findVisibleCheckWithReview(
  context: Pick<Within<CheckContext>, 'store'>,
  principal: Principal,
  checkId: string,
): Promise<{ check: CheckRow; review: ReviewRow | undefined }> {
  const [check, review] = await Promise.all([findVisibleCheck(context, principal, checkId, { lock: true }), context.store.reviews.find(checkId)]);
  return { check, review };
}

/** The check as it stands, every decision made on it and its outcome. */
export async function readCheck(context: CheckContext, principal: Principal, checkId: string): Promise<CheckRecord> {
  const check = await findVisibleCheck(context, principal, checkId);
  const [evaluations, review, cards] = await Promise.all([
    context.store.checks.evaluations(checkId),
    context.store.reviews.find(checkId),
    check.outcome ? context.store.checks.cards(checkId) : [],
  ]);
  const shown = toCardRecords(context.cards, cards, seesCardsWhole(principal));
  return toCheckRecord(check, evaluations, review, context.clock(), context.rules.current, shown);
}
