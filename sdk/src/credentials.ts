import type { TillToken } from '../../src/contract/till-tokens.js';
import { type Clock, unref, within } from './clock.js';
import { TimeoutError, TokenSourceError, VouchsafeError } from './errors.js';

/** What a token source gives: the service's `POST /v1/till-tokens` answer, or just its `token` and `expiresAt`. */
export type TokenGrant = Pick<TillToken, 'token' | 'expiresAt'>;
/** Asks the store's back office (which holds the till key) for a till token; called again before each expires. */
export type TokenSource = () => Promise<TokenGrant>;

/** A token is renewed once this share of its life has passed: a slow back office still has a fifth of it. */
const RENEW_AT = 0.8;
const noop = () => {};

/** The bearer credential each request carries. */
export interface Credentials {
  /** The credential to send, waiting at most `timeoutMs` for one (a token not yet fetched, or past its expiry). */
  bearer(timeoutMs: number): Promise<string>;
  /** The service answered `token_expired` to `sent` (only ever to a till token): the next `bearer()` is a new one. */
  expired(sent: string): void;
  /** Stops renewing. */
  close(): void;
}

/** A long-lived key: for tills that run on a machine the store controls. */
export function keyCredentials(apiKey: string): Credentials {
  return { bearer: async () => apiKey, expired: noop, close: noop };
}

/**
 * Short-lived till tokens from a token source, for browser tills. Fetched when the client starts,
 * renewed in the background once 80% of a token's life has passed (calls keep using the current one
 * meanwhile), and at once when the service answers `token_expired`. The life is read against the
 * till's wall clock when the token arrives and then timed on the client's clock.
 */
export function tokenCredentials(getToken: TokenSource, clock: Clock): Credentials {
  let current: { token: string; expiresAt: number } | undefined;
  let renewing: Promise<string> | undefined;
  let timer: unknown;
  let closed = false;

  function accept(grant: unknown): string {
    // Checked by hand, not with the contract's schema: the browser bundle has no room for one more.
    const { token, expiresAt } = (grant ?? {}) as Partial<Record<keyof TokenGrant, unknown>>;
    const lifeMs = Date.parse(expiresAt as string) - Date.now();
    if (typeof token !== 'string' || Number.isNaN(lifeMs)) throw new TokenSourceError('getToken gave no { token, expiresAt }');
    // Looks expired on arrival: the till's clock is off, so the service's 401 says when it ends.
    const left = lifeMs > 0 ? lifeMs : Infinity;
    current = { token, expiresAt: clock.now() + left };
    clock.clearTimeout(timer);
    if (!closed && lifeMs > 0) {
      timer = clock.setTimeout(() => void renew().catch(noop), left * RENEW_AT);
      unref(timer);
    }
    return token;
  }

  function renew(): Promise<string> {
    renewing ??= (async () => {
      try {
        return accept(await getToken());
      } catch (error) {
        if (error instanceof VouchsafeError) throw error;
        throw new TokenSourceError(`getToken failed: ${String(error)}`, { cause: error });
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  }

  void renew().catch(noop);
  return {
    async bearer(timeoutMs) {
      if (current && clock.now() < current.expiresAt) return current.token;
      const token = await within(clock, renew(), timeoutMs);
      if (token === undefined) throw new TimeoutError('No till token in time');
      return token;
    },
    expired(sent) {
      if (current?.token === sent) current = undefined;
    },
    close() {
      closed = true;
      clock.clearTimeout(timer);
    },
  };
}
