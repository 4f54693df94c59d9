import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { WebhookList } from '../../../contract/webhooks.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  operationId: 'listWebhooks',
  tags: ['Webhooks'],
  summary: 'List webhooks',
  description: 'Every webhook of the key’s world not deleted, without secrets: a live admin key lists live webhooks, a test admin key test webhooks.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  responses: { 200: json(WebhookList, 'The webhooks.'), ...commonErrors },
});

export function registerListWebhooks(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => c.json({ webhooks: await c.get('services').webhooks.list(c.get('principal')) }, 200));
}
