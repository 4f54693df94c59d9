import { AreaFacts } from './area.js';
import { z } from 'zod';
import { CheckId, StoreId, Timestamp } from './common.js';
import { CheckLine, OfflineDecision, Signals } from './check.js';
import { Decision, Reason } from './decision.js';
import { Action, AgeBand, AgeSource, Lane, Tender } from './enums.js';
import { OutcomeRecord } from './outcome.js';
import { NetworkSignal } from './network.js';
import { Review } from './review-state.js';

export const EvaluationTrigger = z.enum(['check', 'basket_changed', 'answers']).meta({
  id: 'EvaluationTrigger',
  description: '`check`: the first basket. `basket_changed`: the till sent the transaction again with a different basket. `answers`: the colleague answered.',
});
export type EvaluationTrigger = z.infer<typeof EvaluationTrigger>;

export const Evaluation = z
  .object({
    revision: z.number().int().min(1),
    trigger: EvaluationTrigger,
    evaluatedAt: Timestamp,
    action: Action,
    score: z.number().int(),
    reasons: z.array(Reason),
    shadowReasons: z.array(Reason).meta({ description: 'Shadow rules that matched: recorded, never enforced.' }),
    promptId: z.string().nullable(),
    ruleSetVersion: z.string(),
    area: z
      .object({ facts: AreaFacts, alertIds: z.array(z.string()) })
      .optional()
      .meta({ description: 'The area alerts this decision saw (`GET /v1/area-alerts`) and the `area.*` facts they made; absent when none reached the store.' }),
    network: NetworkSignal.optional().meta({
      description: 'What the retailers’ exchange said about the payment card, when this service is a member of one: whether it answered in time, and the facts the rules saw.',
    }),
  })
  .meta({ id: 'Evaluation', description: 'One decision on a check, as it was made.' });
export type Evaluation = z.infer<typeof Evaluation>;

export const CheckRecord = z
  .object({
    checkId: CheckId,
    storeId: StoreId,
    tillId: z.string(),
    transactionId: z.string(),
    lane: Lane,
    currency: z.string(),
    occurredAt: Timestamp,
    receivedAt: Timestamp,
    updatedAt: Timestamp,
    lines: z.array(CheckLine.omit({ brand: true }).extend({ brand: z.string().optional() })),
    totals: z.object({
      basket: z.number().int().meta({ description: 'Value of every line, minor units.' }),
      storedValue: z.number().int().meta({ description: 'Value of the stored-value lines (every kind but merchandise).' }),
      storedValueUnits: z.number().int().meta({ description: 'Number of stored-value cards or codes.' }),
    }),
    tender: Tender,
    customer: z.object({
      ageBand: AgeBand,
      ageSource: AgeSource,
      identified: z.boolean().meta({ description: 'Whether a loyalty id or payment token linked this check to earlier ones.' }),
    }),
    signals: Signals,
    answers: z.record(z.string(), z.string()),
    decision: Decision,
    offlineDecision: OfflineDecision.optional().meta({
      description: 'Present when the till decided this check offline and replayed it later: what the colleague was shown.',
    }),
    evaluations: z.array(Evaluation).meta({ description: 'Every decision on this check, oldest first.' }),
    review: z.union([Review, z.null()]).meta({ description: 'The supervisor’s review, if the check was ever held; null otherwise.' }),
    // A union, not .nullable(): the OpenAPI generator drops the null from a nullable named schema.
    outcome: z.union([OutcomeRecord, z.null()]),
  })
  .meta({ id: 'CheckRecord', description: 'A check, every decision made on it and its outcome. Never carries raw customer identifiers.' });
export type CheckRecord = z.infer<typeof CheckRecord>;
