/**
 * Where the SDK's time comes from: every deadline, back-off, timeout and the breaker's pause runs on
 * it. `now()` is monotonic milliseconds from any fixed point (the wall clock may jump). Tests inject a
 * virtual clock; the stamps the SDK records (`evaluatedAt`, a replayed check's `occurredAt`) are dates
 * for people to read and still come from `Date.now()`.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` once, `ms` from now. The handle is only ever given back to `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout> | undefined),
};

/** A background timer (delivery, rule refresh) must not keep a till's Node process alive. */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** The promise's value, or undefined if it takes longer than `ms`. */
export async function within<T>(clock: Clock, promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: unknown;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = clock.setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clock.clearTimeout(timer);
  }
}
