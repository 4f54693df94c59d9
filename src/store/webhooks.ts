import type { Database } from 'better-sqlite3';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
  createdAt: number;
  createdBy: string;
  /** The world of the key that made it: it receives that world's events only. */
  livemode: boolean;
  deletedAt: number | null;
}

export interface WebhookEventRow {
  id: string;
  type: string;
  occurredAt: number;
  /** The body exactly as it is sent and signed. */
  payload: string;
  /** The request that caused it (sent as X-Request-Id), or null for background work (an expired hold). */
  requestId: string | null;
}

export interface AttemptRow {
  attempt: number;
  at: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  event: WebhookEventRow;
  createdAt: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

/** Who claims deliveries, for how long, and how many. */
export interface DeliveryClaim {
  now: number;
  /** Deliveries to lease at most. */
  limit: number;
  /** Deliveries in flight to one endpoint at most, this claim's and every other sender's together. */
  perEndpoint: number;
  /** Names this claim: only it may record the attempts of what it leased. */
  owner: string;
  leaseUntil: number;
}

/** Who claims probes, for how long, and when the endpoints probed may be probed again. */
export interface ProbeClaim {
  now: number;
  /** Endpoints to probe at most. */
  limit: number;
  /** Names this claim: only it may record the attempt of, or release, what it leased. */
  owner: string;
  leaseUntil: number;
  /** When an endpoint probed now may be probed again, whatever the probe's answer. */
  probeAfter: number;
}

/** A delivery that is due, with what it takes to send it. */
export interface DueDeliveryRow extends DeliveryRow {
  url: string;
  secret: string;
}

interface EndpointRecordRow {
  id: string;
  url: string;
  events: string;
  description: string | null;
  secret: string;
  created_at: number;
  created_by: string;
  livemode: number;
  deleted_at: number | null;
}

interface DeliveryRecordRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  created_at: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  delivered_at: number | null;
  type: string;
  occurred_at: number;
  payload: string;
  request_id: string | null;
}

function toEndpoint(row: EndpointRecordRow): WebhookEndpointRow {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events),
    description: row.description,
    secret: row.secret,
    createdAt: row.created_at,
    createdBy: row.created_by,
    livemode: row.livemode === 1,
    deletedAt: row.deleted_at,
  };
}

function toDelivery(row: DeliveryRecordRow): DeliveryRow {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    event: { id: row.event_id, type: row.type, occurredAt: row.occurred_at, payload: row.payload, requestId: row.request_id },
    createdAt: row.created_at,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
  };
}

export type WebhooksRepository = ReturnType<typeof webhooksRepository>;

