import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { Text } from '../../../contract/common.js';
import { PublishResult, ReviewRequest, RollbackRequest } from '../../../contract/rule-lifecycle.js';
import { approveRuleSet, rejectRuleSet, rollBackRuleSet } from '../../../rule-sets/lifecycle.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, json, notFound } from '../responses.js';

const VersionParams = z.object({ version: Text().min(1).max(64).meta({ param: { name: 'version', in: 'path' } }) });

const approve = createRoute({
  method: 'post',
  path: '/v1/rules/versions/{version}/approve',
  operationId: 'approveRuleVersion',
  tags: ['Rules'],
  summary: 'Approve a pending rule set (second admin)',
  description: 'With two-person approval on, a published rule set waits here. A different admin from the one who published it approves it, and it becomes active at once. Audited.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: { params: VersionParams, body: { content: { 'application/json': { schema: ReviewRequest } } } },
  responses: {
    200: json(PublishResult, 'Approved and active.'),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The version is not waiting for approval (`conflict`).'),
  },
});

const reject = createRoute({
  method: 'post',
  path: '/v1/rules/versions/{version}/reject',
  operationId: 'rejectRuleVersion',
  tags: ['Rules'],
  summary: 'Reject a pending rule set',
  description: 'Turns down a rule set waiting for approval; it can never become active. Audited.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: { params: VersionParams, body: { content: { 'application/json': { schema: ReviewRequest } } } },
  responses: {
    204: { description: 'Rejected.' },
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The version is not waiting for approval (`conflict`).'),
  },
});

const rollback = createRoute({
  method: 'post',
  path: '/v1/rules/rollback',
  operationId: 'rollBackRules',
  tags: ['Rules'],
  summary: 'Roll back to an earlier rule set',
  description:
    'Makes an earlier approved version active again, at once: the one named, or else the one active before the current one. The body is optional: a POST with none (no `Content-Type` either) goes back to the one before. It needs no second approval, since it restores something already approved. Audited.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: { body: { content: { 'application/json': { schema: RollbackRequest } } } },
  responses: {
    200: json(PublishResult, 'Rolled back; `version` is now active.'),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('Nothing to roll back to, or the version is not approved (`conflict`).'),
  },
});

export function registerRuleReview(api: OpenAPIHono<AppEnv>) {
  api.openapi(approve, async (c) => {
    const result = await approveRuleSet(c.get('services'), c.req.valid('param').version, { actor: c.get('principal'), note: c.req.valid('json').note });
    return c.json(result, 200);
  });
  api.openapi(reject, async (c) => {
    await rejectRuleSet(c.get('services'), c.req.valid('param').version, { actor: c.get('principal'), note: c.req.valid('json').note });
    return c.body(null, 204);
  });
  api.openapi(rollback, async (c) => {
    const { version, note } = c.req.valid('json');
    return c.json(await rollBackRuleSet(c.get('services'), { actor: c.get('principal'), version, note }), 200);
  });
}
