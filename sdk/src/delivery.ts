import type { Breaker } from './breaker.js';
import type { OutboxOptions } from './outbox/outbox.js';
import type { TillMemory } from './till-memory.js';
import type { Api } from './transport.js';

/** How the outbox reaches the service, and what the till learns when an entry arrives. */
export function delivery(api: Api, timeoutMs: number, breaker: Breaker, memory: TillMemory): Pick<OutboxOptions, 'deliver' | 'onDelivered'> {
  return {
    deliver(entry, checkId, stop) {
      if (entry.kind === 'check') return api.createCheck(entry.body, timeoutMs, stop);
      // The outbox sets aside answers and outcomes whose check never got an id, so checkId is known here.
      if (entry.kind === 'answers') return api.answer(checkId!, entry.body, timeoutMs, stop);
      return api.recordOutcome(checkId!, entry.body, timeoutMs, stop);
    },
    onDelivered(entry, result, link) {
      breaker.succeeded();
      const transaction = link && memory.find(link.localId);
      if (link && transaction) {
        transaction.checkId = link.checkId;
        memory.index(transaction);
      }
      // The service knows more (other tills, other stores): a warning it gives counts here too.
      if (entry.kind === 'check' && 'action' in result && result.action !== 'allow') memory.warn(entry.transactionId);
    },
  };
}
