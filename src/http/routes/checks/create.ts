import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { CheckRequest } from '../../../contract/check.js';
import { Decision } from '../../../contract/decision.js';
import type { AppEnv } from '../../env.js';
import { requireRole } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, header, json } from '../responses.js';

const route = createRoute({
  method: 'post',
  path: '/v1/checks',
  operationId: 'createCheck',
  tags: ['Checks'],
  summary: 'Decide on a basket',
  description: [
    'Send the basket when the first stored-value line is scanned, and again whenever it changes.',
    '',
    'Idempotent per `(storeId, transactionId)`. The first call makes the check (201). The same body again is a retry: it returns the decision already made (200, `Idempotent-Replayed: true`), and nothing is recorded twice. A changed basket updates the same check (200): it keeps its `checkId`, gets a new `revision`, and still counts once in the customer’s history. After an outcome is recorded the basket can no longer change (409 `check_closed`).',
  ].join('\n'),
  middleware: [requireRole('till')] as const,
  request: { body: { content: { 'application/json': { schema: CheckRequest } }, required: true } },
  responses: {
    201: json(Decision, 'A new check, decided.', header.location),
    200: json(Decision, 'The same transaction again: a retry (the decision already made) or a changed basket (decided again).', {
      ...header.location,
      ...header.replayed,
    }),
    ...bodyErrors,
    ...commonErrors,
    ...conflict('The check already has an outcome, so its basket cannot change (`check_closed`).'),
  },
});

export function registerCreateCheck(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const { status, decision } = c.get('services').checks.submit(c.get('principal'), c.req.valid('json'));
    if (status === 'replayed') c.header('Idempotent-Replayed', 'true');
    c.header('Location', `/v1/checks/${decision.checkId}`);
    return c.json(decision, status === 'created' ? 201 : 200);
  });
}
