import { z } from 'zod';
import { CardRecord, CardSold, MAX_CARDS } from './cards.js';
import { CheckId, Text, Timestamp } from './common.js';
import { Outcome } from './enums.js';

/** The outcomes in which the stored-value lines were sold: the only ones that may carry the cards activated. */
export const SALE_OUTCOMES: ReadonlySet<Outcome> = new Set(['proceeded', 'proceeded_after_warning']);

const OutcomeFields = z.strictObject({
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
});

export const OutcomeRequest = OutcomeFields.extend({
  cards: z
    .array(CardSold)
    .min(1)
    .max(MAX_CARDS)
    .optional()
    .meta({
      description:
        'For a sale that went through (`proceeded`, `proceeded_after_warning`): the cards activated, so that a processor can find and freeze them if the sale turns out to be a scam. Only where the service keeps cards (VOUCHSAFE_CARD_CAPTURE=on; otherwise 422 `card_capture_off`).',
    }),
})
  .superRefine((body, ctx) => {
    if (body.cards && !SALE_OUTCOMES.has(body.outcome)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cards'],
        message: `Cards go with a sale that went through (proceeded, proceeded_after_warning), not ${body.outcome}`,
        params: { code: 'cards_without_sale' },
      });
    }
  })
  .meta({ id: 'OutcomeRequest', description: 'What happened at the till after the decision.' });
export type OutcomeRequest = z.infer<typeof OutcomeRequest>;

export const OutcomeRecord = OutcomeFields.extend({
  checkId: CheckId,
  recordedAt: Timestamp,
  cards: z.array(CardRecord).optional().meta({ description: 'The cards activated in the sale, if the till sent them.' }),
}).meta({ id: 'OutcomeRecord', description: 'An outcome as recorded.' });
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;