export function webhooksRepository(db: Database) {
  const insertEndpoint = db.prepare(`
    INSERT INTO webhook_endpoints (id, url, events, description, secret, created_at, created_by, livemode)
    VALUES (@id, @url, @events, @description, @secret, @createdAt, @createdBy, @livemode)
  `);
  const endpointById = db.prepare<[string], EndpointRecordRow>('SELECT * FROM webhook_endpoints WHERE id = ?');
  const activeEndpoints = db.prepare<[number], EndpointRecordRow>(
    'SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL AND livemode = ? ORDER BY created_at, id',
  );
  const deleteEndpoint = db.prepare<[number, string]>('UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
  const cancelPending = db.prepare<[string]>(
    "UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE endpoint_id = ? AND status = 'pending'",
  );
  const subscribers = db.prepare<[number, string], { id: string }>(`
    SELECT id FROM webhook_endpoints
    WHERE deleted_at IS NULL AND livemode = ? AND EXISTS (SELECT 1 FROM json_each(events) WHERE value = ?)
    ORDER BY id
  `);
  const insertEvent = db.prepare(
    'INSERT INTO webhook_events (id, type, occurred_at, payload, request_id) VALUES (@id, @type, @occurredAt, @payload, @requestId)',
  );
  const insertDelivery = db.prepare(`
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id, created_at, status, next_attempt_at)
    VALUES (@id, @endpointId, @eventId, @createdAt, 'pending', @createdAt)
  `);

  const deliveryColumns = `
    SELECT d.*, e.type, e.occurred_at, e.payload, e.request_id FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
  `;
  // Round robin over endpoints: every endpoint's longest-waiting delivery before any endpoint's
  // second, and none past `perEndpoint` leased at once, counting those already in flight. A
  // receiver that hangs holds at most its own few; everyone else's go out beside it.
  const due = db.prepare<{ now: number; perEndpoint: number; limit: number }, { id: string }>(`
    WITH busy AS (
      SELECT endpoint_id, count(*) AS leased FROM webhook_deliveries
      WHERE status = 'pending' AND lease_until > @now GROUP BY endpoint_id
    ),
    waiting AS (
      SELECT id, endpoint_id, next_attempt_at, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS place
      FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
    )
    SELECT waiting.id FROM waiting LEFT JOIN busy ON busy.endpoint_id = waiting.endpoint_id
    WHERE waiting.place + coalesce(busy.leased, 0) <= @perEndpoint
    ORDER BY waiting.place, waiting.next_attempt_at, waiting.id LIMIT @limit
  `);
  // Endpoints that answered nothing lately: deliveries to them wait out a back-off, none is due or in
  // flight, and their time to be probed has come. Each one's oldest waiting delivery, oldest first.
  // Endpoint by endpoint, so a long backlog is read once per endpoint, not once per delivery.
  const probes = db.prepare<{ now: number; limit: number }, { id: string; endpoint_id: string }>(`
    SELECT d.id, d.endpoint_id FROM webhook_endpoints w
    JOIN webhook_deliveries d ON d.id = (
      SELECT f.id FROM webhook_deliveries f WHERE f.endpoint_id = w.id AND f.status = 'pending' ORDER BY f.created_at, f.id LIMIT 1
    )
    WHERE w.deleted_at IS NULL AND (w.probe_after IS NULL OR w.probe_after <= @now)
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = w.id AND o.status = 'pending' AND o.next_attempt_at <= @now)
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = w.id AND o.status = 'pending' AND o.lease_until > @now)
    ORDER BY d.created_at, d.id LIMIT @limit
  `);
  const deferProbe = db.prepare<[number, string]>('UPDATE webhook_endpoints SET probe_after = ? WHERE id = ?');
  const release = db.prepare<[string, string]>('UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?');
  const lease = db.prepare<{ id: string; owner: string; leaseUntil: number }>('UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @leaseUntil WHERE id = @id');
  const leased = db.prepare<[string], DeliveryRecordRow & { url: string; secret: string }>(`
    SELECT d.*, e.type, e.occurred_at, e.payload, e.request_id, w.url, w.secret
    FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhook_endpoints w ON w.id = d.endpoint_id
    WHERE d.id = ?
  `);
  const deliveryById = db.prepare<[string, string], DeliveryRecordRow>(`${deliveryColumns} WHERE d.id = ? AND d.endpoint_id = ?`);
  // `+@status`: planned once, not at every binding (see byTransaction in checks.ts).
  const deliveriesOf = db.prepare<{ endpointId: string; status: DeliveryStatus | null; limit: number }, DeliveryRecordRow>(`
    ${deliveryColumns} WHERE d.endpoint_id = @endpointId AND (@status IS NULL OR d.status = +@status)
    ORDER BY d.created_at DESC, d.id DESC LIMIT @limit
  `);
  const attemptsOf = db.prepare<[string], { attempt: number; at: number; duration_ms: number; status_code: number | null; error: string | null }>(
    'SELECT attempt, at, duration_ms, status_code, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt',
  );
  const insertAttempt = db.prepare(`
    INSERT INTO webhook_attempts (delivery_id, attempt, at, duration_ms, status_code, error)
    VALUES (@deliveryId, @attempt, @at, @durationMs, @statusCode, @error)
  `);
  const settle = db.prepare(`
    UPDATE webhook_deliveries
    SET attempts = @attempt, status = @status, next_attempt_at = @nextAttemptAt, delivered_at = @deliveredAt, lease_owner = NULL, lease_until = NULL
    WHERE id = @deliveryId AND status = 'pending' AND lease_owner = @owner AND attempts = @attempt - 1
  `);
  const retry = db.prepare<[number, string]>(`
    UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, delivered_at = NULL WHERE id = ? AND status IN ('pending', 'failed', 'delivered')
  `);
  const bringForward = db.prepare<[number, string, number]>(`
    UPDATE webhook_deliveries SET next_attempt_at = ? WHERE endpoint_id = ? AND status = 'pending' AND next_attempt_at > ?
  `);

  return {
    insertEndpoint(endpoint: Omit<WebhookEndpointRow, 'deletedAt'>): void {
      insertEndpoint.run({ ...endpoint, events: JSON.stringify(endpoint.events), livemode: endpoint.livemode ? 1 : 0 });
    },
    findEndpoint(id: string): WebhookEndpointRow | undefined {
      const row = endpointById.get(id);
      return row && toEndpoint(row);
    },
    /** The endpoints of one world, oldest first. */
    activeEndpoints: (livemode: boolean) => activeEndpoints.all(livemode ? 1 : 0).map(toEndpoint),
    /** Deletes an endpoint and cancels what was still waiting to reach it; false if it was already gone. */
    deleteEndpoint(id: string, at: number): boolean {
      if (deleteEndpoint.run(at, id).changes === 0) return false;
      cancelPending.run(id);
      return true;
    },

    /**
     * The outbox: writes the event and one delivery for each endpoint of its world that wants it, due
     * at once. Call inside the transaction of the change that caused it. An event nobody wants is not kept.
     */
    enqueue(event: WebhookEventRow, livemode: boolean, deliveryId: () => string): number {
      const endpoints = subscribers.all(livemode ? 1 : 0, event.type);
      if (endpoints.length === 0) return 0;
      insertEvent.run(event);
      for (const { id } of endpoints) insertDelivery.run({ id: deliveryId(), endpointId: id, eventId: event.id, createdAt: event.occurredAt });
      return endpoints.length;
    },

    /**
     * Leases up to `limit` deliveries due by `now` to the claim `owner` until `leaseUntil`, at most
     * `perEndpoint` in flight per endpoint (those already leased count), each endpoint's longest
     * waiting first and the endpoints taken in turn. A leased delivery is nobody else's until its
     * lease runs out: only `owner` may record its attempt, and a sender that died is given up then.
     * Call inside a transaction.
     */
    claimDue(claim: DeliveryClaim): DueDeliveryRow[] {
      const ids = due.all(claim).map((row) => row.id);
      for (const id of ids) lease.run({ id, owner: claim.owner, leaseUntil: claim.leaseUntil });
      return ids.map((id) => {
        const row = leased.get(id)!;
        return { ...toDelivery(row), url: row.url, secret: row.secret };
      });
    },
    /**
     * Leases, to probe it, the oldest waiting delivery of up to `limit` endpoints that have deliveries
     * waiting out a back-off and none due or in flight, and whose `probeAfter` has passed; each is
     * not probed again before the claim's `probeAfter`. A probe answered is recorded as the
     * delivery's attempt (recordAttempt); one that fails is released, no attempt. Call inside a transaction.
     */
    claimProbes(claim: ProbeClaim): DueDeliveryRow[] {
      const chosen = probes.all(claim);
      for (const { id, endpoint_id } of chosen) {
        lease.run({ id, owner: claim.owner, leaseUntil: claim.leaseUntil });
        deferProbe.run(claim.probeAfter, endpoint_id);
      }
      return chosen.map(({ id }) => {
        const row = leased.get(id)!;
        return { ...toDelivery(row), url: row.url, secret: row.secret };
      });
    },
    /** Ends the claim `owner`'s lease of a delivery with no attempt recorded: a probe that failed. False if it no longer held it. */
    release: (deliveryId: string, owner: string) => release.run(deliveryId, owner).changes === 1,
    /** Keeps an endpoint from being probed before `at`: it has just failed to answer. */
    deferProbe(endpointId: string, at: number): void {
      deferProbe.run(at, endpointId);
    },
    findDelivery(endpointId: string, deliveryId: string): DeliveryRow | undefined {
      const row = deliveryById.get(deliveryId, endpointId);
      return row && toDelivery(row);
    },
    deliveries(endpointId: string, filter: { status: DeliveryStatus | null; limit: number }): DeliveryRow[] {
      return deliveriesOf.all({ endpointId, ...filter }).map(toDelivery);
    },
    attempts(deliveryId: string): AttemptRow[] {
      return attemptsOf.all(deliveryId).map((row) => ({
        attempt: row.attempt,
        at: row.at,
        durationMs: row.duration_ms,
        statusCode: row.status_code,
        error: row.error,
      }));
    },
    /**
     * Records an attempt and where the delivery now stands, and ends the lease. False, and nothing
     * written, unless the claim `owner` still holds it: its endpoint was deleted, or the lease ran out
     * and another sender claimed it.
     */
    recordAttempt(
      deliveryId: string,
      owner: string,
      attempt: AttemptRow,
      next: { status: Exclude<DeliveryStatus, 'cancelled'>; nextAttemptAt: number | null; deliveredAt: number | null },
    ): boolean {
      if (settle.run({ deliveryId, owner, attempt: attempt.attempt, ...next }).changes === 0) return false;
      insertAttempt.run({ deliveryId, ...attempt });
      return true;
    },
    /** Makes a pending, failed or delivered delivery due at `at` (a receiver may have lost one it took); false for one cancelled. */
    retry: (deliveryId: string, at: number) => retry.run(at, deliveryId).changes === 1,
    /**
     * Makes every delivery waiting out a back-off to this endpoint due at `at`: it has just answered.
     * One in flight is due already (its lease, not its due time, keeps others off it), so it is left be.
     */
    bringForward: (endpointId: string, at: number) => bringForward.run(at, endpointId, at).changes,
  };
}
