import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, OUTBOX_BACKOFF, REQUEST_BACKOFF } from '../../sdk/src/retry.js';
import { parseRetryAfter } from '../../sdk/src/retry-after.js';

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    fc.assert(fc.property(fc.nat({ max: 10_000_000 }), (seconds) => parseRetryAfter(String(seconds), NOW) === seconds * 1000));
  });

  it('reads an HTTP date as the time left until it, and a date gone by as 0', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true }), (date) => {
        const expected = Math.max(0, Math.floor(date.getTime() / 1000) * 1000 - NOW);
        return parseRetryAfter(date.toUTCString(), NOW) === expected;
      }),
    );
  });

  it('gives a finite wait of 0 or more, or nothing, for any text at all', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s*-?\d+(\.\d+)?\s*$/), fc.constant('9'.repeat(400))), (text) => {
        const wait = parseRetryAfter(text, NOW);
        return wait === undefined || (Number.isFinite(wait) && wait >= 0);
      }),
    );
  });

  it('ignores what is not delay-seconds or an HTTP date', () => {
    for (const text of ['', 'soon', '-5', '1.5', '2026-11-25T10:00:00Z', '9'.repeat(400)]) expect(parseRetryAfter(text, NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('grows, stays under its cap, and keeps at least half of each step (jitter spreads tills out)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, random) => {
        for (const backoff of [REQUEST_BACKOFF, OUTBOX_BACKOFF]) {
          const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt);
          const delay = backoffDelay(attempt, backoff, () => random);
          if (delay < step / 2 || delay > step) return false;
        }
        return true;
      }),
    );
  });
});
