import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ReviewList, ReviewQuery } from '../../../contract/review.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, header, json, queryErrors } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/reviews',
  operationId: 'listReviews',
  tags: ['Holds'],
  summary: 'Held sales waiting for a supervisor',
  description: [
    'The open holds of a store, oldest first, each with its deadline, the till, the value and why it was held: what a supervisor’s handheld polls (every few seconds is fine). `asOf` is the service’s time, to count down from.',
    '',
    'An open hold past its deadline is listed as `expired`, whether or not it has been written down yet. Other statuses list the most recently closed first.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['supervisor', 'analyst', 'admin'], worlds: 'own' })] as const,
  request: { query: ReviewQuery },
  responses: {
    200: json(ReviewList, 'The reviews.', header.cacheControl),
    ...queryErrors,
    ...commonErrors,
  },
});

export function registerReviews(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    return c.json(await c.get('services').reviews.list(c.get('principal'), c.req.valid('query')), 200);
  });
}
