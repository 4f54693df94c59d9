import { VouchsafeError } from '../errors.js';
import type { OutboxEntry } from '../outbox/entry.js';
import { retryUntil } from '../retry.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';

/** Every queued entry for the same check or transaction: a new request must not overtake them. */
export function sameCheck(till: TillParts, transaction: Transaction | undefined, checkRef: string | undefined) {
  const refs = new Set([checkRef, transaction?.checkId, transaction?.localId].filter((ref): ref is string => ref !== undefined));
  return (entry: OutboxEntry) =>
    (transaction !== undefined && entry.transactionId === transaction.transactionId) ||
    refs.has(entry.checkRef) ||
    refs.has(till.outbox.serviceId(entry.checkRef) ?? '');
}

/**
 * Waits, until the deadline at most, for what is queued before this request to be delivered.
 * Undefined when the service may be asked now; otherwise why not (the queue is stuck, or the breaker
 * is open).
 */
export async function waitForTurn(till: TillParts, deadline: number, queuedBefore: (entry: OutboxEntry) => boolean): Promise<VouchsafeError | undefined> {
  const stuck = await till.outbox.whenClear(queuedBefore, deadline);
  if (stuck) return stuck;
  return till.breaker.isOpen() ? till.breaker.refusal() : undefined;
}

/**
 * The service's answer, retried until the deadline and counted by the breaker; or, when it did not
 * come, the error that says why (the offline decision's cause). Anything but a VouchsafeError is a bug,
 * and thrown.
 */
export async function askService<T>(till: TillParts, deadline: number, send: (timeoutMs: number) => Promise<T>): Promise<{ answer: T } | { cause: VouchsafeError }> {
  try {
    return { answer: await till.breaker.watch(retryUntil(till.clock, deadline, send)) };
  } catch (error) {
    if (!(error instanceof VouchsafeError)) throw error;
    return { cause: error };
  }
}

/** Where the budget of a call ends for the network: the reserve is kept for deciding offline. */
export const networkDeadline = (till: TillParts) => till.clock.now() + till.settings.timeoutMs - till.settings.reserveMs;
