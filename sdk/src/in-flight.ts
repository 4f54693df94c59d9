import type { Clock } from './clock.js';

/**
 * The checks, answers and outcomes under way. Compiling a new rule set blocks for tens of
 * milliseconds, so it waits until none is; `close()` lets them finish too.
 */
export class InFlight {
  #count = 0;
  #waiting: Array<() => void> = [];

  constructor(private readonly clock: Clock) {}

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#count += 1;
    try {
      return await work();
    } finally {
      this.#count -= 1;
      if (this.#count === 0 && this.#waiting.length > 0) {
        const waiting = this.#waiting;
        this.#waiting = [];
        // After the call's caller has had its result, not before.
        this.clock.setTimeout(() => waiting.forEach((resolve) => resolve()), 0);
      }
    }
  }

  whenIdle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
}
