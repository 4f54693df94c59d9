import type { Escalation } from '../../../src/contract/escalations.js';
import type { Decision } from '../../../src/contract/decision.js';
import type { OutcomeRecord } from '../../../src/contract/outcome.js';
import type { ReviewRecord } from '../../../src/contract/review.js';
import { type Clock, unref, within } from '../clock.js';
import { ApiError, apiError, isRetryable, TimeoutError, VouchsafeError } from '../errors.js';
import { OUTBOX_BACKOFF, retryDelay } from '../retry.js';
import { type DeadLetter, type Failure, type IdLink, type OutboxEntry, redact } from './entry.js';
import { MAX_DEAD_LETTERS, type OutboxStorage, type StoredOutbox } from './storage.js';

export type Delivered = Decision | OutcomeRecord | ReviewRecord | Escalation;

/** How one entry ended: it reached the service, or it never will. */
export type Settlement =
  | { status: 'delivered'; result: Delivered }
  | { status: 'dead_lettered'; letter: DeadLetter; error: VouchsafeError };

export interface FlushResult {
  delivered: number;
  deadLettered: number;
  /** Entries still queued. */
  pending: number;
  /** Why delivery stopped early, when it did: the service is unreachable or asked the till to wait. */
  error?: VouchsafeError;
}

export interface OutboxOptions {
  storage: OutboxStorage;
  /** What its back-off waits on, and what `whenClear`'s deadline is read on. */
  clock: Clock;
  /** Sends one entry, once. `checkId` is the service's id of the entry's check, when it has one yet. */
  deliver(entry: OutboxEntry, checkId: string | undefined, stop: AbortSignal): Promise<Delivered>;
  /** After a delivery; `link` when a check decided offline has just been given its service id. */
  onDelivered(entry: OutboxEntry, result: Delivered, link: IdLink | undefined): void;
  onDeadLetter?: ((letter: DeadLetter, error: VouchsafeError) => void) | undefined;
}

export function failureOf(error: VouchsafeError): Failure {
  return error instanceof ApiError
    ? { message: error.message, status: error.status, ...(error.problem ? { problem: error.problem } : {}) }
    : { message: error.message };
}

/** The typed error a stored failure stands for, so dead letters read after a restart branch like fresh ones. */
export function errorOf(failure: Failure): VouchsafeError {
  return failure.status === undefined ? new VouchsafeError(failure.message) : apiError(failure.status, failure.problem);
}

const noop = () => {};

