import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { WebhookList } from '../../../contract/webhooks.js';
import type { AppEnv } from '../../env.js';
import { requireRole } from '../../middleware/auth.js';
import { commonErrors, json } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  operationId: 'listWebhooks',
  tags: ['Webhooks'],
  summary: 'List webhooks',
  description: 'Every webhook not deleted, without secrets.',
  middleware: [requireRole('admin')] as const,
  responses: { 200: json(WebhookList, 'The webhooks.'), ...commonErrors },
});

export function registerListWebhooks(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => c.json({ webhooks: await c.get('services').webhooks.list() }, 200));
}
