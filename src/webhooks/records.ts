import type { Delivery, Webhook, WebhookEvent, WebhookEventType } from '../contract/webhooks.js';
import type { AttemptRow, DeliveryRow, WebhookEndpointRow } from '../store/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function toWebhook(row: WebhookEndpointRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    description: row.description,
    livemode: row.livemode,
    createdAt: iso(row.createdAt),
    deletedAt: row.deletedAt === null ? null : iso(row.deletedAt),
  };
}

export function toDelivery(row: DeliveryRow, attempts: AttemptRow[]): Delivery {
  return {
    id: row.id,
    webhookId: row.endpointId,
    eventId: row.event.id,
    eventType: row.event.type as WebhookEventType,
    status: row.status,
    createdAt: iso(row.createdAt),
    nextAttemptAt: row.nextAttemptAt === null ? null : iso(row.nextAttemptAt),
    deliveredAt: row.deliveredAt === null ? null : iso(row.deliveredAt),
    attempts: attempts.map((attempt) => ({ ...attempt, at: iso(attempt.at) })),
    event: JSON.parse(row.event.payload) as WebhookEvent,
  };
}
