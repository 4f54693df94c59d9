import { z } from 'zod';
import { CheckId, StoreId, Text, Timestamp } from './common.js';
import { Reason } from './decision.js';
import { Review } from './review-state.js';
import { ReviewStatus } from './enums.js';

export { Review, ReviewCloser } from './review-state.js';

export const ReviewDecision = z.enum(['release', 'refuse']).meta({
  id: 'ReviewDecision',
  description: '`release`: the supervisor lets the sale go ahead. `refuse`: the stored-value lines are not sold.',
  example: 'release',
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const SupervisorRef = Text()
  .trim()
  .min(1)
  .max(64)
  .meta({
    description: 'The supervisor, as the store knows them (a staff number or badge id). Stored as given; never a name the service makes up.',
    example: 'S0042',
  });

export const ReviewRequest = z
  .strictObject({
    decision: ReviewDecision,
    supervisorRef: SupervisorRef.optional(),
    reason: Text().trim().min(1).max(500).optional().meta({
      description:
        'Why the supervisor decided so. Needed to release a check whose stored value is above the rule set’s `holds.releaseReasonAbove` line. Do not write names, card or loyalty numbers here.',
      example: 'Known customer; buys cards for the youth club every month.',
    }),
    decidedAt: Timestamp.optional().meta({
      description:
        'When the supervisor decided, by the till’s clock; default now. The till SDK sends it when it replays a decision made while the service was away: one made before the deadline stands if a till key sends it within 24 hours of the deadline. Over 5 minutes before the hold opened, or ahead of the service clock: 400.',
    }),
  })
  .superRefine((body, ctx) => {
    if (body.decision === 'release' && body.supervisorRef === undefined) {
      ctx.addIssue({ code: 'custom', path: ['supervisorRef'], message: 'A release needs the supervisor’s reference' });
    }
  })
  .meta({ id: 'ReviewRequest', description: 'A supervisor’s decision on a held sale.' });
export type ReviewRequest = z.infer<typeof ReviewRequest>;

export const ReviewRecord = Review.extend({
  checkId: CheckId,
  storeId: StoreId,
  tillId: z.string(),
  transactionId: z.string(),
  currency: z.string(),
  revision: z.number().int().min(1).meta({
    description: 'The check revision whose hold opened it: a check held again after a release has a review per hold.',
    example: 1,
  }),
  releasedRevision: z.number().int().min(1).nullable().meta({ description: 'Of a release: the check revision it covers.', example: 2 }),
  storedValue: z.number().int().meta({ description: 'Value of the stored-value lines, minor units.', example: 50000 }),
  reasons: z.array(Reason).meta({ description: 'Why the check was held: the rules its latest decision matched.' }),
}).meta({ id: 'ReviewRecord', description: 'A held check and its review, as a supervisor sees it.' });
export type ReviewRecord = z.infer<typeof ReviewRecord>;

export const ReviewQuery = z.strictObject({
  status: ReviewStatus.default('open').meta({
    param: { name: 'status', in: 'query' },
    description: 'Which reviews: `open` (default) oldest first, so the one nearest its deadline comes first; the others most recently closed first.',
  }),
  storeId: StoreId.optional().meta({
    param: { name: 'storeId', in: 'query' },
    description: 'One store. Default: every store the key may see; a key bound to stores gets 403 `store_forbidden` for any other.',
  }),
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ param: { name: 'limit', in: 'query' }, description: 'At most this many.' }),
});
export type ReviewQuery = z.infer<typeof ReviewQuery>;

export const ReviewList = z
  .object({
    asOf: Timestamp.meta({ description: 'The service’s time when it answered: count down to each deadline from here.' }),
    reviews: z.array(ReviewRecord),
  })
  .meta({ id: 'ReviewList' });
export type ReviewList = z.infer<typeof ReviewList>;
