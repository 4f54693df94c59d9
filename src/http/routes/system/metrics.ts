import type { Hono } from 'hono';
import type { AppEnv } from '../../env.js';

export function registerMetrics(app: Hono<AppEnv>) {
  app.get('/metrics', async (c) => {
    const { registry } = c.get('services').metrics;
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
}
