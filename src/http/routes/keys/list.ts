import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { KeyList } from '../../../contract/keys.js';
import type { AppEnv } from '../../env.js';
import { requireRole } from '../../middleware/auth.js';
import { commonErrors, json } from '../responses.js';
import { toApiKey } from './shape.js';

const route = createRoute({
  method: 'get',
  path: '/v1/keys',
  operationId: 'listKeys',
  tags: ['Keys'],
  summary: 'List API keys',
  description: 'Every key, active and revoked, without secrets.',
  middleware: [requireRole('admin')] as const,
  responses: { 200: json(KeyList, 'The keys.'), ...commonErrors },
});

export function registerListKeys(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => c.json({ keys: (await c.get('services').store.keys.list()).map(toApiKey) }, 200));
}
