import { type OutcomeRecord, OutcomeRequest } from '../../../src/contract/outcome.js';
import { apiError } from '../errors.js';
import { mayBeSold, reviewNow } from '../hold.js';
import { localId } from '../ids.js';
import { followUpEntry } from '../outbox/entry.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { OutcomeInput, OutcomeReceipt } from '../types.js';
import { parse } from '../validate.js';
import { locate } from './locate.js';

const SALES = new Set(['proceeded', 'proceeded_after_warning']);

/**
 * Why the service will refuse this outcome, if the till already knows: a sale after a refusal, or
 * after a hold no supervisor released (open, refused or expired), contradicts the decision.
 */
function contradiction(till: TillParts, transaction: Transaction | undefined, outcome: string): string | undefined {
  if (!transaction || !SALES.has(outcome)) return undefined;
  if (transaction.serviceAction === 'refuse') return `${outcome} records a sale, but the check is decided refuse`;
  const review = transaction.hold && reviewNow(transaction.hold, till.clock);
  return mayBeSold(review) ? undefined : `${outcome} records a sale, but the hold is ${review!.status}, not released`;
}

/**
 * What happened at the till. Queued before it is sent, so it is never lost; then delivered in its
 * turn, waiting up to the budget to say whether the service recorded it.
 */
export async function outcome(till: TillParts, checkId: string, input: OutcomeInput): Promise<OutcomeReceipt> {
  const deadline = till.clock.now() + till.settings.timeoutMs;
  till.assertOpen();
  const body = parse(OutcomeRequest, input);
  await till.ready;
  const { transaction, serviceId } = locate(till, checkId);
  const conflict = contradiction(till, transaction, body.outcome);
  const entry = followUpEntry('outcome', body, serviceId ?? checkId, transaction, localId('obx'));
  if (conflict) {
    // Set aside at once, as the service would refuse it: the colleague learns now, not after an outage.
    const error = apiError(409, {
      type: 'urn:vouchsafe:problem:outcome_conflicts_with_decision',
      title: 'That outcome contradicts the decision',
      status: 409,
      code: 'outcome_conflicts_with_decision',
      detail: conflict,
      requestId: 'not-sent',
    });
    await till.outbox.bury(entry, error);
    return { status: 'dead_lettered', error };
  }
  const { settled } = await till.outbox.append(entry);
  const blocked = await till.outbox.whenClear((queued) => queued.id === entry.id, deadline);
  if (blocked) return { status: 'queued', cause: blocked };
  const settlement = await settled;
  if (settlement.status === 'dead_lettered') return { status: 'dead_lettered', error: settlement.error };
  return { status: 'recorded', record: settlement.result as OutcomeRecord }; // An outcome entry delivers an OutcomeRecord.
}
