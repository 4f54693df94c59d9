import { ApiError, isRetryable, type VouchsafeError } from '../errors.js';
import { closeHold, localHold, opensHold, reviewNow } from '../hold.js';
import type { LocalDecision } from '../offline/decide.js';
import type { OutboxEntry } from '../outbox/entry.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { TillDecision } from '../types.js';

/**
 * A hold's next step, as the service gives it: while its review is open, waiting with the deadline; a
 * released one (the release covers this basket, or a new hold would have opened) finishes the sale,
 * a refused or expired one refuses it.
 */
function nextStep(till: TillParts, local: LocalDecision, transaction: Transaction | undefined): LocalDecision['next'] {
  const hold = transaction?.hold;
  if (local.next.step !== 'wait_for_supervisor' || !hold) return local.next;
  const { status, deadline } = reviewNow(hold, till.clock);
  const ruleSet = till.rules.current;
  if (status === 'open' || !ruleSet) return { ...local.next, deadline };
  return (ruleSet.locales.get(local.locale) ?? ruleSet.prompts).next(status === 'released' ? 'allow' : 'refuse', null);
}

/** A decision the till made itself, shaped like the service's, with why the service's was not used. */
export function offlineTillDecision(
  till: TillParts,
  transaction: Transaction | undefined,
  checkId: string,
  local: LocalDecision,
  cause: VouchsafeError,
  decidedAt = Date.now(),
): TillDecision {
  return {
    checkId,
    storeId: till.storeId,
    transactionId: transaction?.transactionId ?? '',
    revision: transaction?.revision ?? 1,
    action: local.action,
    score: local.score,
    reasons: local.reasons,
    locale: local.locale,
    next: nextStep(till, local, transaction),
    prompt: local.prompt,
    ruleSetVersion: local.ruleSetVersion,
    evaluatedAt: new Date(decidedAt).toISOString(),
    ...(transaction?.hold ? { review: reviewNow(transaction.hold, till.clock) } : {}),
    source: 'offline',
    engine: local.engine,
    cause,
  };
}

/**
 * What an offline decision does to the transaction's hold, as the service would do it: a hold opens
 * one with the service's deadline (also after a release that does not cover the basket), a refusal
 * closes an open one.
 */
export function holdOffline(till: TillParts, transaction: Transaction, local: LocalDecision, decidedAt: number): void {
  const { hold } = transaction;
  if (local.action === 'hold' && opensHold(hold, transaction.request)) till.memory.setHold(transaction, localHold(till.clock, till.memory.holdDeadlineMs, decidedAt));
  if (local.action === 'refuse' && hold && reviewNow(hold, till.clock).status === 'open') till.memory.setHold(transaction, closeHold(hold, 'refused', 'decision', {}));
}

/** Queues a request the service may take later, or sets it aside now if the service refused it for good. */
export async function keepForLater(till: TillParts, entry: OutboxEntry, cause: VouchsafeError): Promise<void> {
  if (cause instanceof ApiError && !isRetryable(cause)) await till.outbox.bury(entry, cause);
  else await till.outbox.append(entry);
}
