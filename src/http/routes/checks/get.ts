import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { CheckRecord } from '../../../contract/check-record.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json, notFound } from '../responses.js';
import { CheckParams } from './params.js';

const route = createRoute({
  method: 'get',
  path: '/v1/checks/{checkId}',
  operationId: 'getCheck',
  tags: ['Checks'],
  summary: 'Read a check',
  description:
    'The check as it stands, every decision made on it (with shadow rules that matched), its review if it was held (an open review past its deadline reads as `expired`), and its outcome. A till or supervisor key reads only its own stores’ checks; an analyst key limited to some stores reads only theirs. A test key (`vsk_test_…`) reads only test checks and a live key only live ones: a check of the other world is 404, as if it did not exist. Never carries a raw loyalty id or payment token. A till polls this to learn of a release made on a supervisor’s handheld. The outcome’s cards sold show their serials and activation ids whole to admin and processor keys only; every other key sees the last four.',
  middleware: [requireKey({ roles: ['till', 'supervisor', 'analyst', 'admin', 'processor'], worlds: 'own' })] as const,
  request: { params: CheckParams },
  responses: {
    200: json(CheckRecord, 'The check.'),
    ...commonErrors,
    ...notFound,
  },
});

export function registerGetCheck(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { checkId } = c.req.valid('param');
    return c.json(await c.get('services').checks.read(c.get('principal'), checkId), 200);
  });
}
