import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { CheckRequest } from '../../../contract/check.js';
import { Decision } from '../../../contract/decision.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { idempotencyKey } from '../../middleware/idempotency-key.js';
import { AcceptLanguageHeader, IdempotencyKeyHeader } from '../../../contract/common.js';
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
    'Idempotent per `(storeId, transactionId, business day)`: the business day is the calendar day of `occurredAt` (of the time received, without one) in the store time zone, so a till may restart its numbering each day, and a retry sent days later with its original `occurredAt` is still the same check. The first call makes the check (201). The same body again is a retry: it returns the decision already made (200, `Idempotent-Replayed: true`), and nothing is recorded twice. A changed basket updates the same check (200): it keeps its `checkId`, gets a new `revision`, and still counts once in the customer’s history. After an outcome is recorded the basket can no longer change (409 `check_closed`).',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till'], worlds: 'own' }), idempotencyKey()] as const,
  request: {
    headers: IdempotencyKeyHeader.extend(AcceptLanguageHeader.shape),
    body: { content: { 'application/json': { schema: CheckRequest } }, required: true },
  },
  responses: {
    201: json(Decision, 'A new check, decided (or, replayed under its `Idempotency-Key`, the response first given).', {
      ...header.location,
      ...header.replayed,
      ...header.contentLanguage,
    }),
    200: json(Decision, 'The same transaction again: a retry (the decision already made) or a changed basket (decided again).', {
      ...header.location,
      ...header.replayed,
      ...header.contentLanguage,
    }),
    ...bodyErrors,
    ...commonErrors,
    ...conflict('The check already has an outcome, so its basket cannot change (`check_closed`), or the `Idempotency-Key` was sent with a different request (`idempotency_key_reused`).'),
  },
});

export function registerCreateCheck(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { status, decision } = await c.get('services').checks.submit(c.get('principal'), c.req.valid('json'), c.req.valid('header')['accept-language']);
    c.header('Content-Language', decision.locale);
    if (status === 'replayed') c.header('Idempotent-Replayed', 'true');
    c.header('Location', `/v1/checks/${decision.checkId}`);
    return c.json(decision, status === 'created' ? 201 : 200);
  });
}
