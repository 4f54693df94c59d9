import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { registerCreateKey } from './create.js';
import { registerListKeys } from './list.js';
import { registerRevokeKey } from './revoke.js';

export function registerKeys(api: OpenAPIHono<AppEnv>) {
  registerCreateKey(api);
  registerListKeys(api);
  registerRevokeKey(api);
}
