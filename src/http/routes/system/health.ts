import type { Hono } from 'hono';
import type { AppEnv } from '../../env.js';

export function registerHealth(app: Hono<AppEnv>) {
  app.get('/healthz', (c) => {
    const { store, rules } = c.get('services');
    store.ping();
    return c.json({ status: 'ok', ruleSetVersion: rules.current.version });
  });
}
