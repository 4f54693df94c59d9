import type { Hono } from 'hono';
import type { AppEnv } from '../../env.js';

/**
 * Readiness: 200 while checks can be decided and recorded; 503 with Retry-After while the database
 * cannot be written (a full or failing disk), so a load balancer sends tills elsewhere.
 */
export function registerHealth(app: Hono<AppEnv>) {
  app.get('/healthz', (c) => {
    const { store, rules } = c.get('services');
    store.ping();
    const writable = store.writable();
    if (!writable.ok) {
      c.header('Retry-After', '30');
      return c.json({ status: 'storage_unavailable', reason: writable.reason, ruleSetVersion: rules.current.version }, 503);
    }
    return c.json({ status: 'ok', ruleSetVersion: rules.current.version });
  });
}
