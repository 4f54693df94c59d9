import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

/** The headers of a response that belong to its result, and so are replayed with it. */
const KEPT_HEADERS = ['content-type', 'location', 'etag'];

/**
 * Stripe's `Idempotency-Key`: the same key from the same API key with the same request replays the
 * response first given (`Idempotent-Replayed: true`); with a different request it is 409
 * `idempotency_key_reused`. A request refused as malformed (400), rate-limited or failed on our side
 * is not remembered: it did not happen, and the retry runs afresh.
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
    if (status >= 500 || status === 400 || status === 429) return;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await keys.remember(keyId, key, request, { status, headers, body: await c.res.clone().text() });
  });
}
