import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { Liveness } from '../../../contract/system.js';
import type { AppEnv } from '../../env.js';
import { json } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/livez',
  operationId: 'getLiveness',
  tags: ['System'],
  summary: 'Liveness probe',
  description:
    'For an orchestrator’s liveness probe: 200 as long as the process’s event loop answers. It touches no database, so an outage of the database never gets a node restarted (that is what readiness, `GET /healthz`, reports: a node that cannot reach its database is taken out of rotation, not killed). No key needed.',
  security: [],
  responses: { 200: json(Liveness, 'The process is alive.') },
});

export function registerLiveness(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, (c) => c.json({ status: 'ok' as const }, 200));
}
