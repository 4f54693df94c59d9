import type { Logger } from '../log.js';
import type { DueDeliveryRow, Store } from '../store/index.js';
import { MAX_ATTEMPTS, retryDelay } from './schedule.js';
import { sendEvent } from './send.js';

/** How long past an attempt's timeout its lease lasts: time to record it. */
const LEASE_MARGIN_MS = 30_000;

export interface DeliveryWorkerOptions {
  store: Store;
  clock: () => number;
  logger: Logger;
  allowHttp: boolean;
  /** Per attempt, the whole exchange. */
  timeoutMs?: number;
  /** How often the background loop looks for deliveries that are due. */
  pollMs?: number;
  /** Attempts in flight at once: one dead receiver must not hold up the others. */
  concurrency?: number;
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  /** Told of every attempt recorded, for the metrics. */
  onAttempt?: (result: 'delivered' | 'retrying' | 'failed') => void;
}

export interface DeliveryWorker {
  /** Starts whatever is due now (up to the concurrency) and resolves when those attempts are recorded. Returns how many it started. */
  deliverDue(): Promise<number>;
  /** Looks for due deliveries every `pollMs`, in the background, until stopped. */
  start(): void;
  /** Stops looking and waits for the attempts in flight to be recorded. */
  stop(): Promise<void>;
}

/**
 * Sends the outbox. Every attempt is recorded with its result; a failure is tried again later with
 * growing waits, for more than a day, then given up as `failed`. Nothing of this runs on a till's
 * request: the outbox is filled in the request's transaction, and emptied here.
 */
export function deliveryWorker({
  store,
  clock,
  logger,
  allowHttp,
  timeoutMs = 5_000,
  pollMs = 250,
  concurrency = 8,
  fetch = globalThis.fetch,
  random = Math.random,
  onAttempt = () => {},
}: DeliveryWorkerOptions): DeliveryWorker {
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function attempt(delivery: DueDeliveryRow): Promise<void> {
    const number = delivery.attempts + 1;
    const at = clock();
    const result = await sendEvent(
      { url: delivery.url, secret: delivery.secret, eventId: delivery.event.id, payload: delivery.event.payload },
      { allowHttp, timeoutMs, fetch },
    );
    const now = clock();
    const next = result.ok
      ? { status: 'delivered' as const, nextAttemptAt: null, deliveredAt: now }
      : number >= MAX_ATTEMPTS
        ? { status: 'failed' as const, nextAttemptAt: null, deliveredAt: null }
        : { status: 'pending' as const, nextAttemptAt: now + retryDelay(number, random), deliveredAt: null };
    const recorded = await store.transaction(async (tx) => {
      const written = await tx.webhooks.recordAttempt(
        delivery.id,
        { attempt: number, at, durationMs: result.durationMs, statusCode: result.statusCode, error: result.error },
        next,
      );
      // The receiver is back: what waited out a back-off for it need not wait any longer.
      if (written && result.ok) await tx.webhooks.bringForward(delivery.endpointId, now);
      return written;
    });
    if (recorded) onAttempt(next.status === 'pending' ? 'retrying' : next.status);
    if (!result.ok) logger.warn('webhook delivery failed', { deliveryId: delivery.id, eventId: delivery.event.id, attempt: number, error: result.error, ...next });
  }

  async function dispatch(): Promise<Promise<void>[]> {
    const room = concurrency - inFlight.size;
    if (room <= 0) return [];
    const now = clock();
    // Claimed under a lease longer than an attempt: another node leaves these alone meanwhile.
    const due = await store.transaction((tx) => tx.webhooks.claimDue(now, room, now + timeoutMs + LEASE_MARGIN_MS));
    return due.map((delivery) => {
      const work = attempt(delivery)
        .catch((error: unknown) => logger.error('webhook delivery could not be recorded', { deliveryId: delivery.id, error: error instanceof Error ? error.message : String(error) }))
        .finally(() => inFlight.delete(delivery.id));
      inFlight.set(delivery.id, work);
      return work;
    });
  }

  async function loop(): Promise<void> {
    try {
      // A transaction still open in this turn (group commit) is not yet an event anyone may hear of.
      await store.durable();
      // The attempts run on past this turn: each is tracked in inFlight and records its own failure.
      if (running) void (await dispatch());
    } catch (error) {
      logger.error('webhook delivery loop failed', { error: error instanceof Error ? error.message : String(error) });
    }
    if (running) {
      timer = setTimeout(() => void loop(), pollMs);
      timer.unref();
    }
  }

  return {
    async deliverDue() {
      await store.durable();
      const started = await dispatch();
      await Promise.all(started);
      return started.length;
    },
    start() {
      if (running) return;
      running = true;
      void loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
