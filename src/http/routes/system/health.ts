import type { Hono } from 'hono';
import type { AppEnv } from '../../env.js';

/**
 * Readiness: 200 while checks can be decided and recorded; 503 with Retry-After while the database
 * cannot be written (a full or failing disk), so a load balancer sends tills elsewhere.
 *
 * `/healthz` answers every web origin (it carries no key and no customer data), and says whether the
 * asking page's origin may call the API: so a browser till whose `/v1` request failed can tell a
 * service that refuses its origin (CORS) from one that is down.
 */
export function registerHealth(app: Hono<AppEnv>, isAllowedOrigin: (origin: string) => boolean) {
  app.get('/healthz', (c) => {
    const { store, rules } = c.get('services');
    store.ping();
    const origin = c.req.header('origin');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Vary', 'Origin');
    const asked = origin ? { origin, originAllowed: isAllowedOrigin(origin) } : {};
    const writable = store.writable();
    if (!writable.ok) {
      c.header('Retry-After', '30');
      return c.json({ status: 'storage_unavailable', reason: writable.reason, ruleSetVersion: rules.current.version, ...asked }, 503);
    }
    return c.json({ status: 'ok', ruleSetVersion: rules.current.version, ...asked });
  });
}
