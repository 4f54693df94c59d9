const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 6 * 3_600_000;

/**
 * Attempts before a delivery is given up as failed. With waits doubling from 30 s to a ceiling of
 * 6 h, the fourteenth attempt comes about 26½ hours after the first: a receiver can be down for a
 * day and still get everything.
 */
export const MAX_ATTEMPTS = 14;

/**
 * How long to wait after the `failed`-th failed attempt: doubling, capped, plus up to a tenth more at
 * random so that many deliveries held up by one outage do not all come back in the same second.
 */
export function retryDelay(failed: number, random: () => number = Math.random): number {
  const wait = Math.min(FIRST_RETRY_MS * 2 ** (failed - 1), LONGEST_WAIT_MS);
  return Math.round(wait * (1 + random() / 10));
}
