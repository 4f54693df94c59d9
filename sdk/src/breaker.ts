import { monotonic } from './retry.js';

/**
 * After the service has failed `after` requests in a row (no connection, a timeout, a 5xx), checks and
 * answers stop waiting for it for `forMs`: they decide offline at once, and the colleague is not kept
 * waiting 200-odd ms a sale while the store's link is down. The outbox keeps delivering in the
 * background; its first success closes the breaker, and after `forMs` the next request tries again.
 */
export class Breaker {
  #failures = 0;
  #openUntil = 0;

  constructor(
    private readonly after: number,
    private readonly forMs: number,
  ) {}

  isOpen(): boolean {
    return this.after > 0 && monotonic() < this.#openUntil;
  }

  failed(): void {
    this.#failures += 1;
    if (this.after > 0 && this.#failures >= this.after) this.#openUntil = monotonic() + this.forMs;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openUntil = 0;
  }
}
