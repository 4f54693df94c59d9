import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { OutcomeRecord, OutcomeRequest } from '../../../contract/outcome.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { idempotencyKey } from '../../middleware/idempotency-key.js';
import { IdempotencyKeyHeader } from '../../../contract/common.js';
import { bodyErrors, commonErrors, conflict, header, json, notFound, unprocessable } from '../responses.js';
import { CheckParams } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/outcome',
  operationId: 'recordOutcome',
  tags: ['Checks'],
  summary: 'Record what happened',
  description: [
    'Record what happened at the till once the customer has paid, left or been helped. A check has one outcome.',
    '',
    'Sending the same outcome again (a retry, or a replay from the SDK’s outbox) returns the recorded one (200, `Idempotent-Replayed: true`); a different outcome is 409 `outcome_conflict`.',
    '',
    'A sale that went through may carry the `cards` activated (brand, value, serial or the processor’s activation id), where card capture is on (otherwise 422 `card_capture_off`). Never the PIN or redemption code: a value or key that looks like one is 400 `validation_failed` with the field at fault (`looks_like_pin`, `looks_like_redemption_code`, `secret_field`). The answer shows the cards masked to their last four.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till'], worlds: 'own' }), idempotencyKey()] as const,
  request: {
    headers: IdempotencyKeyHeader,
    params: CheckParams,
    body: { content: { 'application/json': { schema: OutcomeRequest } }, required: true },
  },
  responses: {
    201: json(OutcomeRecord, 'The outcome, recorded (or, replayed under its `Idempotency-Key`, the response first given).', header.replayed),
    200: json(OutcomeRecord, 'The same outcome was already recorded.', header.replayed),
    ...bodyErrors,
    ...unprocessable('The outcome carries cards but this service does not keep them (`card_capture_off`).'),
    ...commonErrors,
    ...notFound,
    ...conflict('The check already has a different outcome (`outcome_conflict`), or the `Idempotency-Key` was sent with a different request (`idempotency_key_reused`).'),
  },
});

export function registerOutcome(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { checkId } = c.req.valid('param');
    const { created, outcome } = await c.get('services').checks.recordOutcome(c.get('principal'), checkId, c.req.valid('json'));
    if (!created) c.header('Idempotent-Replayed', 'true');
    return c.json(outcome, created ? 201 : 200);
  });
}
