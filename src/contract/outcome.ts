import { z } from 'zod';
import { CheckId, Text, Timestamp } from './common.js';
import { Outcome } from './enums.js';

export const OutcomeRequest = z
  .strictObject({
    outcome: Outcome,
    staffRef: Text().trim().min(1).max(64).optional().meta({ description: 'The colleague, as the till knows them.', example: 'C1234' }),
    policeReference: Text()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'A police or Report Fraud (formerly Action Fraud) reference, if one was given.', example: 'NFRC171030123456' }),
    note: Text().trim().max(500).optional().meta({
      description: 'A short note. Do not write names, card or loyalty numbers here: notes are kept and purged like everything else.',
      example: 'Customer on the phone to "HMRC"; hung up after we spoke.',
    }),
  })
  .meta({ id: 'OutcomeRequest', description: 'What happened at the till after the decision.' });
export type OutcomeRequest = z.infer<typeof OutcomeRequest>;

export const OutcomeRecord = OutcomeRequest.extend({
  checkId: CheckId,
  recordedAt: Timestamp,
}).meta({ id: 'OutcomeRecord', description: 'An outcome as recorded.' });
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;
