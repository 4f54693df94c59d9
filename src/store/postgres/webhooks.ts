import type { Port } from '../port.js';
import type { DeliveryRow, DeliveryStatus, DueDeliveryRow, WebhookEndpointRow, WebhooksRepository } from '../webhooks.js';
import { json, type Queryable } from './sql.js';

/** bigint arrives as text: epoch-ms times stay well inside 2^53. */
type Numeric = string | number | bigint;

interface EndpointRecordRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
  created_at: Numeric;
  created_by: string;
  livemode: boolean;
  deleted_at: Numeric | null;
}

interface DeliveryRecordRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  created_at: Numeric;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Numeric | null;
  delivered_at: Numeric | null;
  type: string;
  occurred_at: Numeric;
  payload: string;
}

const maybe = (value: Numeric | null) => (value === null ? null : Number(value));

function toEndpoint(row: EndpointRecordRow): WebhookEndpointRow {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    secret: row.secret,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    livemode: row.livemode,
    deletedAt: maybe(row.deleted_at),
  };
}

function toDelivery(row: DeliveryRecordRow): DeliveryRow {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    event: { id: row.event_id, type: row.type, occurredAt: Number(row.occurred_at), payload: row.payload },
    createdAt: Number(row.created_at),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: maybe(row.next_attempt_at),
    deliveredAt: maybe(row.delivered_at),
  };
}

const DELIVERY_COLUMNS = `
  d.id, d.endpoint_id, d.event_id, d.created_at, d.status, d.attempts, d.next_attempt_at, d.delivered_at, e.type, e.occurred_at, e.payload`;
const DELIVERIES = `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id`;

