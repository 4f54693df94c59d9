import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

/** The headers of a response that belong to its result, and so are replayed with it. */
const KEPT_HEADERS = ['content-type', 'location', 'etag'];

/**
 * Stripe's `Idempotency-Key`: the same key from the same API key with the same request replays the
 * response first given (`Idempotent-Replayed: true`); with a different request it is 409
 * `idempotency_key_reused`. Only a success (2xx) is remembered: it did something a retry must not do
 * twice. A refusal did nothing (malformed, rate-limited, failed on our side, or a 4xx about the state
 * of things then, such as a hold not yet released): the retry runs afresh and is answered as things
 * stand, rather than with an answer about a state that has since changed.
 */
export function idempotencyKey() {
  return createMiddleware<AppEnv>(async function idempotencyKey(c, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    const { keyId } = c.get('principal');
    const keys = c.get('services').idempotencyKeys;
    const request = `${c.req.method} ${c.req.path}\n${await c.req.text()}`;
    const remembered = await keys.recall(keyId, key, request);
    if (remembered) {
      c.res = new Response(remembered.body, { status: remembered.status, headers: { ...remembered.headers, 'Idempotent-Replayed': 'true' } });
      return;
    }
    await next();
    const { status } = c.res;
    if (status < 200 || status >= 300) return;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await keys.remember(keyId, key, request, { status, headers, body: await c.res.clone().text() });
  });
}
