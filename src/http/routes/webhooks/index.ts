import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { registerCreateWebhook } from './create.js';
import { registerDeleteWebhook } from './delete.js';
import { registerDeliveries } from './deliveries.js';
import { registerWebhookEvents } from './events.js';
import { registerListWebhooks } from './list.js';

export function registerWebhooks(api: OpenAPIHono<AppEnv>) {
  registerCreateWebhook(api);
  registerListWebhooks(api);
  registerDeleteWebhook(api);
  registerDeliveries(api);
  registerWebhookEvents(api);
}
