import { ApiError, isRetryable, type VouchsafeError } from '../errors.js';
import type { LocalDecision } from '../offline/decide.js';
import type { OutboxEntry } from '../outbox/entry.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { TillDecision } from '../types.js';

/** A decision the till made itself, shaped like the service's, with why the service's was not used. */
export function offlineTillDecision(till: TillParts, transaction: Transaction | undefined, checkId: string, local: LocalDecision, cause: VouchsafeError): TillDecision {
  return {
    checkId,
    storeId: till.storeId,
    transactionId: transaction?.transactionId ?? '',
    revision: transaction?.revision ?? 1,
    action: local.action,
    score: local.score,
    reasons: local.reasons,
    prompt: local.prompt,
    ruleSetVersion: local.ruleSetVersion,
    evaluatedAt: new Date().toISOString(),
    source: 'offline',
    engine: local.engine,
    cause,
  };
}

/** Queues a request the service may take later, or sets it aside now if the service refused it for good. */
export async function keepForLater(till: TillParts, entry: OutboxEntry, cause: VouchsafeError): Promise<void> {
  if (cause instanceof ApiError && !isRetryable(cause)) await till.outbox.bury(entry, cause);
  else await till.outbox.append(entry);
}
