import { randomBytes } from 'node:crypto';
import type { Principal } from '../access/api-keys.js';
import type { Delivery, DeliveryQuery, Webhook, WebhookCreated, WebhookCreateRequest } from '../contract/webhooks.js';
import { DomainError, invalidField } from '../errors.js';
import { newId } from '../sortable-id.js';
import type { Store, WebhookEndpointRow } from '../store/index.js';
import { toDelivery, toWebhook } from './records.js';
import { urlProblem } from './url-policy.js';

export interface WebhookContext {
  readonly store: Store;
  readonly clock: () => number;
  /** `http://` to this machine is allowed too (VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1). */
  readonly allowHttp: boolean;
}

/** 24 random bytes, base64, behind `whsec_`: the form every Standard Webhooks library reads. */
function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function findEndpoint(context: WebhookContext, id: string): WebhookEndpointRow {
  const endpoint = context.store.webhooks.findEndpoint(id);
  if (!endpoint || endpoint.deletedAt !== null) throw new DomainError('not_found', `No webhook ${id}`);
  return endpoint;
}

/** Makes a webhook endpoint and audits it. The secret is returned this once; it is never shown again. */
export function createWebhook(context: WebhookContext, principal: Principal, request: WebhookCreateRequest): WebhookCreated {
  const problem = urlProblem(request.url, context.allowHttp);
  if (problem) throw invalidField('url', 'url_not_allowed', problem);
  const now = context.clock();
  const row: Omit<WebhookEndpointRow, 'deletedAt'> = {
    id: newId('whk', now),
    url: request.url,
    events: request.events,
    description: request.description ?? null,
    secret: generateSecret(),
    createdAt: now,
    createdBy: principal.keyId,
  };
  context.store.transaction(() => {
    context.store.webhooks.insertEndpoint(row);
    context.store.audit.append({ at: now, actor: principal.keyId, action: 'webhook.created', subject: row.id, detail: { url: row.url, events: row.events } });
  });
  return { ...toWebhook({ ...row, deletedAt: null }), secret: row.secret };
}

export function listWebhooks(context: WebhookContext): Webhook[] {
  return context.store.webhooks.activeEndpoints().map(toWebhook);
}

/** Deletes a webhook: nothing more is sent to it, and what was waiting is cancelled. Audited. */
export function deleteWebhook(context: WebhookContext, principal: Principal, id: string): Webhook {
  const now = context.clock();
  return context.store.transaction(() => {
    const endpoint = findEndpoint(context, id);
    context.store.webhooks.deleteEndpoint(id, now);
    context.store.audit.append({ at: now, actor: principal.keyId, action: 'webhook.deleted', subject: id, detail: { url: endpoint.url } });
    return toWebhook({ ...endpoint, deletedAt: now });
  });
}

export function listDeliveries(context: WebhookContext, webhookId: string, query: DeliveryQuery): Delivery[] {
  findEndpoint(context, webhookId);
  return context.store.webhooks
    .deliveries(webhookId, { status: query.status ?? null, limit: query.limit })
    .map((row) => toDelivery(row, context.store.webhooks.attempts(row.id)));
}

/**
 * Sends a delivery again, with the same `webhook-id`, as soon as the worker next looks: one that
 * failed for good, one still waiting out a back-off, or one delivered that the receiver lost.
 */
export function retryDelivery(context: WebhookContext, principal: Principal, webhookId: string, deliveryId: string): Delivery {
  const now = context.clock();
  return context.store.transaction(() => {
    findEndpoint(context, webhookId);
    const delivery = context.store.webhooks.findDelivery(webhookId, deliveryId);
    if (!delivery) throw new DomainError('not_found', `No delivery ${deliveryId} for webhook ${webhookId}`);
    if (!context.store.webhooks.retry(deliveryId, now)) throw new DomainError('conflict', `Delivery ${deliveryId} was cancelled`);
    context.store.audit.append({ at: now, actor: principal.keyId, action: 'webhook.delivery_retried', subject: deliveryId, detail: { webhookId, eventId: delivery.event.id } });
    return toDelivery(context.store.webhooks.findDelivery(webhookId, deliveryId)!, context.store.webhooks.attempts(deliveryId));
  });
}
