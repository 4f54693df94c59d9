import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { AlertsQuery, AreaAlert, EvaluateRequest, SightingRequest } from '../../contract/exchange.js';
import { DomainError, validationError } from '../../errors.js';
import type { Exchange } from '../../exchange/exchange.js';
import type { Logger } from '../../log.js';
import { errorHandler, problemBody, problemResponse } from '../problem.js';

/** Every member message is small: a few blinded elements, a linking id, or one alert. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * The exchange's HTTP API (`vouchsafe exchange`). Every route but /livez is signed by a member
 * (src/exchange/signing.ts); a request that fails authentication or validation is answered with a
 * problem and changes nothing.
 */
export function createExchangeApp(exchange: Exchange, logger: Logger): Hono {
  const app = new Hono();
  app.onError(errorHandler(logger));
  app.notFound((c) => problemResponse(problemBody(c, 'not_found')));

  /** The member and the parsed body of a signed request. */
  async function signed<T extends z.ZodType>(c: Context, schema: T | undefined): Promise<{ memberId: string; body: z.infer<T> }> {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) throw new DomainError('payload_too_large', `At most ${MAX_BODY_BYTES} bytes`);
    const text = await c.req.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new DomainError('payload_too_large', `At most ${MAX_BODY_BYTES} bytes`);
    const url = new URL(c.req.url);
    const memberId = await exchange.authenticate({
      method: c.req.method,
      pathAndQuery: url.pathname + url.search,
      body: text,
      header: (name) => c.req.header(name),
    });
    if (!schema) return { memberId, body: undefined as z.infer<T> };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DomainError('malformed_json', 'The body is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw validationError(parsed.error);
    return { memberId, body: parsed.data };
  }

  app.get('/livez', (c) => c.json({ status: 'ok' }));

  app.post('/v1/cards/evaluate', async (c) => {
    const { memberId, body } = await signed(c, EvaluateRequest);
    return c.json(exchange.evaluate(memberId, body));
  });

  app.post('/v1/cards/sightings', async (c) => {
    const { memberId, body } = await signed(c, SightingRequest);
    return c.json(await exchange.sight(memberId, body));
  });

  app.post('/v1/alerts', async (c) => {
    const { memberId, body } = await signed(c, AreaAlert);
    return c.json(await exchange.publishAlert(memberId, body), 201);
  });

  app.get('/v1/alerts', async (c) => {
    const { memberId } = await signed(c, undefined);
    const query = AlertsQuery.safeParse({ district: c.req.queries('district') ?? [], since: c.req.query('since') });
    if (!query.success) throw validationError(query.error, 'query');
    return c.json({ alerts: await exchange.alerts(memberId, query.data.district, Date.parse(query.data.since)) });
  });

  return app;
}
