import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AnswersRequest } from '../../../contract/answers.js';
import { Decision } from '../../../contract/decision.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { idempotencyKey } from '../../middleware/idempotency-key.js';
import { IdempotencyKeyHeader } from '../../../contract/common.js';
import { bodyErrors, commonErrors, conflict, header, json, notFound } from '../responses.js';
import { CheckParams } from './params.js';

const route = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/answers',
  operationId: 'answerCheck',
  tags: ['Checks'],
  summary: 'Record the colleague’s answers and decide again',
  description: [
    'Send the answers the customer gave to the prompt’s questions, by question id. The check is decided again with every answer so far, and the new decision returned.',
    '',
    'Being asked to read out, text or photograph the numbers, or saying the cards pay a bill, tax, fine, fee, a computer fix, the bank or the police, refuses the sale. "Someone asked me to buy these" alone does not: a manager asking in person for staff vouchers on the company card is not held, a "boss" who texted or emailed is. A reassuring "no" lowers the score only where nothing seen or known contradicts it, and never clears a high-value purchase by an older customer.',
    '',
    'Sending answers the check already has changes nothing and returns the current decision (`Idempotent-Replayed: true`).',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till'], worlds: 'own' }), idempotencyKey()] as const,
  request: {
    headers: IdempotencyKeyHeader,
    params: CheckParams,
    body: { content: { 'application/json': { schema: AnswersRequest } }, required: true },
  },
  responses: {
    200: json(Decision, 'The decision with these answers, in the check’s language.', { ...header.replayed, ...header.contentLanguage }),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The check already has an outcome (`check_closed`), or the `Idempotency-Key` was sent with a different request (`idempotency_key_reused`).'),
  },
});

export function registerAnswers(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { checkId } = c.req.valid('param');
    const { replayed, decision } = await c.get('services').checks.answer(c.get('principal'), checkId, c.req.valid('json').answers);
    if (replayed) c.header('Idempotent-Replayed', 'true');
    c.header('Content-Language', decision.locale);
    return c.json(decision, 200);
  });
}
