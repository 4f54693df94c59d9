import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { listApiKeys } from '../../../access/api-keys.js';
import { KeyList } from '../../../contract/keys.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json } from '../responses.js';
import { toApiKey } from './shape.js';

const route = createRoute({
  method: 'get',
  path: '/v1/keys',
  operationId: 'listKeys',
  tags: ['Keys'],
  summary: 'List API keys',
  description: 'Every key, active and revoked, without secrets. A test admin key sees only test keys.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  responses: { 200: json(KeyList, 'The keys.'), ...commonErrors },
});

export function registerListKeys(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => c.json({ keys: (await listApiKeys(c.get('services').store.keys, c.get('principal'))).map(toApiKey) }, 200));
}
