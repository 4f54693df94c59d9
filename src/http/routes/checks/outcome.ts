import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { OutcomeRecord, OutcomeRequest } from '../../../contract/outcome.js';
import { ApiError } from '../../../errors.js';
import type { AppEnv } from '../../env.js';
import { assertStore, requireRole } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, json, notFound } from '../responses.js';
import { CheckParams } from './params.js';
import { toOutcomeRecord } from './shape.js';

const route = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/outcome',
  tags: ['Checks'],
  summary: 'Record what happened',
  description: [
    'Record what happened at the till once the customer has paid, left or been helped. A check has one outcome.',
    '',
    'Sending the same outcome again (a retry, or a replay from the SDK’s outbox) returns the recorded one (200, `Idempotent-Replayed: true`); a different outcome is 409 `outcome_conflict`.',
  ].join('\n'),
  middleware: [requireRole('till')] as const,
  request: {
    params: CheckParams,
    body: { content: { 'application/json': { schema: OutcomeRequest } }, required: true },
  },
  responses: {
    201: json(OutcomeRecord, 'The outcome, recorded.'),
    200: json(OutcomeRecord, 'The same outcome was already recorded.'),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The check already has a different outcome (`outcome_conflict`).'),
  },
});

export function registerOutcome(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const { checkId } = c.req.valid('param');
    const body = c.req.valid('json');
    const principal = c.get('principal');
    const { store, clock, metrics } = c.get('services');

    const result = store.transaction(() => {
      const check = store.checks.findById(checkId);
      if (!check) throw new ApiError(404, 'not_found', { detail: `No check ${checkId}` });
      assertStore(principal, check.storeId);
      if (check.outcome) {
        const same =
          check.outcome.outcome === body.outcome &&
          (check.outcome.policeReference ?? undefined) === body.policeReference &&
          (check.outcome.staffRef ?? undefined) === body.staffRef &&
          (check.outcome.note ?? undefined) === body.note;
        if (!same) {
          throw new ApiError(409, 'outcome_conflict', {
            detail: `Check ${checkId} already has the outcome ${check.outcome.outcome}, recorded ${new Date(check.outcome.recordedAt).toISOString()}`,
          });
        }
        return { outcome: check.outcome, created: false };
      }
      const outcome = {
        outcome: body.outcome,
        recordedAt: clock(),
        staffRef: body.staffRef ?? null,
        policeReference: body.policeReference ?? null,
        note: body.note ?? null,
        keyId: principal.keyId,
      };
      store.checks.recordOutcome(checkId, outcome);
      return { outcome, created: true };
    });

    if (result.created) metrics.outcomes.inc({ outcome: result.outcome.outcome });
    else c.header('Idempotent-Replayed', 'true');
    return c.json(toOutcomeRecord(checkId, result.outcome), result.created ? 201 : 200);
  });
}
