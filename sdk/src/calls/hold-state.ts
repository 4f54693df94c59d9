import type { Review } from '../../../src/contract/review-state.js';
import type { VouchsafeError } from '../errors.js';
import { refusalPrompt, reviewNow } from '../hold.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { HoldState } from '../types.js';

/** A review and what the colleague does about it: finish the sale, or the refusal script. */
export function stateOf(
  till: TillParts,
  checkId: string,
  review: Review,
  answers: Readonly<Record<string, string>>,
  source: HoldState['source'],
  cause?: VouchsafeError,
): HoldState {
  const { status, openedAt, deadline, closedAt, closedBy, reason } = review;
  return {
    checkId,
    review: { status, openedAt, deadline, closedAt, closedBy, reason },
    prompt: status === 'refused' || status === 'expired' ? refusalPrompt(till.rules.current, answers) : null,
    source,
    ...(source === 'till' && cause ? { cause } : {}),
  };
}

/** Where the transaction's hold stands now. */
export function holdState(till: TillParts, transaction: Transaction, checkId: string, cause?: VouchsafeError): HoldState {
  const hold = transaction.hold!;
  const review = reviewNow(hold, till.clock);
  // An expiry the till saw on its own clock is the till's word, even about the service's hold.
  return stateOf(till, checkId, review, transaction.answers, review === hold.review ? hold.source : 'till', cause);
}