/**
 * A durable FIFO, replayed strictly in order (workbox's background-sync queue): delivery stops at the
 * first failure that may pass, leaving that entry at the front, and tries again after a backoff with
 * jitter (or the service's `Retry-After`). A refusal that will not pass (a 4xx) is dead-lettered with
 * its problem, and the queue moves on. Delivered at least once; the service's idempotency per
 * transaction and per check makes the effect exactly once.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private readonly links = new Map<string, string>();
  private letters: DeadLetter[] = [];
  private readonly waiters = new Map<string, (settlement: Settlement) => void>();
  private running: Promise<FlushResult> | undefined;
  private timer: unknown;
  private failures = 0;
  private lastError: VouchsafeError | undefined;
  /** Set from `Retry-After`: no delivery before this (on the clock). */
  private holdUntil = 0;
  private readonly stopping = new AbortController();

  constructor(private readonly options: OutboxOptions) {}

  /** Reads what the last run left. */
  async start(): Promise<StoredOutbox> {
    const stored = await this.options.storage.load();
    this.entries = [...stored.entries];
    this.letters = [...stored.deadLetters];
    for (const link of stored.links) this.links.set(link.localId, link.checkId);
    if (this.entries.length > 0) this.schedule(0);
    return stored;
  }

  get pending(): number {
    return this.entries.length;
  }

  deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  /** The service's id for a check ref: itself for `chk_…`, the linked id for a delivered `local_…`. */
  serviceId(checkRef: string): string | undefined {
    return checkRef.startsWith('chk_') ? checkRef : this.links.get(checkRef);
  }

  has(match: (entry: OutboxEntry) => boolean): boolean {
    return this.entries.some(match);
  }

  /** Queues an entry durably. Resolves once it is stored, with how it will end. */
  async append(entry: OutboxEntry): Promise<{ settled: Promise<Settlement> }> {
    const settled = new Promise<Settlement>((resolve) => this.waiters.set(entry.id, resolve));
    try {
      await this.options.storage.append(entry);
    } catch (error) {
      this.waiters.delete(entry.id);
      throw error;
    }
    this.entries.push(entry);
    if (!this.running && this.timer === undefined) this.schedule(this.failures === 0 ? 0 : retryDelay(this.failures - 1, OUTBOX_BACKOFF, this.lastError));
    return { settled };
  }

  /** A set-aside entry found by the till itself (its request will be refused for good), kept as a dead letter. */
  async bury(entry: OutboxEntry, error: VouchsafeError): Promise<void> {
    const letter: DeadLetter = { failedAt: Date.now(), failure: failureOf(error), entry: redact(entry) };
    await this.options.storage.deadLetter(entry.id, letter);
    this.entries = this.entries.filter((queued) => queued.id !== entry.id);
    this.letters = [...this.letters, letter].slice(-MAX_DEAD_LETTERS);
    this.settle(entry.id, { status: 'dead_lettered', letter, error });
    this.options.onDeadLetter?.(letter, error);
  }

  /**
   * Delivers what is queued, in order, until the queue is empty or the service cannot take more. A
   * pass already under way may have met a failure from before this call, so a fresh pass follows it.
   */
  async flush(): Promise<FlushResult> {
    if (this.running) await this.running;
    this.running ??= this.deliverQueued().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Delivery is worth trying now (a request just succeeded): skip the rest of the backoff. */
  nudge(): void {
    if (this.entries.length > 0 && !this.running && this.options.clock.now() >= this.holdUntil) this.schedule(0);
  }

  /**
   * Waits, until the deadline at most, for every queued entry that `match`es to be delivered or set
   * aside, so a new request never overtakes an earlier one for the same check. Undefined when clear;
   * otherwise why not.
   */
  async whenClear(match: (entry: OutboxEntry) => boolean, deadline: number): Promise<VouchsafeError | undefined> {
    while (this.entries.some(match)) {
      const left = deadline - this.options.clock.now();
      if (left <= 0) return new TimeoutError('Earlier requests for this check are still queued');
      const result = await within(this.options.clock, this.flush(), left);
      if (!result) return new TimeoutError('Earlier requests for this check were not delivered in time');
      if (result.error) return result.error;
    }
    return undefined;
  }

  /** Stops timers and abandons deliveries in flight; what is queued stays queued in storage. */
  stop(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort();
  }

  private async deliverQueued(): Promise<FlushResult> {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    let delivered = 0;
    let deadLettered = 0;
    const stopped = () => this.stopping.signal.aborted;
    if (this.options.clock.now() < this.holdUntil) return { delivered, deadLettered, pending: this.entries.length, ...(this.lastError ? { error: this.lastError } : {}) };

    for (let entry = this.entries[0]; entry && !stopped(); entry = this.entries[0]) {
      const checkId = this.serviceId(entry.checkRef);
      if (!checkId && entry.kind !== 'check') {
        await this.bury(entry, new VouchsafeError(`Its check ${entry.checkRef} was dead-lettered, so the service has no id for it`));
        deadLettered += 1;
        continue;
      }
      let result: Delivered;
      try {
        result = await this.options.deliver(entry, checkId, this.stopping.signal);
      } catch (error) {
        if (stopped()) break;
        if (error instanceof VouchsafeError && !isRetryable(error)) {
          await this.bury(entry, error);
          deadLettered += 1;
          continue;
        }
        // Retryable, or a fault of our own: keep the entry in front and come back later.
        const reason = error instanceof VouchsafeError ? error : new VouchsafeError(String(error), { cause: error });
        const wait = retryDelay(this.failures, OUTBOX_BACKOFF, reason);
        this.failures += 1;
        this.lastError = reason;
        if (reason instanceof ApiError && reason.retryAfterMs !== undefined) this.holdUntil = this.options.clock.now() + reason.retryAfterMs;
        this.schedule(wait);
        return { delivered, deadLettered, pending: this.entries.length, error: reason };
      }
      if (stopped()) break;
      const link =
        entry.kind === 'check' && entry.checkRef.startsWith('local_')
          ? { localId: entry.checkRef, checkId: result.checkId, linkedAt: Date.now() }
          : undefined;
      await this.options.storage.delivered(entry.id, link);
      this.entries.shift();
      if (link) this.links.set(link.localId, link.checkId);
      this.options.onDelivered(entry, result, link);
      this.settle(entry.id, { status: 'delivered', result });
      delivered += 1;
    }
    if (this.entries.length === 0) {
      this.failures = 0;
      this.lastError = undefined;
    }
    return { delivered, deadLettered, pending: this.entries.length };
  }

  private settle(entryId: string, settlement: Settlement): void {
    this.waiters.get(entryId)?.(settlement);
    this.waiters.delete(entryId);
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    const { clock } = this.options;
    clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(noop);
    }, delayMs);
    // A till's process may exit with entries queued: they are in storage, and go on the next start.
    unref(this.timer);
  }
}
