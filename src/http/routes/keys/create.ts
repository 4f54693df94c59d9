import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { issueApiKey, modeOfNewKey } from '../../../access/api-keys.js';
import { KeyCreated, KeyCreateRequest } from '../../../contract/keys.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, header, json } from '../responses.js';
import { toApiKey } from './shape.js';

const route = createRoute({
  method: 'post',
  path: '/v1/keys',
  operationId: 'createKey',
  tags: ['Keys'],
  summary: 'Make an API key',
  description:
    'Makes a key for a till (bound to its stores), an analyst or an admin, live or test (a test admin key makes only test keys). The key itself is in this response only: the service keeps just its hash. Recorded in the audit log.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  request: { body: { content: { 'application/json': { schema: KeyCreateRequest } }, required: true } },
  responses: {
    201: json(KeyCreated, 'The new key. Store it now; it cannot be shown again.', { ...header.location, ...header.cacheControl }),
    ...bodyErrors,
    ...commonErrors,
  },
});

export function registerCreateKey(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { store, clock } = c.get('services');
    const principal = c.get('principal');
    const request = c.req.valid('json');
    const { row, key } = await issueApiKey(store, { ...request, mode: modeOfNewKey(principal, request.mode) }, principal.keyId, clock());
    c.header('Location', `/v1/keys/${row.id}`);
    c.header('Cache-Control', 'no-store');
    return c.json({ ...toApiKey(row), key }, 201);
  });
}
