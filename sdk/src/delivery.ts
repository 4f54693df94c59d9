import type { Decision } from '../../src/contract/decision.js';
import type { ReviewRecord } from '../../src/contract/review.js';
import type { Breaker } from './breaker.js';
import { adoptReview, adoptServiceHold } from './calls/service-hold.js';
import type { Clock } from './clock.js';
import type { OutboxOptions } from './outbox/outbox.js';
import type { TillMemory } from './till-memory.js';
import type { Api } from './transport.js';

/** How the outbox reaches the service, and what the till learns when an entry arrives. */
export function delivery(api: Api, timeoutMs: number, breaker: Breaker, memory: TillMemory, clock: Clock): Pick<OutboxOptions, 'deliver' | 'onDelivered'> {
  return {
    deliver(entry, checkId, stop) {
      if (entry.kind === 'check') return api.createCheck(entry.body, timeoutMs, stop);
      // The outbox sets aside answers and outcomes whose check never got an id, so checkId is known here.
      if (entry.kind === 'answers') return api.answer(checkId!, entry.body, timeoutMs, stop);
      if (entry.kind === 'review') return api.review(checkId!, entry.body, timeoutMs, stop);
      if (entry.kind === 'escalation') return api.escalate(checkId!, entry.body, timeoutMs, stop);
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
      // Where the check's hold stands, as the service now has it: opened by a replayed check, closed by a replayed review.
      const held = memory.find(entry.checkRef);
      if (held && (entry.kind === 'check' || entry.kind === 'answers')) adoptServiceHold(memory, clock, held, result as Decision);
      if (held && entry.kind === 'review') adoptReview(memory, clock, held, result as ReviewRecord);
    },
  };
}
