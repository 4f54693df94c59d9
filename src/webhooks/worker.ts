import { randomUUID } from 'node:crypto';
import { type Logger, withLogContext } from '../log.js';
import type { DueDeliveryRow, Store, WebhookEventRow } from '../store/index.js';
import { MAX_ATTEMPTS, retryDelay } from './schedule.js';
import { sendEvent } from './send.js';
import type { DestinationPolicy } from './url-policy.js';

/**
 * How long past an attempt's timeout its lease lasts: time to record it. Also how long, at most, a
 * delivery whose sender died waits for another to take it up.
 */
const LEASE_MARGIN_MS = 10_000;

export interface DeliveryWorkerOptions {
  store: Store;
  clock: () => number;
  logger: Logger;
  /** Where deliveries may go, checked again before every attempt. */
  policy: DestinationPolicy;
  /** Per attempt, the whole exchange. */
  timeoutMs?: number;
  /** How often the background loop looks for deliveries that are due. */
  pollMs?: number;
  /**
   * How often, at most, an endpoint whose deliveries all wait out a back-off is probed: its oldest
   * waiting delivery sent early, so that a receiver that answers again gets its backlog at once.
   */
  probeIntervalMs?: number;
  /**
   * Attempts this node has in flight at once, all endpoints together: a bound on sockets, set well
   * above `perEndpoint` times the receivers one expects to hang at once.
   */
  concurrency?: number;
  /**
   * Attempts in flight to one endpoint at once, every node's together: a receiver that hangs holds
   * this many, never the others' share.
   */
  perEndpoint?: number;
  random?: () => number;
  /**
   * The body to send for an event, from the one stored: where a secret kept sealed elsewhere goes to
   * its receiver whole (the cards of a freeze request) without ever being stored in the outbox.
   * Default: the stored payload.
   */
  preparePayload?: (event: WebhookEventRow) => Promise<string>;
  /** Told of every attempt recorded, for the metrics. */
  onAttempt?: (result: 'delivered' | 'retrying' | 'failed') => void;
}

export interface DeliveryWorker {
  /**
   * Sends what is due now, round after round (a receiver that answers brings its backlog forward),
   * probing endpoints when nothing is due, until a round finds nothing, and resolves once every
   * attempt is recorded. Returns how many deliveries it sent, probes included.
   */
  deliverDue(): Promise<number>;
  /** Looks for due deliveries, and endpoints to probe, every `pollMs`, in the background, until stopped. */
  start(): void;
  /** Stops looking and waits for the attempts in flight to be recorded. */
  stop(): Promise<void>;
}

/**
 * Sends the outbox. Every attempt is recorded with its result; a failure is tried again later with
 * growing waits, for more than a day, then given up as `failed`. Meanwhile the endpoint is probed
 * every `probeIntervalMs`, and the first probe it answers brings its whole backlog forward. Nothing
 * of this runs on a till's request: the outbox is filled in the request's transaction, and emptied here.
 */
