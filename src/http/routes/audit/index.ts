import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { AuditLog, AuditQuery } from '../../../contract/audit.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json, queryErrors } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/audit',
  operationId: 'listAuditEntries',
  tags: ['Keys'],
  summary: 'The audit log',
  description: 'Every change to keys and rules — who, when, what — newest first. The log is append-only: the database refuses updates and deletes. One log for both worlds (what test admin keys did is in it too), read with a live admin key only.',
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: { query: AuditQuery },
  responses: { 200: json(AuditLog, 'The newest entries.'), ...queryErrors, ...commonErrors },
});

export function registerAudit(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { limit } = c.req.valid('query');
    const entries = (await c.get('services').store.audit.recent(limit)).map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() }));
    return c.json({ entries }, 200);
  });
}
