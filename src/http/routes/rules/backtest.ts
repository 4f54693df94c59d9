import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { BacktestReport, BacktestRequest } from '../../../contract/rule-lifecycle.js';
import type { RuleSetSource } from '../../../contract/rule-file.js';
import { BacktestBusyError, backtestRunning, BacktestTimeoutError, runBacktest } from '../../../backtest/run.js';
import { DomainError } from '../../../errors.js';
import { HttpProblem } from '../../problem.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { periodBounds, resolvePeriod } from '../../../reports/period.js';
import { storeScope } from '../../../access/store-scope.js';
import { bodyErrors, commonErrors, json, notFound, rateLimited, ruleSetRefused, unavailable } from '../responses.js';

const route = createRoute({
  method: 'post',
  path: '/v1/rules/backtest',
  operationId: 'backtestRules',
  tags: ['Rules'],
  summary: 'Back-test a rule set on stored checks',
  description: [
    'Decides every stored check in the period (the store’s calendar days in VOUCHSAFE_TIMEZONE, both included; default: the last 30 days; at most 366) again with a candidate rule set and with the active one (or `baseline`), from what was recorded when each was decided: the final basket, the colleague’s answers and the customer’s history as it stood then.',
    '',
    'Reports the decisions that would change, with examples, and grades both rule sets against what actually happened at the till: `scam_confirmed` outcomes are scams, `proceeded` and `proceeded_after_warning` are ordinary shopping, anything else is unlabelled. A check counts as stopped or interrupted when its action is `interveneAt` (default `prompt`) or stronger.',
    '',
    'Runs in a worker thread beside the service, one at a time (429 while another runs). A candidate that does not compile or fails its own tests is 422, as for publishing.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['analyst', 'admin'], worlds: 'live' })] as const,
  request: { body: { content: { 'application/json': { schema: BacktestRequest } }, required: true } },
  responses: {
    200: json(BacktestReport, 'The back-test.'),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...ruleSetRefused,
    ...rateLimited('Another back-test is running (`rate_limited`); try again after `Retry-After` seconds.'),
    ...unavailable('The back-test took too long and was stopped (`service_unavailable`).'),
  },
});

export function registerBacktest(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { store, rules, clock, timeZone, workers } = c.get('services');
    // Refused before the candidate is even read: a flood of back-tests must not cost the tills anything.
    if (backtestRunning()) throw new HttpProblem('rate_limited', 'A back-test is already running', { 'Retry-After': '10' });
    const days = resolvePeriod(body, clock(), timeZone);
    const period = { ...periodBounds(days), storeIds: storeScope(c.get('principal'), body.storeIds) };
    const stored = async (version: string) => {
      const row = await store.ruleSets.find(version);
      if (!row) throw new DomainError('not_found', `No rule set version ${version}`);
      return row.source;
    };
    let candidate: RuleSetSource;
    if ('version' in body.candidate) candidate = await stored(body.candidate.version);
    else {
      // Compiled and tested in a worker thread: a candidate built to be slow to compile stalls no till.
      candidate = body.candidate;
      await workers.run({ kind: 'validate-rule-set', source: candidate });
    }
    const baseline = body.baseline ? await stored(body.baseline.version) : rules.current.source;
    try {
      const report = await runBacktest(store, {
        baseline,
        candidate,
        period,
        options: { from: days.from, to: days.to, interveneAt: body.interveneAt, examples: body.examples },
      });
      return c.json(report, 200);
    } catch (error) {
      if (error instanceof BacktestBusyError) {
        throw new HttpProblem('rate_limited', error.message, { 'Retry-After': '10' });
      }
      if (error instanceof BacktestTimeoutError) throw new DomainError('service_unavailable', error.message);
      throw error;
    }
  });
}
