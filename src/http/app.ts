import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { DomainError, validationError } from '../errors.js';
import type { Services } from '../services.js';
import { type OriginPattern, originAllowed } from './cors-origins.js';
import { registerDashboard } from './dashboard/index.js';
import type { AppEnv, Edge } from './env.js';
import { failedKeyLimiter } from './failed-keys.js';
import { authenticate } from './middleware/auth.js';
import { jsonBody } from './middleware/json-body.js';
import { observe, requestContext } from './middleware/observe.js';
import { registerAudit } from './routes/audit/index.js';
import { registerCases } from './routes/cases/index.js';
import { registerChecks } from './routes/checks/index.js';
import { registerKeys } from './routes/keys/index.js';
import { registerReports } from './routes/reports/index.js';
import { registerReviews } from './routes/reviews/index.js';
import { registerRules } from './routes/rules/index.js';
import { registerDocs } from './routes/system/docs.js';
import { registerHealth } from './routes/system/health.js';
import { registerLiveness } from './routes/system/liveness.js';
import { registerMetrics } from './routes/system/metrics.js';
import { registerProblems } from './routes/system/problems.js';
import { registerOpenApiDocument } from './openapi.js';
import { registerStores } from './routes/stores/index.js';
import { registerTillTokens } from './routes/till-tokens/index.js';
import { registerWebhooks } from './routes/webhooks/index.js';
import { errorHandler, problemBody, problemResponse } from './problem.js';

/** A check with 500 lines is about 100 KB; anything far beyond that is not a till. */
const MAX_BODY_BYTES = 256 * 1024;

export const API_VERSION = '1.0.0';

export interface AppOptions {
  /** Web origins (or `https://*.domain` patterns) allowed to call /v1 from a browser (a browser-based till); none by default. */
  corsOrigins?: readonly OriginPattern[];
  /** Behind a TLS proxy: believe X-Forwarded-Proto and X-Forwarded-For. */
  trustProxy?: boolean;
  /** Wrong keys one client may send in a minute before 429. */
  failedKeysPerMinute?: number;
  /** /metrics on this listener: with this bearer token or an admin key (`keyed`), or not at all (`elsewhere`: a separate listener serves it). */
  metrics?: { on: 'keyed'; key?: string | undefined } | { on: 'elsewhere' };
  /** A log line for every request answered (VOUCHSAFE_ACCESS_LOG); on unless turned off. */
  accessLog?: boolean;
}

export function createApp(
  services: Services,
  { corsOrigins = [], trustProxy = false, failedKeysPerMinute = 20, metrics = { on: 'keyed' }, accessLog = true }: AppOptions = {},
) {
  const edge: Edge = { trustProxy, failedKeys: failedKeyLimiter({ perMinute: failedKeysPerMinute, clock: services.clock, logger: services.logger }) };
  const app = new OpenAPIHono<AppEnv>({
    defaultHook(result) {
      if (result.success) return;
      // A malformed id in the path names nothing: it is a 404, like an id that does not exist.
      if (result.target === 'param') throw new DomainError('not_found');
      throw validationError(result.error, result.target === 'query' ? 'query' : 'body');
    },
  });

  app.use(requestContext({ trustProxy }));
  app.use(async function provideServices(c, next) {
    c.set('services', services);
    c.set('edge', edge);
    services.activity.inFlight += 1;
    try {
      await next();
    } finally {
      services.activity.inFlight -= 1;
    }
  });
  // Outside the wait for the commit: a request's time and status are the ones its caller saw.
  app.use(observe({ accessLog }));
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  app.use(async function answerOnlyWhenDurable(c, next) {
    await next();
    // With group commit a write lands when its event-loop turn ends: the till hears nothing before that.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await services.store.durable();
  });
  if (corsOrigins.length > 0) {
    // Before authentication: a browser's preflight carries no key.
    app.use(
      '/v1/*',
      cors({
        origin: (origin) => (originAllowed(corsOrigins, origin) ? origin : null),
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
        // traceparent and tracestate: a browser till's check can join the till's own trace.
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id', 'traceparent', 'tracestate'],
        exposeHeaders: ['ETag', 'Location', 'Idempotent-Replayed', 'Retry-After', 'X-Request-Id'],
        maxAge: 600,
      }),
    );
  }
  app.use('/v1/*', authenticate(), jsonBody({ maxBytes: MAX_BODY_BYTES }));

  registerChecks(app);
  registerReviews(app);
  registerCases(app);
  registerKeys(app);
  registerStores(app);
  registerTillTokens(app);
  registerWebhooks(app);
  registerRules(app);
  registerAudit(app);
  registerReports(app);
  registerHealth(app, (origin) => originAllowed(corsOrigins, origin));
  registerLiveness(app);
  if (metrics.on === 'keyed') registerMetrics(app, { key: metrics.key });
  registerDocs(app);
  registerProblems(app);
  registerDashboard(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key made with POST /v1/keys (or the VOUCHSAFE_ADMIN_KEY bootstrap), sent as `Authorization: Bearer vsk_…`; or, from a browser till, a till token from POST /v1/till-tokens (`Bearer vst_…`).',
  });
  registerOpenApiDocument(app, {
    openapi: '3.1.0',
    info: {
      title: 'Vouchsafe',
      version: API_VERSION,
      description:
        'Stops gift-card scams at the till. The till sends the basket and what the colleague sees; Vouchsafe answers allow, prompt, hold or refuse, with the reasons and a short, neutral script for the colleague. Errors are RFC 9457 problem details with a stable `code`.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    // Relative: each deployment serves its own document, and clients resolve paths against where they fetched it.
    servers: [{ url: '/', description: 'The Vouchsafe service that served this document' }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'Checks', description: 'Decisions at the till. A test key (`vsk_test_…`) works on test checks only, a live key on live ones: the other world’s check ids are 404, and its transaction ids are its own.' },
      { name: 'Holds', description: 'Held sales: a supervisor’s release or refusal, and the deadline. Each key sees and decides only its own world’s holds.' },
      { name: 'Cases', description: 'A scam seen at or after the till, followed up by loss prevention: cases, reports afterwards, escalations, the evidence pack. Each key sees only its own world’s and stores’ cases.' },
      { name: 'Rules', description: 'The rule set. One set decides test and live checks alike: every till, analyst and admin key reads it; its versions, changes, shadow counts and back-tests are for live keys only (403 `live_key_required`).' },
      { name: 'Reports', description: 'Loss-prevention figures and exports (analyst, admin), of live checks only; live keys only (403 `live_key_required`).' },
      { name: 'Keys', description: 'API keys (admin). A test admin key makes, lists and revokes test keys only; a live admin key every key. The audit log is for live keys only.' },
      { name: 'Stores', description: 'The stores (admin to change, analyst to read): each one’s time zone, language, currency and location, and the area alerts raised when a scam is stopped at one. Live keys only.' },
      { name: 'Till tokens', description: 'Short-lived tokens for browser tills, minted by the back office.' },
      { name: 'Webhooks', description: 'Events sent as they happen, signed the Standard Webhooks way (admin). A webhook receives only the events of its maker’s world, test or live.' },
      { name: 'System', description: 'Probes for orchestrators and load balancers.' },
    ],
  });

  app.notFound((c) => problemResponse(problemBody(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError(errorHandler(services.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
