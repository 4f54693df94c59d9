import { z } from 'zod';
import { DeliveryId, WebhookId } from '../../../contract/webhooks.js';

export const WebhookParams = z.object({
  webhookId: WebhookId.meta({ param: { name: 'webhookId', in: 'path' } }),
});

export const DeliveryParams = WebhookParams.extend({
  deliveryId: DeliveryId.meta({ param: { name: 'deliveryId', in: 'path' } }),
});
