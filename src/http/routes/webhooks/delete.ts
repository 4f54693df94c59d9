import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Webhook } from '../../../contract/webhooks.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json, notFound } from '../responses.js';
import { WebhookParams } from './params.js';

const route = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{webhookId}',
  operationId: 'deleteWebhook',
  tags: ['Webhooks'],
  summary: 'Delete a webhook',
  description: 'Nothing more is sent to it; deliveries still waiting are cancelled. Recorded in the audit log.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  request: { params: WebhookParams },
  responses: { 200: json(Webhook, 'The webhook, deleted.'), ...commonErrors, ...notFound },
});

export function registerDeleteWebhook(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => c.json(await c.get('services').webhooks.delete(c.get('principal'), c.req.valid('param').webhookId), 200));
}
