import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { PublishRequest, PublishResult } from '../../../contract/rule-lifecycle.js';
import { publishRuleSet } from '../../../rule-sets/lifecycle.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, json, ruleSetRefused } from '../responses.js';

const route = createRoute({
  method: 'put',
  path: '/v1/rules',
  operationId: 'publishRules',
  tags: ['Rules'],
  summary: 'Publish a rule set',
  description: [
    'Publishes a new rule set version from its YAML files. It is refused, with the file, rule id and reason, if it does not parse, type-check or pass every one of its own `tests:` — and then nothing changes.',
    '',
    'On success it decides the next check, with no restart; earlier versions stay listed under `GET /v1/rules/versions`, and `POST /v1/rules/rollback` goes back. With two-person approval on (`VOUCHSAFE_RULES_APPROVAL=two-person`) it is stored as `pending_approval` until a second admin approves it.',
    '',
    'The version is the one declared in a file’s `version:`, or else `sha-` and a fingerprint of the files. Publishing content already stored under its version activates it; other content under an existing version is 409. `?dryRun=true` validates and tests without storing anything. Every publish is in the audit log.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: {
    query: z.object({
      dryRun: z
        .enum(['true', 'false'])
        .optional()
        .meta({ param: { name: 'dryRun', in: 'query' }, description: 'Validate and test only.' }),
    }),
    body: { content: { 'application/json': { schema: PublishRequest } }, required: true },
  },
  responses: {
    200: json(PublishResult, 'Published (`active`), already active (`unchanged`), or valid (`valid`, a dry run).'),
    202: json(PublishResult, 'Stored, waiting for a second admin (`pending_approval`).'),
    ...bodyErrors,
    ...commonErrors,
    ...conflict('Another rule set already has this version (`conflict`).'),
    ...ruleSetRefused,
  },
});

export function registerPublishRules(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { note, ...source } = c.req.valid('json');
    const result = await publishRuleSet(c.get('services'), source, {
      actor: c.get('principal'),
      note,
      dryRun: c.req.valid('query').dryRun === 'true',
    });
    return c.json(result, result.status === 'pending_approval' ? 202 : 200);
  });
}
