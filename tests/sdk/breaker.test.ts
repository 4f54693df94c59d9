import { describe, expect, it } from 'vitest';
import { Breaker } from '../../sdk/src/breaker.js';
import { BadRequestError, ConnectionError, ServerError, ServiceAwayError, type TillClientOptions, TimeoutError } from '../../sdk/src/index.js';
import { VirtualClock } from './helpers/clock.js';
import { markyate, timed, tillWorld } from './helpers/till.js';

/** Attempts one check makes when every request fails at once, with the jitter pinned (time-budget.test.ts). */
const ATTEMPTS_PER_CHECK = 7;

async function setUp(options: Partial<TillClientOptions> = {}) {
  const world = await tillWorld();
  const till = world.open({ tillId: 'T09', ...options });
  expect((await till.check(markyate())).source).toBe('service');
  /** The requests the till sent itself for a sale, not the outbox's replays of it. */
  const attempts = () => world.network.to('/v1/checks').filter((attempt) => attempt.body?.offlineDecision === undefined).length;
  return { ...world, till, attempts };
}

describe('when the service is away', () => {
  it('stops waiting for it after three failed checks, and goes back once the outbox reaches it', async () => {
    const { network, clock, till, attempts } = await setUp();
    network.set('down');
    for (let i = 0; i < 3; i++) {
      const before = attempts();
      const decision = await till.check(markyate());
      expect(decision.source).toBe('offline');
      if (decision.source === 'offline') expect(decision.cause).not.toBeInstanceOf(ServiceAwayError);
      expect(attempts() - before).toBe(ATTEMPTS_PER_CHECK);
    }
    const before = attempts();
    const { value: fourth, ms } = await timed(clock, () => till.check(markyate()));
    expect(fourth.source).toBe('offline');
    if (fourth.source === 'offline') {
      expect(fourth.cause).toBeInstanceOf(ServiceAwayError);
      expect(fourth.cause).toBeInstanceOf(ConnectionError);
      expect(fourth.action).toBe('hold');
      expect(fourth.prompt).not.toBeNull();
    }
    // Decided without trying the network, and without waiting at all.
    expect(attempts()).toBe(before);
    expect(ms).toBe(0);

    network.set('pass');
    await till.flush();
    expect(till.pending()).toBe(0);
    expect((await till.check(markyate())).source).toBe('service');
    expect(attempts()).toBe(before + 1);
  });

  it('tries the service again once the pause is over', async () => {
    const { network, clock, till, attempts } = await setUp({ breakForMs: 200 });
    network.set('down');
    for (let i = 0; i < 3; i++) await till.check(markyate());
    // The pause runs from the third failure: the third check's last attempt, when it decided offline.
    const before = attempts();
    await clock.advance(199);
    const paused = await till.check(markyate());
    expect(paused.source === 'offline' && paused.cause).toBeInstanceOf(ServiceAwayError);
    expect(attempts()).toBe(before);

    await clock.advance(1);
    network.set('pass');
    const decision = await till.check(markyate());
    expect(decision.source).toBe('service');
    expect(attempts()).toBe(before + 1);
  });

  it('never stops waiting when told not to', async () => {
    const { network, till, attempts } = await setUp({ breakAfter: 0 });
    network.set('down');
    for (let i = 0; i < 5; i++) {
      const before = attempts();
      const decision = await till.check(markyate());
      expect(decision.source === 'offline' && decision.cause).toBeInstanceOf(ConnectionError);
      if (decision.source === 'offline') expect(decision.cause).not.toBeInstanceOf(ServiceAwayError);
      expect(attempts() - before).toBe(ATTEMPTS_PER_CHECK);
    }
  });
});

describe('the breaker', () => {
  const refused = () => Promise.reject(new ConnectionError('refused'));

  it('opens after the given number of failures in a row, for the given time', async () => {
    const clock = new VirtualClock();
    const breaker = new Breaker(clock, 3, 10_000);
    for (const error of [new ConnectionError('refused'), new TimeoutError('slow'), new ServerError(503, undefined)]) {
      expect(breaker.isOpen()).toBe(false);
      await expect(breaker.watch(Promise.reject(error))).rejects.toBe(error);
    }
    expect(breaker.isOpen()).toBe(true);
    await clock.advance(9_999);
    expect(breaker.isOpen()).toBe(true);
    await clock.advance(1);
    expect(breaker.isOpen()).toBe(false);
  });

  it('counts an answer, even a refusal, as the service being there', async () => {
    const breaker = new Breaker(new VirtualClock(), 2, 10_000);
    await breaker.watch(refused()).catch(() => {});
    await breaker.watch(Promise.reject(new BadRequestError(400, undefined))).catch(() => {});
    await breaker.watch(refused()).catch(() => {});
    expect(breaker.isOpen()).toBe(false);
    await breaker.watch(refused()).catch(() => {});
    expect(breaker.isOpen()).toBe(true);
    breaker.succeeded(); // The outbox reached the service.
    expect(breaker.isOpen()).toBe(false);
  });
});
