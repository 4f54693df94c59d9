import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { registerChecksExport } from './checks-csv.js';
import { registerHoldsReport } from './holds.js';
import { registerSummary } from './summary.js';

export function registerReports(api: OpenAPIHono<AppEnv>) {
  registerSummary(api);
  registerChecksExport(api);
  registerHoldsReport(api);
}
