import { randomUUID } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, type TextMapGetter } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { withLogContext } from '../../log.js';
import { inSpan, tracing } from '../../tracing.js';
import type { AppEnv } from '../env.js';

/**
 * An id the proxy in front already gave the request: short, and of characters that need no escaping
 * in a header or a log line. Anything else is replaced, never cut or cleaned.
 */
const WELL_FORMED_ID = /^[A-Za-z0-9][A-Za-z0-9._:/+=@-]{0,127}$/;

const HEADERS: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => {
    const names: string[] = [];
    headers.forEach((_, name) => names.push(name));
    return names;
  },
};

/** The route pattern the request matched, never the raw path: ids would make every request its own. */
const routeOf = (c: Context<AppEnv>) => (c.req.routePath === '/*' ? 'unmatched' : c.req.routePath);

/**
 * Gives the request its id (the one the trusted proxy sent, if well formed; otherwise a new one), on
 * the response and on every log line written while it is answered; and, while tracing, its server
 * span, a child of the caller's `traceparent` if it sent one, so one till's check can be followed
 * through several nodes.
 */
export function requestContext({ trustProxy }: { trustProxy: boolean }) {
  return createMiddleware<AppEnv>(async function requestContext(c, next) {
    // Only a proxy we were told to trust may name the request: a client could otherwise put one id
    // on many requests, or another request's id on its own, and muddle the log.
    const offered = trustProxy ? c.req.header('x-request-id') : undefined;
    const requestId = offered !== undefined && WELL_FORMED_ID.test(offered) ? offered : randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    if (!tracing()) return withLogContext({ requestId }, next);
    const parent = propagation.extract(ROOT_CONTEXT, c.req.raw.headers, HEADERS);
    const method = c.req.method;
    return context.with(parent, () =>
      inSpan(method, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, 'vouchsafe.request_id': requestId } }, async (span) => {
        await withLogContext({ requestId, ...(span ? { traceId: span.spanContext().traceId } : {}) }, next);
        const route = routeOf(c);
        span?.updateName(`${method} ${route}`);
        span?.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: c.res.status });
        if (c.res.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
      }),
    );
  });
}

/**
 * Counts and times every request by its route pattern, and writes its access log line (unless turned
 * off): method, route, status, duration, the key that called, and (from the request's log context) its
 * request id and the store it acted for.
 */
export function observe({ accessLog }: { accessLog: boolean }) {
  return createMiddleware<AppEnv>(async function observe(c, next) {
    const started = performance.now();
    await next();
    const { metrics, logger } = c.get('services');
    const route = routeOf(c);
    const seconds = (performance.now() - started) / 1000;
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.requestSeconds.observe({ method: c.req.method, route }, seconds);
    if (accessLog) {
      logger.info('request', {
        method: c.req.method,
        route,
        status: c.res.status,
        durationMs: Math.round(seconds * 10_000) / 10,
        keyId: c.get('principal')?.keyId ?? null,
      });
    }
  });
}
