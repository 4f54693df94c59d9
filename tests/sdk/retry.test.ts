import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { BadRequestError, ConnectionError, RateLimitError, TimeoutError } from '../../sdk/src/index.js';
import { sleep } from '../../sdk/src/clock.js';
import { backoffDelay, OUTBOX_BACKOFF, REQUEST_BACKOFF, retryUntil } from '../../sdk/src/retry.js';
import { parseRetryAfter } from '../../sdk/src/retry-after.js';
import { VirtualClock } from './helpers/clock.js';

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

describe('retryUntil, on a virtual clock', () => {
  /**
   * Runs `retryUntil` with the jitter pinned at its shortest waits, each attempt failing with what
   * `fail` gives: an error at once, or 'no answer', which takes the attempt's whole time and then
   * times out, as the transport does.
   */
  async function retried(deadline: number, fail: (attempt: number) => Error | 'no answer') {
    const jitter = vi.spyOn(Math, 'random').mockReturnValue(0);
    onTestFinished(() => jitter.mockRestore());
    const clock = new VirtualClock();
    const attempts: Array<{ at: number; timeoutMs: number }> = [];
    const error = await clock
      .run(
        retryUntil(clock, deadline, async (timeoutMs) => {
          attempts.push({ at: clock.now(), timeoutMs });
          const failure = fail(attempts.length);
          if (failure !== 'no answer') throw failure;
          await sleep(clock, timeoutMs);
          throw new TimeoutError(`No answer within ${timeoutMs} ms`);
        }),
      )
      .catch((thrown: unknown) => thrown);
    return { attempts, error, endedAt: clock.now() };
  }

  it('tries until the next wait would end past the deadline, giving each attempt the time left, then throws the last error at once', async () => {
    const { attempts, error, endedAt } = await retried(275, (attempt) => new ConnectionError(`refused ${attempt}`));
    // Waits of 12.5, 25, 50, 50… (half of 25, 50, 100, 100…); the next would end at 287.5.
    expect(attempts.map((attempt) => attempt.at)).toEqual([0, 12.5, 37.5, 87.5, 137.5, 187.5, 237.5]);
    expect(attempts.map((attempt) => attempt.timeoutMs)).toEqual([275, 262.5, 237.5, 187.5, 137.5, 87.5, 37.5]);
    expect(error).toMatchObject({ message: 'refused 7' });
    expect(endedAt).toBe(237.5);
  });

  it('reports the refusals, not the timeout, when the budget runs out in a last retry given a sliver of it', async () => {
    // Refused at once until the seventh attempt, which starts with 37.5 ms of 275 left and, as a
    // refusal can on a loaded machine, takes longer than that: its own timeout fires at the deadline.
    const { attempts, error } = await retried(275, (attempt) => (attempt < 7 ? new ConnectionError(`refused ${attempt}`) : 'no answer'));
    expect(attempts.map((attempt) => attempt.timeoutMs)).toEqual([275, 262.5, 237.5, 187.5, 137.5, 87.5, 37.5]);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ message: 'refused 6' });
  });

  it('reports a timeout when a retry given most of the budget gets no answer', async () => {
    // Refused once, then the service takes the connection and never answers.
    const { attempts, error } = await retried(275, (attempt) => (attempt === 1 ? new ConnectionError('refused') : 'no answer'));
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.timeoutMs).toBeGreaterThan(275 / 4);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('never retries a refusal that will not pass', async () => {
    const { attempts, error } = await retried(275, () => new BadRequestError(400, undefined));
    expect(attempts).toHaveLength(1);
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it('waits as long as Retry-After says, and not at all when that is past the deadline', async () => {
    const within = await retried(275, (attempt) => new RateLimitError(429, undefined, attempt === 1 ? 100 : 1_000));
    expect(within.attempts.map((attempt) => attempt.at)).toEqual([0, 100]);
    expect(within.endedAt).toBe(100);
    const beyond = await retried(275, () => new RateLimitError(429, undefined, 30_000));
    expect(beyond.attempts).toHaveLength(1);
    expect(beyond.endedAt).toBe(0);
  });
});
