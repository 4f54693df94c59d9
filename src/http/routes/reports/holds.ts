import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { storeScope } from '../../../access/store-scope.js';
import { HoldsReport } from '../../../contract/holds-report.js';
import { PeriodQuery } from '../../../contract/reports.js';
import { buildHoldsReport } from '../../../reports/holds.js';
import { resolvePeriod } from '../../../reports/period.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, header, json, queryErrors } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/reports/holds',
  operationId: 'getHoldsReport',
  tags: ['Reports'],
  summary: 'Holds: what supervisors decided, how fast, and which releases proved costly',
  description: [
    'Holds opened in the period (a hold belongs to the store’s calendar day, in VOUCHSAFE_TIMEZONE, on which it was opened), and what became of them: released, refused or expired (nobody decided by the deadline, which counts as refused). A hold still open past its deadline counts as expired. A check held again after a release (a basket asking for more than was released) counts as two holds, and a release counts at the stored value of the basket it was made for.',
    '',
    '- **timeToSupervisor**: seconds from the hold to a supervisor’s release or refusal, median and 90th percentile (nearest rank). Holds closed by the customer’s answers, by the outcome or by the deadline are not timed.',
    '- **releasedThenScam**: released holds whose own outcome is `scam_confirmed`, or whose customer (by loyalty id or card token) had a confirmed scam within 30 days after: the costly mistakes.',
    '- **openNow**: holds waiting right now in these stores, whenever they were opened. **byDay**: the trend, every day of the period.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  request: { query: PeriodQuery },
  responses: {
    200: json(HoldsReport, 'The figures.', header.cacheControl),
    ...queryErrors,
    ...commonErrors,
  },
});

export function registerHoldsReport(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { store, clock, timeZone } = c.get('services');
    const now = clock();
    const report = await buildHoldsReport(store, { period: resolvePeriod(query, now, timeZone), storeIds: storeScope(c.get('principal'), query.storeId) }, now);
    c.header('Cache-Control', 'private, no-store');
    return c.json(report, 200);
  });
}
