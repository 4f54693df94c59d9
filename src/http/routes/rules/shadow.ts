import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { PeriodQuery } from '../../../contract/reports.js';
import { ShadowReport } from '../../../contract/rule-lifecycle.js';
import { periodBounds, resolvePeriod } from '../../../reports/period.js';
import { storeScope } from '../../../access/store-scope.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { commonErrors, json, queryErrors } from '../responses.js';

const route = createRoute({
  method: 'get',
  path: '/v1/rules/shadow',
  operationId: 'getShadowReport',
  tags: ['Rules'],
  summary: 'How shadow rules would have done',
  description:
    'For each shadow rule (`mode: shadow`): how many checks in the period (the store’s calendar days in VOUCHSAFE_TIMEZONE, both included; default: the last 30 days) it matched, twice: at the first screen, before any answer (`firstScreenHits`, each check’s first decision), and after answers (`hits`, each check’s latest decision) — the stored value of those checks, their recorded outcomes (`none` if not yet recorded) and the action actually enforced. Shadow rules in the active set are listed even with no hits, so a rule that never fires shows up.',
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  request: { query: PeriodQuery },
  responses: { 200: json(ShadowReport, 'Shadow rule hits.'), ...queryErrors, ...commonErrors },
});

export function registerShadowReport(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { store, rules, clock, timeZone } = c.get('services');
    const days = resolvePeriod(query, clock(), timeZone);
    const period = { ...periodBounds(days), storeIds: storeScope(c.get('principal'), query.storeId) };
    const [counted, firstScreen] = await Promise.all([store.ruleHits.counts(period, { shadow: true }), store.ruleHits.shadowFirstScreen(period)]);
    const activeShadow = rules.current.rules.filter((rule) => rule.shadow).map((rule) => rule.id);
    const seen = new Set(counted.map((entry) => entry.ruleId));
    // A rule that matched only at the first screen (the answers took it away) still shows.
    const silent = [...new Set([...activeShadow, ...Object.keys(firstScreen)])]
      .filter((id) => !seen.has(id))
      .map((ruleId) => ({ ruleId, hits: 0, storedValue: 0, byOutcome: {}, byAction: {} }));
    return c.json(
      {
        from: days.from,
        to: days.to,
        rules: [...counted, ...silent].map((entry) => ({ ...entry, firstScreenHits: firstScreen[entry.ruleId] ?? 0, inActiveSet: activeShadow.includes(entry.ruleId) })),
      },
      200,
    );
  });
}
