import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

/** Counts and times every request by its route pattern (never the raw path: ids would explode the label set). */
export function observe() {
  return createMiddleware<AppEnv>(async function observe(c, next) {
    const started = performance.now();
    await next();
    const { metrics } = c.get('services');
    const route = c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.requestSeconds.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
  });
}
