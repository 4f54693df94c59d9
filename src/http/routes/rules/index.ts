import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { registerGetRules } from './get.js';

export function registerRules(api: OpenAPIHono<AppEnv>) {
  registerGetRules(api);
}
