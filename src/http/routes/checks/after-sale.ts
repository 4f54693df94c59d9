import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Escalation, EscalationRequest, ScamReport, ScamReportRequest } from '../../../contract/cases.js';
import { IdempotencyKeyHeader } from '../../../contract/common.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { idempotencyKey } from '../../middleware/idempotency-key.js';
import { bodyErrors, commonErrors, header, json, notFound } from '../responses.js';
import { CheckParams } from './params.js';

const report = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/reports',
  operationId: 'reportScam',
  tags: ['Cases'],
  summary: 'Report a sale as a scam afterwards',
  description: [
    'A sale that went through, reported as a scam later (by loss prevention, the store, the customer’s family, the police or the bank): opens the check’s case (`case.opened`), or adds to the one it has. One case per check; every report is kept in its timeline, and an `amountLost` replaces the one reported before.',
    '',
    'Analyst and admin keys report any check of their world (and their stores, if bound to some); a till or supervisor key only its own stores’ checks. A check of another store or world is 404 `not_found`, and nothing is recorded. Send an `Idempotency-Key` to retry safely: without one, a repeat is a second report.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till', 'supervisor', 'analyst', 'admin'], worlds: 'own' }), idempotencyKey()] as const,
  request: {
    headers: IdempotencyKeyHeader,
    params: CheckParams,
    body: { content: { 'application/json': { schema: ScamReportRequest } }, required: true },
  },
  responses: {
    201: json(ScamReport, 'The report, recorded, with the case it opened or joined.', header.replayed),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
  },
});

const escalation = createRoute({
  method: 'post',
  path: '/v1/checks/{checkId}/escalations',
  operationId: 'recordEscalation',
  tags: ['Cases'],
  summary: 'Record an escalation for the customer',
  description: [
    'What the colleague or supervisor did for the customer beyond the till: called the police (999 for a scam in progress, 101 otherwise, in the UK), the customer’s bank via 159, the family, the card issuer. It opens the check’s case if it has none (someone judged it a scam), lands in its timeline, and `case.escalated` goes to loss prevention’s webhooks at once.',
    '',
    'For the till (its own stores; a till token its own till), a supervisor (their stores), analysts and admins. `at` defaults to now and may not be ahead of the service clock by more than 5 minutes. A check of another store or world is 404 `not_found`. Send an `Idempotency-Key` to retry safely.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till', 'supervisor', 'analyst', 'admin'], worlds: 'own' }), idempotencyKey()] as const,
  request: {
    headers: IdempotencyKeyHeader,
    params: CheckParams,
    body: { content: { 'application/json': { schema: EscalationRequest } }, required: true },
  },
  responses: {
    201: json(Escalation, 'The escalation, recorded, with the case it opened or joined.', header.replayed),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
  },
});

export function registerAfterSale(api: OpenAPIHono<AppEnv>) {
  api.openapi(report, async (c) => {
    const { checkId } = c.req.valid('param');
    return c.json(await c.get('services').cases.report(c.get('principal'), checkId, c.req.valid('json')), 201);
  });
  api.openapi(escalation, async (c) => {
    const { checkId } = c.req.valid('param');
    return c.json(await c.get('services').cases.escalate(c.get('principal'), checkId, c.req.valid('json')), 201);
  });
}
