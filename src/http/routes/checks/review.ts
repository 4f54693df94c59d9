import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ReviewRecord, ReviewRequest } from '../../../contract/review.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, header, json, notFound } from '../responses.js';
import { CheckParams } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/review',
  operationId: 'decideReview',
  tags: ['Holds'],
  summary: 'Release or refuse a held sale',
  description: [
    'A supervisor’s decision on a check that was held: `release` lets the sale go ahead, `refuse` does not sell the stored-value lines. Sent by the till of that store (the supervisor at the till) or by a `supervisor` key bound to the store (a handheld).',
    '',
    'A release needs `supervisorRef`, the supervisor as the store knows them. Releasing a check whose stored value is above the rule set’s `holds.releaseReasonAbove` line also needs a `reason` (400 `validation_failed` on `reason`).',
    '',
    'The hold has a deadline (`VOUCHSAFE_HOLD_DEADLINE`, 5 minutes by default). A decision made after it finds the hold `expired`, which counts as refused (409 `review_closed`). A decision made by the deadline stands even if it arrives later: the till SDK sends `decidedAt` when it replays one made while the service was away. That is believed only from a till (key, or token for the check’s own till) and within 24 hours of the deadline; a `decidedAt` more than 5 minutes before the hold opened is a 400.',
    '',
    'A release covers the basket it was made for (the check’s revision at the time, `releasedRevision`): a later basket with no more stored value of any card stays released; one asking for more (more value, or a card the supervisor did not see) is decided afresh and, if held, waits for a supervisor again with a review of its own.',
    '',
    'Sending the same decision again returns the review as it stands (`Idempotent-Replayed: true`); a different decision on a closed review is 409 `review_closed`, with the review in the problem body. A check that was never held is 409 `not_held`. Recorded in the audit log, and sent to webhooks as `review.closed`.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till', 'supervisor'], worlds: 'own' })] as const,
  request: {
    params: CheckParams,
    body: { content: { 'application/json': { schema: ReviewRequest } }, required: true },
  },
  responses: {
    200: json(ReviewRecord, 'The review, decided.', header.replayed),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The check was never held (`not_held`), or its review is already closed or expired (`review_closed`).'),
  },
});

export function registerReview(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { checkId } = c.req.valid('param');
    const { replayed, review } = await c.get('services').reviews.decide(c.get('principal'), checkId, c.req.valid('json'));
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(review, 200);
  });
}
