import type { CheckEventData, WebhookEventData, WebhookEventType } from '../contract/webhooks.js';
import { logContext } from '../log.js';
import { newId } from '../sortable-id.js';
import type { CheckRow, EvaluationRow, Repositories } from '../store/index.js';

/** What every event about a check says of it. */
export type CheckSubject = Pick<CheckEventData, 'checkId' | 'storeId' | 'tillId' | 'transactionId' | 'action' | 'currency' | 'storedValue' | 'ruleIds' | 'livemode'>;

export function checkSubject(
  check: Pick<CheckRow, 'id' | 'storeId' | 'tillId' | 'transactionId' | 'totals' | 'livemode'>,
  evaluation: Pick<EvaluationRow, 'action' | 'reasons' | 'request'>,
): CheckSubject {
  return {
    checkId: check.id,
    storeId: check.storeId,
    tillId: check.tillId,
    transactionId: check.transactionId,
    action: evaluation.action,
    currency: evaluation.request.currency,
    storedValue: check.totals.storedValue,
    ruleIds: evaluation.reasons.map((reason) => reason.ruleId),
    livemode: check.livemode,
  };
}

/**
 * Puts an event in the outbox for every webhook of its world that wants it: a test event reaches only
 * webhooks a test admin made, a live event only live ones. Call inside the transaction of the change
 * that caused it: the event lands with the change or not at all, and the till's request never waits
 * for a receiver.
 */
export async function recordEvent<T extends WebhookEventType>(
  store: Repositories,
  type: T,
  data: WebhookEventData<T>,
  at: number,
  world: { livemode: boolean },
): Promise<void> {
  const id = newId('evt', at);
  const payload = JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
  // The request that caused it goes with every delivery: its receiver and the log then name the same request.
  await store.webhooks.enqueue({ id, type, occurredAt: at, payload, requestId: logContext().requestId ?? null }, world.livemode, () => newId('dlv', at));
}
