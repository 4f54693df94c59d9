import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ApiKey, KeyId } from '../../../contract/keys.js';
import { ApiError } from '../../../errors.js';
import type { AppEnv } from '../../env.js';
import { requireRole } from '../../middleware/auth.js';
import { commonErrors, conflict, json, notFound } from '../responses.js';
import { toApiKey } from './shape.js';

const route = createRoute({
  method: 'delete',
  path: '/v1/keys/{keyId}',
  tags: ['Keys'],
  summary: 'Revoke an API key',
  description:
    'Revokes a key at once on this node (other nodes within 30 seconds). Revoking a revoked key changes nothing. The last active admin key cannot be revoked, so the service is never locked out. Recorded in the audit log.',
  middleware: [requireRole('admin')] as const,
  request: { params: z.object({ keyId: KeyId.meta({ param: { name: 'keyId', in: 'path' } }) }) },
  responses: {
    200: json(ApiKey, 'The key, revoked.'),
    ...commonErrors,
    ...notFound,
    ...conflict('This is the last active admin key (`conflict`).'),
  },
});

export function registerRevokeKey(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const { keyId } = c.req.valid('param');
    const principal = c.get('principal');
    const { store, keys, clock } = c.get('services');
    const now = clock();
    const row = store.transaction(() => {
      const key = store.keys.findById(keyId);
      if (!key) throw new ApiError(404, 'not_found', { detail: `No key ${keyId}` });
      if (key.revokedAt !== null) return key;
      if (key.role === 'admin' && store.keys.activeAdminCount() <= 1) {
        throw new ApiError(409, 'conflict', { detail: 'This is the last active admin key; make another admin key first' });
      }
      store.keys.revoke(keyId, now);
      store.audit.append({ at: now, actor: principal.keyId, action: 'key.revoked', subject: keyId, detail: { name: key.name, role: key.role } });
      return { ...key, revokedAt: now };
    });
    keys.forget(keyId);
    return c.json(toApiKey(row), 200);
  });
}
