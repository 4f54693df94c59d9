import { z } from 'zod';
import { CheckId, Text, Timestamp } from './common.js';
import { HandOffStep } from './decision.js';

// An escalation on its own, apart from the rest of the cases contract: the till SDK records one
// (`till.escalate()`), and its browser bundle carries only what it sends and reads.

export const CaseId = z
  .string()
  .regex(/^cas_[0-9a-z]{10,40}$/, 'Not a case id')
  .meta({ id: 'CaseId', description: 'The id Vouchsafe gave the case.', example: 'cas_01jd0q9w4v2s3k6m8n0p' });

const ShortText = (max: number) => Text().trim().min(1).max(max);

/** The steps a hand-off action records (`HandOffStep` in the decision): one list for the till's buttons and the case. */
export const EscalationStep = HandOffStep;
export type EscalationStep = HandOffStep;

export const EscalationRequest = z
  .strictObject({
    step: EscalationStep,
    by: ShortText(64).meta({ description: 'The colleague or supervisor, as the store knows them.', example: 'S0042' }),
    at: Timestamp.optional().meta({ description: 'When it was done; default now. Not ahead of the service’s clock.' }),
    note: ShortText(500).optional().meta({ description: 'Do not write names, card numbers, loyalty or bank details here: it is kept and purged like everything else.', example: 'Customer agreed; bank put a hold on her account.' }),
  })
  .meta({ id: 'EscalationRequest', description: 'A step taken for the customer beyond the till.' });
export type EscalationRequest = z.infer<typeof EscalationRequest>;

export const Escalation = EscalationRequest.extend({
  id: z.string().meta({ example: 'esc_01jd0q9w4v2s3k6m8n0p' }),
  caseId: CaseId,
  checkId: CheckId,
  at: Timestamp,
  recordedAt: Timestamp,
}).meta({ id: 'Escalation', description: 'An escalation as recorded, with the case it opened or joined.' });
export type Escalation = z.infer<typeof Escalation>;
