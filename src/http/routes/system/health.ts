import type { Hono } from 'hono';
import type { AppEnv } from '../../env.js';

/**
 * Readiness: 200 while checks can be decided and recorded, with the database's kind; 503 with
 * Retry-After while the node is draining (stopping on SIGTERM), while the database cannot be reached
 * (PostgreSQL down) or cannot be written (a full or failing disk), so a load balancer sends tills elsewhere.
 *
 * `/healthz` answers every web origin (it carries no key and no customer data), and says whether the
 * asking page's origin may call the API: so a browser till whose `/v1` request failed can tell a
 * service that refuses its origin (CORS) from one that is down.
 */
export function registerHealth(app: Hono<AppEnv>, isAllowedOrigin: (origin: string) => boolean) {
  app.get('/healthz', async (c) => {
    const { store, rules, lifecycle } = c.get('services');
    const origin = c.req.header('origin');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Vary', 'Origin');
    const asked = origin ? { origin, originAllowed: isAllowedOrigin(origin) } : {};
    const ruleSetVersion = rules.current.version;
    // A node stopping says so first, so the load balancer sends the next till elsewhere.
    if (lifecycle.draining) {
      c.header('Retry-After', '5');
      return c.json({ status: 'draining', database: { kind: store.kind, ok: true }, ruleSetVersion, ...asked }, 503);
    }
    try {
      await store.ping();
    } catch (error) {
      c.header('Retry-After', '5');
      const reason = error instanceof Error ? error.message : String(error);
      return c.json({ status: 'database_unavailable', database: { kind: store.kind, ok: false, reason }, ruleSetVersion, ...asked }, 503);
    }
    const writable = await store.writable();
    if (!writable.ok) {
      c.header('Retry-After', '30');
      return c.json({ status: 'storage_unavailable', reason: writable.reason, database: { kind: store.kind, ok: false, reason: writable.reason }, ruleSetVersion, ...asked }, 503);
    }
    return c.json({ status: 'ok', database: { kind: store.kind, ok: true }, ruleSetVersion, ...asked });
  });
}
