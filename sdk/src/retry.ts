import { type Clock, sleep } from './clock.js';
import { ApiError, CorsError, isRetryable, TimeoutError } from './errors.js';

export interface Backoff {
  /** The first wait; each later one doubles, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

/** A check cannot wait long: a few quick retries fit in a 300 ms budget. */
export const REQUEST_BACKOFF: Backoff = { baseMs: 25, maxMs: 100 };
/** The outbox is in no hurry, and must not hammer a service that is coming back up. */
export const OUTBOX_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 15_000 };

/** The wait before retry number `attempt` (0-based): exponential with "equal jitter", so tills spread out. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** The backoff, or longer when the service said how long with `Retry-After`. */
export function retryDelay(attempt: number, backoff: Backoff, error: unknown): number {
  const delay = backoffDelay(attempt, backoff);
  const retryAfter = error instanceof ApiError ? error.retryAfterMs : undefined;
  return retryAfter === undefined ? delay : Math.max(delay, retryAfter);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the deadline (on `clock`) would pass. Each
 * attempt is given the time left. The deadline wins: when the next wait would end past it, the last
 * error is thrown at once rather than waited out.
 *
 * A retry that runs out of time with less than a quarter of the budget left throws the error before
 * it, not its own TimeoutError: the last retry starts with whatever the waits left, often a few
 * milliseconds, so a service that refused every connection would otherwise be reported as slow
 * about as often as the slice was shorter than a refusal takes. A retry given most of the budget
 * that gets no answer is a timeout, and says so.
 */
export async function retryUntil<T>(clock: Clock, deadline: number, attempt: (timeoutMs: number) => Promise<T>): Promise<T> {
  const budget = deadline - clock.now();
  let before: unknown;
  for (let tries = 0; ; tries++) {
    const given = deadline - clock.now();
    try {
      return await attempt(given);
    } catch (error) {
      if (error instanceof TimeoutError && tries > 0 && given < budget / 4) throw before;
      // A blocked origin stays blocked for the rest of the budget: decide offline now.
      if (!isRetryable(error) || error instanceof CorsError) throw error;
      const wait = retryDelay(tries, REQUEST_BACKOFF, error);
      if (clock.now() + wait >= deadline) throw error;
      before = error;
      await sleep(clock, wait);
    }
  }
}
