import { z } from 'zod';
import { Timestamp } from './common.js';
import { ReviewStatus } from './enums.js';

// Apart from review.ts so that the decision can carry a review without a cycle (review.ts needs Reason).

export const ReviewCloser = z.enum(['supervisor', 'decision', 'outcome', 'deadline']).meta({
  id: 'ReviewCloser',
  description:
    '`supervisor`: a supervisor released or refused it. `decision`: a later decision on the check (the colleague’s answers or a changed basket) refused the sale. `outcome`: the till recorded that the sale did not go ahead. `deadline`: nobody decided in time.',
});
export type ReviewCloser = z.infer<typeof ReviewCloser>;

export const Review = z
  .object({
    status: ReviewStatus,
    openedAt: Timestamp.meta({ description: 'When the check was held.' }),
    deadline: Timestamp.meta({ description: 'When an open review becomes `expired` (refused for the sale).' }),
    closedAt: Timestamp.nullable().meta({ description: 'When it was released, refused or expired; null while open.' }),
    closedBy: z
      .object({
        kind: ReviewCloser,
        supervisorRef: z.string().nullable().meta({ description: 'The supervisor’s reference, when a supervisor decided.' }),
        keyId: z.string().nullable().meta({ description: 'The API key that closed it; null for the deadline.' }),
      })
      .nullable(),
    reason: z.string().nullable().meta({ description: 'The supervisor’s reason, or what closed it.' }),
  })
  .meta({
    id: 'Review',
    description:
      'A hold’s life: opened by a `hold` decision, then released or refused by a supervisor, or expired at its deadline. Only a release lets the sale go ahead.',
  });
export type Review = z.infer<typeof Review>;