export function deliveryWorker({
  store,
  clock,
  logger,
  policy,
  timeoutMs = 5_000,
  pollMs = 250,
  probeIntervalMs = 15_000,
  concurrency = 64,
  perEndpoint = 2,
  random = Math.random,
  preparePayload = (event) => Promise.resolve(event.payload),
  onAttempt = () => {},
}: DeliveryWorkerOptions): DeliveryWorker {
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  // The worker's database work, one call at a time: on PostgreSQL it holds at most one of the pool's
  // connections, never while a receiver answers, and the tills keep the rest.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => {});
    return next;
  };

  /**
   * Sends one delivery and records the attempt. A probe (the delivery sent before it is due) is
   * recorded only if answered: one that fails is no attempt, and the endpoint waits to be probed again.
   */
  async function attempt(delivery: DueDeliveryRow, owner: string, probe: boolean): Promise<void> {
    const number = delivery.attempts + 1;
    const at = clock();
    const result = await sendEvent(
      { url: delivery.url, secret: delivery.secret, eventId: delivery.event.id, payload: await preparePayload(delivery.event), requestId: delivery.event.requestId },
      { policy, timeoutMs },
    );
    const now = clock();
    if (probe && !result.ok) {
      await serially(() =>
        store.transaction(async (tx) => {
          await tx.webhooks.release(delivery.id, owner);
          await tx.webhooks.deferProbe(delivery.endpointId, now + probeIntervalMs);
        }),
      );
      // A receiver that stays down is probed all day: its failures are in its deliveries' attempts already.
      logger.debug('webhook probe failed', { deliveryId: delivery.id, eventId: delivery.event.id, error: result.error });
      return;
    }
    const next = result.ok
      ? { status: 'delivered' as const, nextAttemptAt: null, deliveredAt: now }
      : number >= MAX_ATTEMPTS
        ? { status: 'failed' as const, nextAttemptAt: null, deliveredAt: null }
        : { status: 'pending' as const, nextAttemptAt: now + retryDelay(number, random), deliveredAt: null };
    const recorded = await serially(() =>
      store.transaction(async (tx) => {
        const written = await tx.webhooks.recordAttempt(delivery.id, owner, { attempt: number, at, durationMs: result.durationMs, statusCode: result.statusCode, error: result.error }, next);
        // The receiver has just failed: probing it before the interval is out would learn nothing new.
        if (written && !result.ok) await tx.webhooks.deferProbe(delivery.endpointId, now + probeIntervalMs);
        return written;
      }),
    );
    if (recorded) onAttempt(next.status === 'pending' ? 'retrying' : next.status);
    if (!result.ok) logger.warn('webhook delivery failed', { deliveryId: delivery.id, eventId: delivery.event.id, attempt: number, error: result.error, ...next });
    // The receiver is back: what waited out a back-off for it need not wait any longer. A transaction
    // of its own, after the record: it locks only deliveries nobody is sending, and one that collides
    // with the webhook's deletion is run again.
    if (recorded && result.ok) await serially(() => store.transaction((tx) => tx.webhooks.bringForward(delivery.endpointId, now)));
  }

  /**
   * Claims what is due, as much as there is room for, and starts sending it; when nothing is due,
   * probes the endpoints whose deliveries all wait out a back-off and whose turn to be probed has come.
   */
  async function dispatch(): Promise<Promise<void>[]> {
    const room = concurrency - inFlight.size;
    if (room <= 0) return [];
    const now = clock();
    const owner = randomUUID();
    const leaseUntil = now + timeoutMs + LEASE_MARGIN_MS;
    const due = await serially(() => store.transaction((tx) => tx.webhooks.claimDue({ now, limit: room, perEndpoint, owner, leaseUntil })));
    if (due.length > 0) return due.map((delivery) => send(delivery, owner, false));
    const probes = await serially(() =>
      store.transaction((tx) => tx.webhooks.claimProbes({ now, limit: room, owner, leaseUntil, probeAfter: now + probeIntervalMs })),
    );
    return probes.map((delivery) => send(delivery, owner, true));
  }

  function send(delivery: DueDeliveryRow, owner: string, probe: boolean): Promise<void> {
    // Its log lines name the request that caused the event, as the request's own lines did.
    const work = withLogContext(delivery.event.requestId ? { requestId: delivery.event.requestId } : {}, () => attempt(delivery, owner, probe))
      .catch((error: unknown) => logger.error('webhook delivery could not be recorded', { deliveryId: delivery.id, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        inFlight.delete(delivery.id);
        // Room again, and perhaps the endpoint's backlog brought forward: no need to wait for the next poll.
        if (running) wake();
      });
    inFlight.set(delivery.id, work);
    return work;
  }

  let looking: Promise<void> | undefined;
  let again = false;
  /** Looks now, or straight after the look under way; then every `pollMs`. */
  function wake(): void {
    if (looking) {
      again = true;
      return;
    }
    clearTimeout(timer);
    looking = look();
  }

  async function look(): Promise<void> {
    do {
      again = false;
      try {
        // A transaction still open in this turn (group commit) is not yet an event anyone may hear of.
        await store.durable();
        // The attempts run on past this look: each is tracked in inFlight and records its own failure.
        if (running) void (await dispatch());
      } catch (error) {
        logger.error('webhook delivery loop failed', { error: error instanceof Error ? error.message : String(error) });
      }
    } while (again && running);
    looking = undefined;
    if (running) {
      timer = setTimeout(wake, pollMs);
      timer.unref();
    }
  }

  return {
    async deliverDue() {
      let made = 0;
      for (;;) {
        await store.durable();
        const started = await dispatch();
        if (started.length === 0) return made;
        made += started.length;
        await Promise.all(started);
      }
    },
    start() {
      if (running) return;
      running = true;
      wake();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      // A look under way may have just claimed deliveries: they are sent and recorded too, not left leased.
      await looking;
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}
