import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { WebhookCreated, WebhookCreateRequest } from '../../../contract/webhooks.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, header, json } from '../responses.js';

const route = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  operationId: 'createWebhook',
  tags: ['Webhooks'],
  summary: 'Send events to a URL',
  description: [
    'Registers a receiver for the events named. Every event is POSTed as JSON (`{ type, timestamp, data }`) and signed the Standard Webhooks way: verify it with any Standard Webhooks library and the `secret` in this response, which is shown this once.',
    '',
    'Only `https://` URLs to public addresses: a host that resolves to a loopback, private, link-local, CGNAT, multicast or other internal address is refused (`url_not_allowed`), when the webhook is made and again before every attempt, unless the operator lists it in `VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS`. `http://` goes only to this machine or such a listed receiver, when the service runs with `VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1`. Redirects are not followed, and each attempt has 5 seconds. A receiver that does not answer 2xx is tried again with growing waits for more than a day; see `GET /v1/webhooks/{webhookId}/deliveries`. Recorded in the audit log.',
    '',
    'A webhook belongs to the world of the admin key that makes it: one made with a live key receives live events only, one made with a test key (`vsk_test_…`) test events only (`livemode` on the webhook says which). Each admin key lists, deletes and retries only its own world’s webhooks; another world’s webhook id is 404.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['admin'], worlds: 'own' })] as const,
  request: { body: { content: { 'application/json': { schema: WebhookCreateRequest } }, required: true } },
  responses: {
    201: json(WebhookCreated, 'The webhook, with its signing secret. Store the secret now; it cannot be shown again.', {
      ...header.location,
      ...header.cacheControl,
    }),
    ...bodyErrors,
    ...commonErrors,
  },
});

export function registerCreateWebhook(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const created = await c.get('services').webhooks.create(c.get('principal'), c.req.valid('json'));
    c.header('Location', `/v1/webhooks/${created.id}`);
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  });
}
