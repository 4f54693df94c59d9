import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { registerBacktest } from './backtest.js';
import { registerGetRules } from './get.js';
import { registerOfflinePolicy } from './offline-policy.js';
import { registerPublishRules } from './publish.js';
import { registerRuleReview } from './review.js';
import { registerShadowReport } from './shadow.js';
import { registerRuleVersions } from './versions.js';

export function registerRules(api: OpenAPIHono<AppEnv>) {
  registerGetRules(api);
  registerOfflinePolicy(api);
  registerPublishRules(api);
  registerRuleVersions(api);
  registerRuleReview(api);
  registerBacktest(api);
  registerShadowReport(api);
}
