import { AnswersRequest } from '../../../src/contract/answers.js';
import type { Decision } from '../../../src/contract/decision.js';
import { VouchsafeError } from '../errors.js';
import { localId } from '../ids.js';
import { followUpEntry } from '../outbox/entry.js';
import { fallbackDecision, type LocalDecision } from '../offline/decide.js';
import type { Transaction } from '../till-memory.js';
import type { TillParts } from '../till-parts.js';
import type { Answers, TillDecision } from '../types.js';
import { parse, validateAnswers } from '../validate.js';
import { askService, networkDeadline, sameCheck, waitForTurn } from './ask-service.js';
import { locate } from './locate.js';
import { holdOffline, keepForLater, offlineTillDecision } from './offline.js';
import { adoptServiceHold } from './service-hold.js';

/** The colleague's answers and the new decision: the service's within the budget, else the till's own. */
export async function answer(till: TillParts, checkId: string, answers: Answers): Promise<TillDecision> {
  const deadline = networkDeadline(till);
  till.assertOpen();
  const body = parse(AnswersRequest, { answers });
  await till.ready;
  validateAnswers(body.answers, till.rules.current);
  const { transaction } = locate(till, checkId);

  let cause = await waitForTurn(till, deadline, sameCheck(till, transaction, checkId));
  // Delivering the queue may just have given a local check its service id.
  const serviceId = till.outbox.serviceId(checkId) ?? transaction?.checkId;
  if (!cause && !serviceId) cause = new VouchsafeError(`The check ${checkId} was dead-lettered, so the service cannot take answers for it`);
  if (!cause) {
    const asked = await askService(till, deadline, (left) => till.api.answer(serviceId!, body, left));
    if ('answer' in asked) return serviceDecided(till, transaction, body, asked.answer);
    cause = asked.cause;
  }
  return decideOnTill(till, transaction, serviceId ?? checkId, body, cause);
}

function serviceDecided(till: TillParts, transaction: Transaction | undefined, body: AnswersRequest, decision: Decision): TillDecision {
  if (transaction) {
    transaction.answers = { ...transaction.answers, ...body.answers };
    transaction.revision = decision.revision;
    transaction.serviceAction = decision.action;
    till.memory.remember(transaction, decision.action !== 'allow');
    adoptServiceHold(till.memory, till.clock, transaction, decision);
  }
  till.outbox.nudge();
  return { ...decision, source: 'service' };
}

async function decideOnTill(till: TillParts, transaction: Transaction | undefined, checkRef: string, body: AnswersRequest, cause: VouchsafeError): Promise<TillDecision> {
  let local: LocalDecision;
  const decidedAt = Date.now();
  if (transaction) {
    transaction.answers = { ...transaction.answers, ...body.answers };
    transaction.revision += 1;
    local = till.memory.decide(transaction, till.rules.current);
    till.memory.remember(transaction, local.action !== 'allow');
    holdOffline(till, transaction, local, decidedAt);
  } else {
    local = fallbackDecision(undefined); // A check from before a restart: its basket is not known here.
  }
  await keepForLater(
    till,
    followUpEntry('answers', body, checkRef, transaction, localId('obx')),
    cause,
  );
  return offlineTillDecision(till, transaction, checkRef, local, cause, decidedAt);
}
