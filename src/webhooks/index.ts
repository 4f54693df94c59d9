import type { Principal } from '../access/api-keys.js';
import type { Delivery, DeliveryQuery, Webhook, WebhookCreated, WebhookCreateRequest } from '../contract/webhooks.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, retryDelivery, type WebhookContext } from './endpoints.js';
import type { DeliveryWorker } from './worker.js';

export type { WebhookContext };
export { deliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './worker.js';
export { checkSubject, recordEvent, type CheckSubject } from './events.js';
export { NOTHING_ALLOWED, parseAllowList, systemResolve, type AllowList, type DestinationPolicy, type Resolve } from './url-policy.js';

/** Webhook endpoints and their deliveries (admin, each key in its own world), and the worker that empties the outbox. */
export interface Webhooks {
  create(principal: Principal, request: WebhookCreateRequest): Promise<WebhookCreated>;
  list(principal: Principal): Promise<Webhook[]>;
  delete(principal: Principal, id: string): Promise<Webhook>;
  deliveries(principal: Principal, webhookId: string, query: DeliveryQuery): Promise<Delivery[]>;
  retry(principal: Principal, webhookId: string, deliveryId: string): Promise<Delivery>;
  readonly worker: DeliveryWorker;
}

export function createWebhooks(context: WebhookContext, worker: DeliveryWorker): Webhooks {
  return {
    create: (principal, request) => createWebhook(context, principal, request),
    list: (principal) => listWebhooks(context, principal),
    delete: (principal, id) => deleteWebhook(context, principal, id),
    deliveries: (principal, webhookId, query) => listDeliveries(context, principal, webhookId, query),
    retry: (principal, webhookId, deliveryId) => retryDelivery(context, principal, webhookId, deliveryId),
    worker,
  };
}
