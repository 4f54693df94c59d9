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
  request_id: string | null;
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
    event: { id: row.event_id, type: row.type, occurredAt: Number(row.occurred_at), payload: row.payload, requestId: row.request_id },
    createdAt: Number(row.created_at),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: maybe(row.next_attempt_at),
    deliveredAt: maybe(row.delivered_at),
  };
}

/** The advisory lock class under which claims take turns ('vswh' in ASCII). */
const CLAIM_LOCK_CLASS = 0x76737768;

const DELIVERY_COLUMNS = `
  d.id, d.endpoint_id, d.event_id, d.created_at, d.status, d.attempts, d.next_attempt_at, d.delivered_at, e.type, e.occurred_at, e.payload, e.request_id`;
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
          INSERT INTO webhook_events (id, type, occurred_at, payload, request_id)
          VALUES (${event.id}, ${event.type}, ${event.occurredAt}, ${event.payload}, ${event.requestId})
        )
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, created_at, status, next_attempt_at)
        SELECT delivery.id, delivery.endpoint_id, ${event.id}::text, ${event.occurredAt}::bigint, 'pending', ${event.occurredAt}::bigint
        FROM unnest(${ids}::text[], ${endpoints.map((endpoint) => endpoint.id)}::text[]) AS delivery (id, endpoint_id)`;
      return endpoints.length;
    },

    /**
     * As on SQLite. Claims from every node take turns under a transaction-scoped advisory lock, so
     * each counts the leases the others committed and no endpoint gets more than `perEndpoint` in
     * flight however many nodes send; the claim itself is one short statement. SKIP LOCKED passes
     * over a delivery another transaction is writing this moment (a record, a retry) rather than
     * wait for it. Call inside a transaction.
     */
    async claimDue({ now, limit, perEndpoint, owner, leaseUntil }) {
      await sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_CLASS}, 0)`;
      const rows = await sql<(DeliveryRecordRow & { url: string; secret: string })[]>`
        WITH busy AS (
          SELECT endpoint_id, count(*) AS leased FROM webhook_deliveries
          WHERE status = 'pending' AND lease_until > ${now} GROUP BY endpoint_id
        ),
        waiting AS (
          SELECT id, endpoint_id, next_attempt_at,
            row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id COLLATE "C") AS place
          FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})
        ),
        chosen AS (
          SELECT waiting.id, waiting.place FROM waiting LEFT JOIN busy ON busy.endpoint_id = waiting.endpoint_id
          WHERE waiting.place + coalesce(busy.leased, 0) <= ${perEndpoint}
          ORDER BY waiting.place, waiting.next_attempt_at, waiting.id COLLATE "C" LIMIT ${limit}
        ),
        locked AS (
          SELECT d.id, chosen.place FROM webhook_deliveries d JOIN chosen ON chosen.id = d.id
          WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= ${now})
          FOR UPDATE OF d SKIP LOCKED
        ),
        leased AS (
          UPDATE webhook_deliveries d SET lease_owner = ${owner}, lease_until = ${leaseUntil} FROM locked WHERE d.id = locked.id
          RETURNING d.id, d.endpoint_id, d.event_id, d.created_at, d.status, d.attempts, d.next_attempt_at, d.delivered_at, locked.place
        )
        SELECT d.*, e.type, e.occurred_at, e.payload, e.request_id, w.url, w.secret
        FROM leased d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
        ORDER BY d.place, d.next_attempt_at, d.id COLLATE "C"`;
      return rows.map((row): DueDeliveryRow => ({ ...toDelivery(row), url: row.url, secret: row.secret }));
    },
    /**
     * As on SQLite, taking turns with the claims of due deliveries under the same advisory lock: what
     * one claim leased, or an endpoint it probed, the next one sees.
     */
    async claimProbes({ now, limit, owner, leaseUntil, probeAfter }) {
      await sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK_CLASS}, 0)`;
      const rows = await sql<(DeliveryRecordRow & { url: string; secret: string })[]>`
        WITH oldest AS (
          SELECT waiting.id FROM webhook_endpoints w
          CROSS JOIN LATERAL (
            SELECT f.id, f.created_at FROM webhook_deliveries f
            WHERE f.endpoint_id = w.id AND f.status = 'pending' ORDER BY f.created_at, f.id COLLATE "C" LIMIT 1
          ) waiting
          WHERE w.deleted_at IS NULL AND (w.probe_after IS NULL OR w.probe_after <= ${now})
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = w.id AND o.status = 'pending' AND o.next_attempt_at <= ${now})
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = w.id AND o.status = 'pending' AND o.lease_until > ${now})
          ORDER BY waiting.created_at, waiting.id COLLATE "C" LIMIT ${limit}
        ),
        locked AS (
          SELECT d.id FROM webhook_deliveries d JOIN oldest ON oldest.id = d.id
          WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= ${now})
          FOR UPDATE OF d SKIP LOCKED
        ),
        leased AS (
          UPDATE webhook_deliveries d SET lease_owner = ${owner}, lease_until = ${leaseUntil} FROM locked WHERE d.id = locked.id
          RETURNING d.id, d.endpoint_id, d.event_id, d.created_at, d.status, d.attempts, d.next_attempt_at, d.delivered_at
        ),
        deferred AS (UPDATE webhook_endpoints w SET probe_after = ${probeAfter} FROM leased WHERE w.id = leased.endpoint_id)
        SELECT d.*, e.type, e.occurred_at, e.payload, e.request_id, w.url, w.secret
        FROM leased d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
        ORDER BY d.created_at, d.id COLLATE "C"`;
      return rows.map((row): DueDeliveryRow => ({ ...toDelivery(row), url: row.url, secret: row.secret }));
    },
    async release(deliveryId, owner) {
      const result = await sql`UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE id = ${deliveryId} AND lease_owner = ${owner}`;
      return result.count === 1;
    },
    async deferProbe(endpointId, at) {
      await sql`UPDATE webhook_endpoints SET probe_after = ${at} WHERE id = ${endpointId}`;
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
    /** One statement: the attempt is written exactly when this claim still held the delivery. */
    async recordAttempt(deliveryId, owner, attempt, next) {
      const result = await sql`
        WITH settled AS (
          UPDATE webhook_deliveries
          SET attempts = ${attempt.attempt}, status = ${next.status}, next_attempt_at = ${next.nextAttemptAt}, delivered_at = ${next.deliveredAt},
            lease_owner = NULL, lease_until = NULL
          WHERE id = ${deliveryId} AND status = 'pending' AND lease_owner = ${owner} AND attempts = ${attempt.attempt - 1}
          RETURNING id
        )
        INSERT INTO webhook_attempts (delivery_id, attempt, at, duration_ms, status_code, error)
        SELECT id, ${attempt.attempt}::integer, ${attempt.at}::bigint, ${attempt.durationMs}::integer, ${attempt.statusCode}::integer, ${attempt.error}::text FROM settled`;
      return result.count === 1;
    },
    async retry(deliveryId, at) {
      const result = await sql`
        UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ${at}, delivered_at = NULL
        WHERE id = ${deliveryId} AND status IN ('pending', 'failed', 'delivered')`;
      return result.count === 1;
    },
    async bringForward(endpointId, at) {
      const result = await sql`
        UPDATE webhook_deliveries SET next_attempt_at = ${at} WHERE endpoint_id = ${endpointId} AND status = 'pending' AND next_attempt_at > ${at}`;
      return result.count;
    },
  };
}
