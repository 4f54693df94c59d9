import { type Clock, sleep } from './clock.js';
import { ApiError, isRetryable } from './errors.js';

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
 */
export async function retryUntil<T>(clock: Clock, deadline: number, attempt: (timeoutMs: number) => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(deadline - clock.now());
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const wait = retryDelay(tries, REQUEST_BACKOFF, error);
      if (clock.now() + wait >= deadline) throw error;
      await sleep(clock, wait);
    }
  }
}
