import { randomBytes } from 'node:crypto';
import type { Principal } from '../access/api-keys.js';
import { inWorldOf } from '../access/mode-scope.js';
import type { Delivery, DeliveryQuery, Webhook, WebhookCreated, WebhookCreateRequest } from '../contract/webhooks.js';
import { DomainError, invalidField } from '../errors.js';
import { newId } from '../sortable-id.js';
import type { Repositories, Store, WebhookEndpointRow } from '../store/index.js';
import { toDelivery, toWebhook } from './records.js';
import { checkDestination, type DestinationPolicy } from './url-policy.js';

export interface WebhookContext {
  readonly store: Store;
  readonly clock: () => number;
  /** Where webhooks may go (VOUCHSAFE_WEBHOOKS_ALLOW_HTTP, VOUCHSAFE_WEBHOOKS_ALLOW_HOSTS). */
  readonly policy: DestinationPolicy;
}

/** 24 random bytes, base64, behind `whsec_`: the form every Standard Webhooks library reads. */
function generateSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** An endpoint of the key's world; one of the other world is missing, so its existence does not leak. */
async function findEndpoint(store: Repositories, principal: Principal, id: string): Promise<WebhookEndpointRow> {
  const endpoint = await store.webhooks.findEndpoint(id);
  if (!endpoint || endpoint.deletedAt !== null || !inWorldOf(principal, endpoint)) throw new DomainError('not_found', `No webhook ${id}`);
  return endpoint;
}

/**
 * Makes a webhook endpoint in the key's world, and audits it: a test admin's endpoint receives test
 * events only, a live admin's live events only. The secret is returned this once; it is never shown again.
 */
export async function createWebhook(context: WebhookContext, principal: Principal, request: WebhookCreateRequest): Promise<WebhookCreated> {
  const checked = await checkDestination(request.url, context.policy);
  if ('problem' in checked) throw invalidField('url', 'url_not_allowed', checked.problem);
  const now = context.clock();
  const row: Omit<WebhookEndpointRow, 'deletedAt'> = {
    id: newId('whk', now),
    url: request.url,
    events: request.events,
    description: request.description ?? null,
    secret: generateSecret(),
    createdAt: now,
    createdBy: principal.keyId,
    livemode: principal.livemode,
  };
  await context.store.transaction(async (tx) => {
    await tx.webhooks.insertEndpoint(row);
    await tx.audit.append({ at: now, actor: principal.keyId, action: 'webhook.created', subject: row.id, detail: { url: row.url, events: row.events } });
  });
  return { ...toWebhook({ ...row, deletedAt: null }), secret: row.secret };
}

export async function listWebhooks(context: WebhookContext, principal: Principal): Promise<Webhook[]> {
  return (await context.store.webhooks.activeEndpoints(principal.livemode)).map(toWebhook);
}

/** Deletes a webhook: nothing more is sent to it, and what was waiting is cancelled. Audited. */
export async function deleteWebhook(context: WebhookContext, principal: Principal, id: string): Promise<Webhook> {
  const now = context.clock();
  return context.store.transaction(async (tx) => {
    const endpoint = await findEndpoint(tx, principal, id);
    await tx.webhooks.deleteEndpoint(id, now);
    await tx.audit.append({ at: now, actor: principal.keyId, action: 'webhook.deleted', subject: id, detail: { url: endpoint.url } });
    return toWebhook({ ...endpoint, deletedAt: now });
  });
}

export async function listDeliveries(context: WebhookContext, principal: Principal, webhookId: string, query: DeliveryQuery): Promise<Delivery[]> {
  const { store } = context;
  await findEndpoint(store, principal, webhookId);
  const rows = await store.webhooks.deliveries(webhookId, { status: query.status ?? null, limit: query.limit });
  return Promise.all(rows.map(async (row) => toDelivery(row, await store.webhooks.attempts(row.id))));
}

/**
 * Sends a delivery again, with the same `webhook-id`, as soon as the worker next looks: one that
 * failed for good, one still waiting out a back-off, or one delivered that the receiver lost.
 */
export async function retryDelivery(context: WebhookContext, principal: Principal, webhookId: string, deliveryId: string): Promise<Delivery> {
  const now = context.clock();
  return context.store.transaction(async (tx) => {
    await findEndpoint(tx, principal, webhookId);
    const delivery = await tx.webhooks.findDelivery(webhookId, deliveryId);
    if (!delivery) throw new DomainError('not_found', `No delivery ${deliveryId} for webhook ${webhookId}`);
    if (!(await tx.webhooks.retry(deliveryId, now))) throw new DomainError('conflict', `Delivery ${deliveryId} was cancelled`);
    await tx.audit.append({ at: now, actor: principal.keyId, action: 'webhook.delivery_retried', subject: deliveryId, detail: { webhookId, eventId: delivery.event.id } });
    return toDelivery((await tx.webhooks.findDelivery(webhookId, deliveryId))!, await tx.webhooks.attempts(deliveryId));
  });
}
