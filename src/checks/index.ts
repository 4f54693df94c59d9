import type { Principal } from '../access/api-keys.js';
import type { AnswersRequest } from '../contract/answers.js';
import type { CardRecord } from '../contract/cards.js';
import type { CheckRecord } from '../contract/check-record.js';
import type { CheckRequest } from '../contract/check.js';
import type { OutcomeRequest } from '../contract/outcome.js';
import { type Answered, answerCheck } from './answer.js';
import { cardsOfCheck } from './cards.js';
import type { CheckContext } from './context.js';
import { type OutcomeRecorded, recordOutcome } from './outcome.js';
import { readCheck } from './read.js';
import { type Submitted, submitCheck } from './submit.js';

export type { Answered, CheckContext, OutcomeRecorded, Submitted };

/** The check use cases: what a till does with a basket, from first scan to outcome. */
export interface Checks {
  /** `acceptLanguage`: the request's header, for a check that names no `locale`. */
  submit(principal: Principal, check: CheckRequest, acceptLanguage?: string): Promise<Submitted>;
  answer(principal: Principal, checkId: string, answers: AnswersRequest['answers']): Promise<Answered>;
  recordOutcome(principal: Principal, checkId: string, outcome: OutcomeRequest): Promise<OutcomeRecorded>;
  read(principal: Principal, checkId: string): Promise<CheckRecord>;
  /** The cards sold in a check: whole (serials decrypted) for admin and processor keys, masked for every other key. */
  cards(principal: Principal, checkId: string): Promise<CardRecord[]>;
}

export function createChecks(context: CheckContext): Checks {
  return {
    submit: (principal, check, acceptLanguage) => submitCheck(context, principal, check, acceptLanguage),
    answer: (principal, checkId, answers) => answerCheck(context, principal, checkId, answers),
    recordOutcome: (principal, checkId, outcome) => recordOutcome(context, principal, checkId, outcome),
    read: (principal, checkId) => readCheck(context, principal, checkId),
    cards: (principal, checkId) => cardsOfCheck(context, principal, checkId),
  };
}
