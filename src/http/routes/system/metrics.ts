import type { Hono } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { AppEnv } from '../../env.js';
import { HttpProblem } from '../../problem.js';
import { presentKey, rateLimited } from '../../middleware/auth.js';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Prometheus metrics. On the API's listener they need a key: the metrics key (VOUCHSAFE_METRICS_KEY)
 * or a live admin API key; request rates and rule names are not for the open network. A separate
 * listener (VOUCHSAFE_METRICS_PORT) serves them without one.
 */
export function registerMetrics(app: Hono<AppEnv>, access: { open: true } | { key: string | undefined }) {
  app.get('/metrics', async (c) => {
    const { metrics } = c.get('services');
    if (!('open' in access)) {
      const { key } = access;
      const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
      // Guessing keys here is throttled like anywhere else: a live admin key works on /metrics too.
      const verdict = token === undefined || (key !== undefined && same(token, key)) ? undefined : await presentKey(c, token, 'metrics');
      if (verdict?.retryAfter !== undefined) throw rateLimited(verdict.retryAfter);
      if (token === undefined || (verdict !== undefined && !(verdict.principal?.role === 'admin' && verdict.principal.livemode))) {
        throw new HttpProblem('unauthorized', 'Metrics need the metrics key or a live admin key as Authorization: Bearer <key>', { 'WWW-Authenticate': 'Bearer realm="vouchsafe-metrics"' });
      }
    }
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
}
