import type { Principal } from '../access/api-keys.js';
import type { Delivery, DeliveryQuery, Webhook, WebhookCreated, WebhookCreateRequest } from '../contract/webhooks.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, retryDelivery, type WebhookContext } from './endpoints.js';
import type { DeliveryWorker } from './worker.js';

export type { WebhookContext };
export { deliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './worker.js';
export { checkSubject, recordEvent, type CheckSubject } from './events.js';
export { NOTHING_ALLOWED, parseAllowList, systemResolve, type AllowList, type DestinationPolicy, type Resolve } from './url-policy.js';

/** Webhook endpoints and their deliveries (admin), and the worker that empties the outbox. */
export interface Webhooks {
  create(principal: Principal, request: WebhookCreateRequest): Promise<WebhookCreated>;
  list(): Promise<Webhook[]>;
  delete(principal: Principal, id: string): Promise<Webhook>;
  deliveries(webhookId: string, query: DeliveryQuery): Promise<Delivery[]>;
  retry(principal: Principal, webhookId: string, deliveryId: string): Promise<Delivery>;
  readonly worker: DeliveryWorker;
}

export function createWebhooks(context: WebhookContext, worker: DeliveryWorker): Webhooks {
  return {
    create: (principal, request) => createWebhook(context, principal, request),
    list: () => listWebhooks(context),
    delete: (principal, id) => deleteWebhook(context, principal, id),
    deliveries: (webhookId, query) => listDeliveries(context, webhookId, query),
    retry: (principal, webhookId, deliveryId) => retryDelivery(context, principal, webhookId, deliveryId),
    worker,
  };
}
