import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AnswersRequest } from '../../../contract/answers.js';
import { Decision } from '../../../contract/decision.js';
import type { FieldError } from '../../../contract/problem.js';
import { ApiError } from '../../../errors.js';
import type { AppEnv } from '../../env.js';
import { assertStore, requireRole } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, json, notFound } from '../responses.js';
import { CheckParams } from './params.js';
import { evaluate } from './record-decision.js';
import { toDecision } from './shape.js';

const route = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/answers',
  tags: ['Checks'],
  summary: 'Record the colleague’s answers and decide again',
  description: [
    'Send the answers the customer gave to the prompt’s questions, by question id. The check is decided again with every answer so far, and the new decision returned.',
    '',
    'Being asked to read out, text or photograph the numbers, or saying the cards pay a bill, tax, fine, fee, a computer fix, the bank or the police, refuses the sale. "Someone asked me to buy these" alone does not: a manager asking in person for staff vouchers on the company card is not held, a "boss" who texted or emailed is. A reassuring "no" lowers the score only where nothing seen or known contradicts it, and never clears a high-value purchase by an older customer.',
    '',
    'Sending answers the check already has changes nothing and returns the current decision (`Idempotent-Replayed: true`).',
  ].join('\n'),
  middleware: [requireRole('till')] as const,
  request: {
    params: CheckParams,
    body: { content: { 'application/json': { schema: AnswersRequest } }, required: true },
  },
  responses: {
    200: json(Decision, 'The decision with these answers.'),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The check already has an outcome (`check_closed`).'),
  },
});

export function registerAnswers(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const { checkId } = c.req.valid('param');
    const { answers } = c.req.valid('json');
    const services = c.get('services');
    const { store } = services;
    const { prompts } = services.rules.current;

    const errors: FieldError[] = [];
    for (const [question, value] of Object.entries(answers)) {
      const allowed = prompts.answerValues.get(question);
      if (!allowed) {
        errors.push({ field: `answers.${question}`, code: 'unknown_question', message: `No question "${question}"; questions are ${prompts.questionIds.join(', ')}` });
      } else if (!allowed.has(value)) {
        errors.push({ field: `answers.${question}`, code: 'invalid_answer', message: `"${value}" is not an answer to ${question}; answers are ${[...allowed].join(', ')}` });
      }
    }

    const started = performance.now();
    const result = store.transaction(() => {
      const check = store.checks.findById(checkId);
      if (!check) throw new ApiError(404, 'not_found', { detail: `No check ${checkId}` });
      assertStore(c.get('principal'), check.storeId);
      if (errors.length > 0) {
        throw new ApiError(400, errors[0]!.code as 'unknown_question' | 'invalid_answer', {
          detail: errors.map((e) => e.message).join('; '),
          errors,
        });
      }
      if (check.outcome) {
        throw new ApiError(409, 'check_closed', { detail: `Check ${checkId} already has the outcome ${check.outcome.outcome}` });
      }
      const merged = { ...check.latest.answers, ...answers };
      if (Object.entries(answers).every(([question, value]) => check.latest.answers[question] === value)) {
        return { check, evaluation: check.latest, replayed: true };
      }
      const evaluation = evaluate(services, {
        checkId,
        request: check.latest.request,
        history: check.latest.history,
        answers: merged,
        identified: check.identified,
        trigger: 'answers',
        revision: check.latest.revision + 1,
      });
      store.checks.save({ ...check, identities: undefined, evaluation });
      return { check, evaluation, replayed: false };
    });

    if (result.replayed) c.header('Idempotent-Replayed', 'true');
    else services.metrics.decisionSeconds.observe({ trigger: 'answers' }, (performance.now() - started) / 1000);
    return c.json(toDecision(result.check, result.evaluation), 200);
  });
}
