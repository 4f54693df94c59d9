import { ApiError, ClosedError, isRetryable, VouchsafeError } from '../errors.js';
import type { Transaction } from '../till-memory.js';
import type { CheckReview } from '../transport.js';
import type { TillParts } from '../till-parts.js';
import type { HoldState, WatchOptions } from '../types.js';
import { holdState, stateOf } from './hold-state.js';
import { locate } from './locate.js';
import { adoptReview } from './service-hold.js';

/** Waits `ms` on the till's clock, or less if the till changes the hold itself; rejects if watching stops. */
function nextLook(till: TillParts, ms: number, transaction: Transaction | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown) => {
      till.clock.clearTimeout(timer);
      unwatch();
      signal?.removeEventListener('abort', onStop);
      till.closing.removeEventListener('abort', onClose);
      if (error === undefined) resolve();
      // An abort's reason reaches the caller as they gave it, Error or not.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      else reject(error);
    };
    const onStop = () => finish(signal!.reason);
    const onClose = () => finish(new ClosedError('The till client closed while watching a hold'));
    const timer = till.clock.setTimeout(() => finish(), ms);
    const unwatch = transaction ? till.memory.watchHold(transaction, () => finish()) : () => {};
    signal?.addEventListener('abort', onStop);
    till.closing.addEventListener('abort', onClose);
  });
}

/**
 * Resolves once a held sale is released, refused or expired. Asks the service every `reviewPollMs`
 * (a supervisor may decide on a handheld); a decision made on this till counts at once; with the
 * service away, the hold expires on the till at its deadline, as it does at the service.
 */
export async function watchReview(till: TillParts, checkId: string, { signal }: WatchOptions = {}): Promise<HoldState> {
  till.assertOpen();
  await till.ready;
  const { transaction } = locate(till, checkId);
  let cause: VouchsafeError | undefined;
  for (;;) {
    signal?.throwIfAborted();
    if (till.closing.aborted) throw new ClosedError('The till client is closed');
    const serviceId = till.outbox.serviceId(checkId) ?? transaction?.checkId;
    if (serviceId) {
      let found: CheckReview | undefined;
      try {
        found = await till.api.checkReview(serviceId, till.settings.deliveryTimeoutMs, till.closing);
        cause = undefined;
      } catch (error) {
        if (!(error instanceof VouchsafeError) || error instanceof ClosedError) throw error;
        if (error instanceof ApiError && !isRetryable(error)) {
          // 404: the service has not seen the check yet (it is still queued): watch it on the till.
          if (error.status !== 404 || !transaction?.hold) throw error;
        } else {
          cause = error;
        }
      }
      if (found?.review) {
        if (!transaction) {
          if (found.review.status !== 'open') return stateOf(till, checkId, found.review, found.answers, 'service');
        } else if (found.review.status !== 'open' || transaction.hold?.source !== 'till') {
          // A decision made on this till and still queued outranks the service's `open`: it is on its way.
          adoptReview(till.memory, till.clock, transaction, found.review);
        }
      } else if (found && !transaction?.hold) {
        throw new VouchsafeError(`Check ${checkId} was never held`);
      }
    }
    if (transaction?.hold) {
      const state = holdState(till, transaction, checkId, cause);
      if (state.review.status !== 'open') return state;
    } else if (!serviceId) {
      throw new VouchsafeError(`Check ${checkId} was never held on this till, and the service has not seen it yet`);
    }
    const untilDeadline = transaction?.hold ? transaction.hold.deadlineAt - till.clock.now() : Number.POSITIVE_INFINITY;
    await nextLook(till, Math.max(0, Math.min(till.settings.reviewPollMs, untilDeadline)), transaction, signal);
  }
}
