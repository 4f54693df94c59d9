import { type OutcomeRecord, OutcomeRequest } from '../../../src/contract/outcome.js';
import { localId } from '../ids.js';
import type { OutboxEntry } from '../outbox/entry.js';
import type { TillParts } from '../till-parts.js';
import type { OutcomeInput, OutcomeReceipt } from '../types.js';
import { parse } from '../validate.js';
import { locate } from './locate.js';

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
  const entry: OutboxEntry = {
    v: 1,
    id: localId('obx'),
    kind: 'outcome',
    enqueuedAt: Date.now(),
    ...(transaction ? { transactionId: transaction.transactionId } : {}),
    checkRef: serviceId ?? checkId,
    body,
  };
  const { settled } = await till.outbox.append(entry);
  const blocked = await till.outbox.whenClear((queued) => queued.id === entry.id, deadline);
  if (blocked) return { status: 'queued', cause: blocked };
  const settlement = await settled;
  if (settlement.status === 'dead_lettered') return { status: 'dead_lettered', error: settlement.error };
  return { status: 'recorded', record: settlement.result as OutcomeRecord }; // An outcome entry delivers an OutcomeRecord.
}
