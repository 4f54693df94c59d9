import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Delivery, DeliveryList, DeliveryQuery } from '../../../contract/webhooks.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, conflict, json, notFound, queryErrors } from '../responses.js';
import { DeliveryParams, WebhookParams } from './params.js';

const list = createRoute({
  method: 'get',
  path: '/v1/webhooks/{webhookId}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags: ['Webhooks'],
  summary: 'What was sent to a webhook, and how it went',
  description:
    'Deliveries newest first, each with its event and every attempt: when, how long it took, the receiver’s status or why it failed, and when the next attempt is due. Waits between attempts double from 30 seconds up to 6 hours; after 14 attempts (about 26 hours) a delivery is `failed`. Meanwhile the receiver is probed every 15 seconds with its oldest waiting delivery; a probe it answers 2xx is that delivery’s attempt, and its other waiting deliveries are sent at once. A probe that fails is not an attempt and is not listed.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  request: { params: WebhookParams, query: DeliveryQuery },
  responses: { 200: json(DeliveryList, 'The deliveries.'), ...queryErrors, ...commonErrors, ...notFound },
});

const retry = createRoute({
  method: 'post',
  path: '/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry',
  operationId: 'retryWebhookDelivery',
  tags: ['Webhooks'],
  summary: 'Send a delivery again',
  description:
    'Sends the event again, with the same `webhook-id`, as soon as the delivery worker next looks (within a second): one that failed for good, one waiting out a back-off, or one delivered that the receiver lost. Takes no body. Answers at once (202); follow it in the deliveries list. Recorded in the audit log.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  request: { params: DeliveryParams },
  responses: {
    202: json(Delivery, 'The delivery, due now.'),
    ...commonErrors,
    ...notFound,
    ...conflict('The delivery was cancelled with its webhook (`conflict`).'),
  },
});

export function registerDeliveries(api: OpenAPIHono<AppEnv>) {
  api.openapi(list, async (c) => c.json({ deliveries: await c.get('services').webhooks.deliveries(c.get('principal'), c.req.valid('param').webhookId, c.req.valid('query')) }, 200));
  api.openapi(retry, async (c) => {
    const { webhookId, deliveryId } = c.req.valid('param');
    return c.json(await c.get('services').webhooks.retry(c.get('principal'), webhookId, deliveryId), 202);
  });
}
