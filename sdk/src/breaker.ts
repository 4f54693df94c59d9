import type { Clock } from './clock.js';
import { ConnectionError, InvalidResponseError, ServerError, ServiceAwayError } from './errors.js';

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
    private readonly clock: Clock,
    private readonly after: number,
    private readonly forMs: number,
  ) {}

  isOpen(): boolean {
    return this.after > 0 && this.clock.now() < this.#openUntil;
  }

  /** Why a request is not sent while the breaker is open. */
  refusal(): ServiceAwayError {
    return new ServiceAwayError('The service failed the last requests; deciding on the till until it answers again');
  }

  failed(): void {
    this.#failures += 1;
    if (this.after > 0 && this.#failures >= this.after) this.#openUntil = this.clock.now() + this.forMs;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openUntil = 0;
  }

  /** Counts how a request to the service went: answered (even with a refusal), or not. */
  async watch<T>(request: Promise<T>): Promise<T> {
    try {
      const value = await request;
      this.succeeded();
      return value;
    } catch (error) {
      if (error instanceof ConnectionError || error instanceof ServerError || error instanceof InvalidResponseError) this.failed();
      else this.succeeded();
      throw error;
    }
  }
}
