import { type Escalation, EscalationRequest } from '../../../src/contract/escalations.js';
import { localId } from '../ids.js';
import { followUpEntry } from '../outbox/entry.js';
import type { TillParts } from '../till-parts.js';
import type { EscalationInput, EscalationReceipt } from '../types.js';
import { parse } from '../validate.js';
import { locate } from './locate.js';

/**
 * What the colleague did for the customer. Queued before it is sent, like an outcome, with the time it
 * was done: with the service away it reaches the case later, in its place among the check's entries.
 */
export async function escalate(till: TillParts, checkId: string, input: EscalationInput): Promise<EscalationReceipt> {
  const deadline = till.clock.now() + till.settings.timeoutMs;
  till.assertOpen();
  const body = parse(EscalationRequest, { ...input, at: input.at ?? new Date().toISOString() });
  await till.ready;
  const { transaction, serviceId } = locate(till, checkId);
  const entry = followUpEntry('escalation', body, serviceId ?? checkId, transaction, localId('obx'));
  const { settled } = await till.outbox.append(entry);
  const blocked = await till.outbox.whenClear((queued) => queued.id === entry.id, deadline);
  if (blocked) return { status: 'queued', cause: blocked };
  const settlement = await settled;
  if (settlement.status === 'dead_lettered') return { status: 'dead_lettered', error: settlement.error };
  return { status: 'recorded', escalation: settlement.result as Escalation }; // An escalation entry delivers an Escalation.
}