/** The PostgreSQL outbox: the calls of SQLite's store/webhooks.ts, answering alike, with any number of nodes sending. */
export function webhooksRepository(sql: Queryable): Port<WebhooksRepository> {
  return {
    async insertEndpoint(endpoint) {
      await sql`
        INSERT INTO webhook_endpoints (id, url, events, description, secret, created_at, created_by, livemode)
        VALUES (${endpoint.id}, ${endpoint.url}, ${json(endpoint.events)}::jsonb, ${endpoint.description}, ${endpoint.secret},
          ${endpoint.createdAt}, ${endpoint.createdBy}, ${endpoint.livemode})`;
    },
    async findEndpoint(id) {
      const [row] = await sql<EndpointRecordRow[]>`SELECT * FROM webhook_endpoints WHERE id = ${id}`;
      return row && toEndpoint(row);
    },
    async activeEndpoints(livemode) {
      const rows = await sql<EndpointRecordRow[]>`
        SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL AND livemode = ${livemode} ORDER BY created_at, id COLLATE "C"`;
      return rows.map(toEndpoint);
    },
    /** One statement, so the endpoint never goes without what was waiting for it being cancelled too. */
    async deleteEndpoint(id, at) {
      const [row] = await sql<{ deleted: boolean }[]>`
        WITH deleted AS (UPDATE webhook_endpoints SET deleted_at = ${at} WHERE id = ${id} AND deleted_at IS NULL RETURNING id),
          cancelled AS (
            UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL
            WHERE endpoint_id IN (SELECT id FROM deleted) AND status = 'pending'
          )
        SELECT EXISTS (SELECT 1 FROM deleted) AS deleted`;
      return row!.deleted;
    },

    async enqueue(event, livemode, deliveryId) {
      const endpoints = await sql<{ id: string }[]>`
        SELECT id FROM webhook_endpoints
        WHERE deleted_at IS NULL AND livemode = ${livemode} AND events @> jsonb_build_array(${event.type}::text) ORDER BY id COLLATE "C"`;
      if (endpoints.length === 0) return 0;
      const ids = endpoints.map(() => deliveryId());
      await sql`
        WITH event AS (
          INSERT INTO webhook_events (id, type, occurred_at, payload) VALUES (${event.id}, ${event.type}, ${event.occurredAt}, ${event.payload})
        )
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, created_at, status, next_attempt_at)
        SELECT delivery.id, delivery.endpoint_id, ${event.id}::text, ${event.occurredAt}::bigint, 'pending', ${event.occurredAt}::bigint
        FROM unnest(${ids}::text[], ${endpoints.map((endpoint) => endpoint.id)}::text[]) AS delivery (id, endpoint_id)`;
      return endpoints.length;
    },

    /**
     * Takes up to `limit` due deliveries, longest waiting first, and leases them until `leaseUntil`, in
     * one statement. SKIP LOCKED passes over deliveries another node is claiming at this moment, and a
     * delivery another node has just leased no longer matches once its lease is seen, so no two
     * senders get the same delivery and none waits behind another's claim.
     */
    async claimDue(now, limit, leaseUntil) {
      const rows = await sql<(DeliveryRecordRow & { url: string; secret: string })[]>`
        WITH due AS (
          SELECT id, next_attempt_at FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at, id COLLATE "C" LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ),
        leased AS (
          UPDATE webhook_deliveries d SET next_attempt_at = ${leaseUntil} FROM due WHERE d.id = due.id
          RETURNING d.id, d.endpoint_id, d.event_id, d.created_at, d.status, d.attempts, due.next_attempt_at, d.delivered_at
        )
        SELECT d.*, e.type, e.occurred_at, e.payload, w.url, w.secret
        FROM leased d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
        ORDER BY d.next_attempt_at, d.id COLLATE "C"`;
      return rows.map((row): DueDeliveryRow => ({ ...toDelivery(row), url: row.url, secret: row.secret }));
    },
    async nextDueAt() {
      const [row] = await sql<{ at: Numeric | null }[]>`SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'`;
      return maybe(row!.at);
    },
    async findDelivery(endpointId, deliveryId) {
      const [row] = await sql<DeliveryRecordRow[]>`${sql.unsafe(DELIVERIES)} WHERE d.id = ${deliveryId} AND d.endpoint_id = ${endpointId}`;
      return row && toDelivery(row);
    },
    async deliveries(endpointId, { status, limit }) {
      const rows = await sql<DeliveryRecordRow[]>`
        ${sql.unsafe(DELIVERIES)} WHERE d.endpoint_id = ${endpointId} AND (${status}::text IS NULL OR d.status = ${status}::text)
        ORDER BY d.created_at DESC, d.id COLLATE "C" DESC LIMIT ${limit}`;
      return rows.map(toDelivery);
    },
    async attempts(deliveryId) {
      const rows = await sql<{ attempt: number; at: Numeric; duration_ms: number; status_code: number | null; error: string | null }[]>`
        SELECT attempt, at, duration_ms, status_code, error FROM webhook_attempts WHERE delivery_id = ${deliveryId} ORDER BY attempt`;
      return rows.map((row) => ({ attempt: row.attempt, at: Number(row.at), durationMs: row.duration_ms, statusCode: row.status_code, error: row.error }));
    },
    /** One statement: the attempt is written exactly when the delivery was still where this attempt left it. */
    async recordAttempt(deliveryId, attempt, next) {
      const result = await sql`
        WITH settled AS (
          UPDATE webhook_deliveries
          SET attempts = ${attempt.attempt}, status = ${next.status}, next_attempt_at = ${next.nextAttemptAt}, delivered_at = ${next.deliveredAt}
          WHERE id = ${deliveryId} AND status = 'pending' AND attempts = ${attempt.attempt - 1}
          RETURNING id
        )
        INSERT INTO webhook_attempts (delivery_id, attempt, at, duration_ms, status_code, error)
        SELECT id, ${attempt.attempt}::integer, ${attempt.at}::bigint, ${attempt.durationMs}::integer, ${attempt.statusCode}::integer, ${attempt.error}::text FROM settled`;
      return result.count === 1;
    },
    async retry(deliveryId, at) {
      const result = await sql`
        UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ${at} WHERE id = ${deliveryId} AND status IN ('pending', 'failed')`;
      return result.count === 1;
    },
    async bringForward(endpointId, at) {
      const result = await sql`
        UPDATE webhook_deliveries SET next_attempt_at = ${at} WHERE endpoint_id = ${endpointId} AND status = 'pending' AND next_attempt_at > ${at}`;
      return result.count;
    },
  };
}
