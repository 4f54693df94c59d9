import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ApiKey, KeyId } from '../../../contract/keys.js';
import { revokeApiKey } from '../../../access/api-keys.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, conflict, json, notFound } from '../responses.js';
import { toApiKey } from './shape.js';

const route = createRoute({
  method: 'delete',
  path: '/v1/keys/{keyId}',
  operationId: 'revokeKey',
  tags: ['Keys'],
  summary: 'Revoke an API key',
  description:
    'Revokes a key at once on this node (other nodes within 30 seconds). Revoking a revoked key changes nothing. The last active live admin key cannot be revoked, so the service is never locked out. A test admin key revokes only test keys (a live key’s id is 404). Recorded in the audit log.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  request: { params: z.object({ keyId: KeyId.meta({ param: { name: 'keyId', in: 'path' } }) }) },
  responses: {
    200: json(ApiKey, 'The key, revoked.'),
    ...commonErrors,
    ...notFound,
    ...conflict('This is the last active live admin key (`conflict`).'),
  },
});

export function registerRevokeKey(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { keyId } = c.req.valid('param');
    const { store, keys, clock } = c.get('services');
    return c.json(toApiKey(await revokeApiKey(store, keys, c.get('principal'), keyId, clock())), 200);
  });
}
