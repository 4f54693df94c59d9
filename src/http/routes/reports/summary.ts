import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MAX_REPORT_DAYS, Summary, SummaryQuery } from '../../../contract/reports.js';
import { resolvePeriod } from '../../../reports/period.js';
import { storeScope } from '../../../access/store-scope.js';
import { ALL_GROUPINGS, buildSummary } from '../../../reports/summary.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, header, json, queryErrors } from '../responses.js';

const FIGURE_DEFINITIONS = [
  '**How every figure is defined**, so that it can be reconciled with the checks export (`GET /v1/reports/checks.csv`, one row per check):',
  '',
  '- **Period.** The store’s calendar days in its time zone (VOUCHSAFE_TIMEZONE, default Europe/London; `timeZone` in the answer), `from` and `to` both included. A check belongs to the date its `occurredAt` (when the till captured the basket) falls on in the store, its business day: a check at 00:30 BST on 30 March counts on 30 March, and the days the clocks change have 23 and 25 hours. A check is counted once however often it was decided again, with its basket, decision and outcome as they stand now.',
  '- **checks**: checks in the period and stores. **checksWithStoredValue**: those whose basket holds stored value (any line but merchandise) worth more than 0.',
  '- **actions**: checks by their latest decision (`allow`, `prompt`, `hold`, `refuse`).',
  '- **warned**: checks that any decision prompted, held or refused, even if answers later allowed them. In the export: `warned = true`.',
  '- **promptRate** = warned checks with stored value ÷ checksWithStoredValue: how often an ordinary-looking sale was interrupted.',
  '- **outcomes**: checks by recorded outcome; `none` when no outcome was recorded.',
  '- **stops**: warned checks whose outcome is `scam_confirmed`, `refused` or `abandoned`. **stopRate** = stops ÷ warned checks with any outcome recorded (`warnedWithOutcome`).',
  '- **warnedThenSold**: warned checks whose outcome is `proceeded` or `proceeded_after_warning`.',
  '- **valueProtected**: the stored value of baskets whose outcome is `scam_confirmed` or `refused` (warned or not: a colleague may refuse on their own judgement), or `abandoned` after a warning. By currency, in minor units; the export has it per check in `value_protected`.',
  '- **rules**: the rules matched by each check’s latest decision. A check matched by several rules counts once for each. Shadow rules are listed apart and never among the top rules.',
  '',
  `Every ratio is computed from the row’s own summed counts. Periods are at most ${MAX_REPORT_DAYS} days. A key limited to some stores sees only those stores.`,
].join('\n');

const route = createRoute({
  method: 'get',
  path: '/v1/reports/summary',
  operationId: 'getReportSummary',
  tags: ['Reports'],
  summary: 'What Vouchsafe prevented, where, and at what cost',
  description: [
    'Checks by decision and outcome, value protected, prompt and stop rates, top rules, and breakdowns by day, store, age band and lane, for a period and a set of stores. Read from daily roll-ups kept as checks are written, so it answers quickly whatever the history.',
    '',
    FIGURE_DEFINITIONS,
  ].join('\n'),
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  request: { query: SummaryQuery },
  responses: {
    200: json(Summary, 'The figures.', header.cacheControl),
    ...queryErrors,
    ...commonErrors,
  },
});

export function registerSummary(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { store, clock, timeZone } = c.get('services');
    const now = clock();
    const summary = await buildSummary(
      store,
      {
        period: resolvePeriod(query, now, timeZone),
        storeIds: storeScope(c.get('principal'), query.storeId),
        groupBy: new Set(query.groupBy ?? ALL_GROUPINGS),
      },
      now,
    );
    c.header('Cache-Control', 'private, no-store');
    return c.json(summary, 200);
  });
}
