import { type CheckInput, CheckRequest } from '../../../src/contract/check.js';
import type { Decision } from '../../../src/contract/decision.js';
import type { VouchsafeError } from '../errors.js';
import { localId } from '../ids.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { Basket, TillDecision } from '../types.js';
import { parse } from '../validate.js';
import { askService, networkDeadline, sameCheck, waitForTurn } from './ask-service.js';
import { adoptServiceHold } from './service-hold.js';
import { holdOffline, keepForLater, offlineTillDecision } from './offline.js';

/** The decision for a basket: the service's within the budget, else the till's own, queued for the service. */
export async function check(till: TillParts, basket: Basket): Promise<TillDecision> {
  const deadline = networkDeadline(till);
  till.assertOpen();
  // The till never sets offlineDecision itself: only an offline replay may carry it.
  const { offlineDecision: _ignored, ...rest } = basket as CheckInput;
  const request = parse(CheckRequest, { ...rest, storeId: till.storeId, tillId: till.tillId });
  await till.ready;
  const transaction = till.memory.transaction(request);

  let cause = await waitForTurn(till, deadline, sameCheck(till, transaction, undefined));
  if (!cause) {
    const asked = await askService(till, deadline, (left) => till.api.createCheck(request, left));
    if ('answer' in asked) return serviceDecided(till, transaction, asked.answer);
    cause = asked.cause;
  }
  return decideOnTill(till, transaction, request, cause);
}

function serviceDecided(till: TillParts, transaction: Transaction, decision: Decision): TillDecision {
  transaction.checkId = decision.checkId;
  transaction.revision = decision.revision;
  transaction.serviceAction = decision.action;
  till.memory.index(transaction);
  till.memory.remember(transaction, decision.action !== 'allow');
  adoptServiceHold(till.memory, till.clock, transaction, decision);
  till.outbox.nudge();
  return { ...decision, source: 'service' };
}

async function decideOnTill(till: TillParts, transaction: Transaction, request: CheckRequest, cause: VouchsafeError): Promise<TillDecision> {
  if (!transaction.checkId && !transaction.localId) {
    transaction.localId = localId('local');
    till.memory.index(transaction);
  }
  const checkRef = (transaction.checkId ?? transaction.localId)!;
  transaction.serviceAction = undefined; // The service has not seen this basket.
  const local = till.memory.decide(transaction, till.rules.current);
  transaction.revision += 1;
  till.memory.remember(transaction, local.action !== 'allow');
  // The hold opens when the till decided: the service opens it then too, from the replayed check.
  const decidedAt = Date.now();
  holdOffline(till, transaction, local, decidedAt);
  const decision = offlineTillDecision(till, transaction, checkRef, local, cause, decidedAt);
  await keepForLater(
    till,
    {
      v: 1,
      id: localId('obx'),
      kind: 'check',
      enqueuedAt: Date.now(),
      transactionId: transaction.transactionId,
      checkRef,
      body: {
        ...request,
        // Replayed later, the check must land in the customer's history when it happened.
        occurredAt: request.occurredAt ?? new Date(transaction.startedAt).toISOString(),
        offlineDecision: { action: local.action, ruleSetVersion: local.ruleSetVersion, decidedAt: decision.evaluatedAt },
      },
    },
    cause,
  );
  return decision;
}
