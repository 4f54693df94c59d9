import type { Clock } from '../../../sdk/src/index.js';

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Time that moves only when a test lets it, so a test of timing does not depend on how busy the
 * machine is. It stands still while real work is under way (`real()`: a request to the service on
 * loopback), so the network is never cut short by a timer: a healthy service answers in no time at
 * all, and every delay a test sees is one the SDK or the test's network chose.
 *
 * `run(call)` moves time on while the call is pending: whenever every promise job has run and nothing
 * real is under way, it jumps to the next timer and fires it. `advance(ms)` does the same for a span
 * of time, as a till left alone would live it.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #order = 0;
  readonly #timers = new Set<Timer>();
  #real = 0;
  #realDone: (() => void) | undefined;
  readonly #calls = new Set<{ settled: boolean }>();
  #driver: Promise<void> | undefined;

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0), order: (this.#order += 1), callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as Timer);
  }

  /** Real work: time stands still until it settles. */
  real<T>(work: Promise<T>): Promise<T> {
    this.#real += 1;
    return work.finally(() => {
      this.#real -= 1;
      if (this.#real === 0) this.#realDone?.();
    });
  }

  /** The call's result, with time moving on until it settles. */
  async run<T>(call: Promise<T>): Promise<T> {
    const pending = { settled: false };
    const settled = call.then(
      () => void (pending.settled = true),
      () => void (pending.settled = true),
    );
    this.#calls.add(pending);
    this.#driver ??= this.#drive().finally(() => {
      this.#driver = undefined;
    });
    await Promise.race([settled, this.#driver]);
    return call;
  }

  /** Moves time on by `ms`, firing the timers due on the way, in order. */
  async advance(ms: number): Promise<void> {
    if ([...this.#calls].some((call) => !call.settled)) throw new Error('advance() while a call is running: await the call first');
    await this.#driver?.catch(() => {}); // Done with its calls; it stops at its next look.
    const until = this.#now + ms;
    for (;;) {
      await this.#quiet();
      const next = this.#next();
      if (!next || next.at > until) break;
      this.#fire(next);
    }
    this.#now = until;
  }

  /** Timers set and not yet fired or cleared. */
  get timers(): number {
    return this.#timers.size;
  }

  async #drive(): Promise<void> {
    for (;;) {
      await this.#quiet();
      for (const call of this.#calls) if (call.settled) this.#calls.delete(call);
      if (this.#calls.size === 0) return;
      const next = this.#next();
      if (!next) throw new Error('A call can never settle: it waits on no timer and on nothing real');
      this.#fire(next);
    }
  }

  /** Until every promise job has run and no real work is under way. */
  async #quiet(): Promise<void> {
    await turn();
    while (this.#real > 0) {
      await new Promise<void>((resolve) => {
        this.#realDone = resolve;
      });
      await turn();
    }
  }

  #next(): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.#timers) if (!next || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) next = timer;
    return next;
  }

  #fire(timer: Timer): void {
    this.#timers.delete(timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.callback();
  }
}
