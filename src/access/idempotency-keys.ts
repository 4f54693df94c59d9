import { createHash } from 'node:crypto';
import { DomainError, invalidField } from '../errors.js';
import type { RememberedResponse, Store } from '../store/index.js';

/** How long a response stays replayable under its Idempotency-Key (at least; older ones go as new ones come). */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60_000;
const LONGEST_KEY = 255;

export interface Replayable {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyKeys {
  /**
   * The response already given for this API key's `idempotencyKey`, if any. The same key sent with a
   * different request is the client's mistake, not a retry: `idempotency_key_reused`.
   */
  recall(keyId: string, idempotencyKey: string, request: string): Promise<Replayable | undefined>;
  /** Keeps the response for replay. Call once the request has been answered. */
  remember(keyId: string, idempotencyKey: string, request: string, response: Replayable): Promise<void>;
}

const fingerprint = (request: string) => createHash('sha256').update(request).digest('base64url');

/** Idempotency keys as Stripe has them: per API key, kept for a day, a different request under the same key refused. */
export function idempotencyKeys(store: Store, clock: () => number): IdempotencyKeys {
  return {
    async recall(keyId, idempotencyKey, request) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > LONGEST_KEY) {
        throw invalidField('Idempotency-Key', 'too_big', `An Idempotency-Key is 1 to ${LONGEST_KEY} characters`);
      }
      const remembered = await store.idempotencyKeys.find(keyId, idempotencyKey);
      if (!remembered) return undefined;
      if (remembered.requestFingerprint !== fingerprint(request)) {
        throw new DomainError(
          'idempotency_key_reused',
          'This Idempotency-Key was sent with a different request; use a new key for a new request',
        );
      }
      return { status: remembered.status, headers: remembered.headers, body: remembered.body };
    },
    async remember(keyId, idempotencyKey, request, response) {
      const now = clock();
      const row: RememberedResponse = { requestFingerprint: fingerprint(request), ...response, createdAt: now };
      await store.transaction(async (tx) => {
        await tx.idempotencyKeys.forgetBefore(now - IDEMPOTENCY_KEY_LIFETIME_MS);
        await tx.idempotencyKeys.remember(keyId, idempotencyKey, row);
      });
    },
  };
}
