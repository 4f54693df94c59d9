import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { CaseId } from '../../contract/cases.js';
import { ChecksExportQuery } from '../../contract/reports.js';
import { EVIDENCE_CSP, evidencePage } from '../routes/cases/evidence-page.js';
import { checksCsv } from '../routes/reports/checks-csv.js';
import { minorUnitsPerMajor } from '../../engine/index.js';
import { DomainError } from '../../errors.js';
import { type Period, resolvePeriod } from '../../reports/period.js';
import { storeScope } from '../../access/store-scope.js';
import { buildHoldsReport } from '../../reports/holds.js';
import { ALL_GROUPINGS, buildSummary } from '../../reports/summary.js';
import type { HoldsReport } from '../../contract/holds-report.js';
import type { AppEnv } from '../env.js';
import { registerDashboardAssets } from './assets.js';
import { DashboardPage, SignInPage } from './pages.js';
import { dashboardRefusal, endSession, requireSession, startSession } from './session.js';
import { presentKey } from '../middleware/auth.js';

const LATEST_INTERVENTIONS = 12;
const WAITING_SHOWN = 10;
const CASES_SHOWN = 20;

/** Scripts, styles and forms from this service only; no frames, no plugins. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function pageHeaders(c: Context<AppEnv>) {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('Cache-Control', 'private, no-store');
}

interface Selection {
  period: Period;
  storeIds: string[] | null;
  selectedStore: string | undefined;
  error: string | undefined;
}

/** The page's form as the API's query parameters: fields left empty ("All stores") are left out. */
function formQuery(c: Context<AppEnv>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    const filled = values.filter((value) => value !== '');
    if (filled.length > 0) query[name] = filled.length === 1 ? filled[0]! : filled;
  }
  return query;
}

/** The period and stores the page asks for; a bad choice falls back to the defaults, with the reason shown. */
function select(c: Context<AppEnv>): Selection {
  const { clock, timeZone } = c.get('services');
  const now = clock();
  const principal = c.get('principal');
  const parsed = ChecksExportQuery.safeParse(formQuery(c));
  try {
    if (!parsed.success) throw new DomainError('validation_failed', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    return { period: resolvePeriod(parsed.data, now, timeZone), storeIds: storeScope(principal, parsed.data.storeId), selectedStore: parsed.data.storeId?.[0], error: undefined };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { period: resolvePeriod({}, now, timeZone), storeIds: storeScope(principal, undefined), selectedStore: undefined, error: `Showing the last 30 days instead: ${error.detail ?? error.message}` };
  }
}

/** The series the page's script draws, in the summary's own numbers. Value is charted for the main currency. */
function chartData(summary: Awaited<ReturnType<typeof buildSummary>>, holds: HoldsReport): string {
  const days = summary.byDay ?? [];
  const currency = Object.entries(summary.totals.storedValue).sort(([, a], [, b]) => b - a)[0]?.[0] ?? 'GBP';
  const data = {
    currency,
    days: days.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000),
    checks: days.map((day) => day.checks),
    warned: days.map((day) => day.warned),
    stops: days.map((day) => day.stops),
    valueProtected: days.map((day) => (day.valueProtected[currency] ?? 0) / minorUnitsPerMajor(currency)),
    holds: {
      days: holds.byDay.map((day) => Date.parse(`${day.day}T00:00:00Z`) / 1000),
      opened: holds.byDay.map((day) => day.opened),
      released: holds.byDay.map((day) => day.released),
      refused: holds.byDay.map((day) => day.refused),
      expired: holds.byDay.map((day) => day.expired),
    },
  };
  // Inside <script>, "</" would end the element early.
  return JSON.stringify(data).replaceAll('<', '\\u003c');
}

export function registerDashboard(app: OpenAPIHono<AppEnv>) {
  registerDashboardAssets(app);
  app.use('/dashboard/sign-in', bodyLimit({ maxSize: 4096 }), csrf());
  app.use('/dashboard/sign-out', csrf());

  app.get('/dashboard/sign-in', (c) => {
    pageHeaders(c);
    return c.html(<SignInPage />);
  });

  app.post('/dashboard/sign-in', async (c) => {
    pageHeaders(c);
    const form = await c.req.parseBody();
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const verdict = await presentKey(c, key, 'dashboard sign-in');
    if (verdict.retryAfter !== undefined) {
      c.header('Retry-After', String(verdict.retryAfter));
      return c.html(<SignInPage error={`Too many wrong keys from here. Try again in ${verdict.retryAfter} seconds.`} />, 429);
    }
    const { principal } = verdict;
    if (!principal) return c.html(<SignInPage error="That key is not recognised, or it has been revoked." />, 401);
    const refusal = dashboardRefusal(principal);
    if (refusal === 'test_key') {
      return c.html(<SignInPage error="That is a test key. The dashboard shows live figures only: sign in with a live analyst or admin key." />, 403);
    }
    if (refusal === 'forbidden') {
      return c.html(<SignInPage error={`That is a ${principal.role} key. The dashboard needs an analyst or admin key.`} />, 403);
    }
    await startSession(c, principal);
    return c.redirect('/dashboard', 303);
  });

  app.post('/dashboard/sign-out', async (c) => {
    await endSession(c);
    return c.redirect('/dashboard/sign-in', 303);
  });

  app.get('/dashboard', requireSession(), async (c) => {
    pageHeaders(c);
    const { store, clock } = c.get('services');
    const principal = c.get('principal');
    const { period, storeIds, selectedStore, error } = select(c);
    const now = clock();
    const summary = await buildSummary(store, { period, storeIds, groupBy: new Set(ALL_GROUPINGS) }, now);
    const holds = await buildHoldsReport(store, { period, storeIds }, now);
    const waiting = (await c.get('services').reviews.list(principal, { status: 'open', limit: WAITING_SHOWN, ...(selectedStore ? { storeId: selectedStore } : {}) })).reviews;
    const openCases = await c.get('services').cases.open(principal, selectedStore, CASES_SHOWN);
    const interventions = await store.reports.latestInterventions({ fromDay: period.fromDay, toDay: period.toDay, storeIds }, LATEST_INTERVENTIONS);
    const visible = (await store.reports.storeIds()).filter((id) => principal.storeIds === null || principal.storeIds.includes(id));
    const query = new URLSearchParams({ from: period.from, to: period.to, ...(selectedStore ? { storeId: selectedStore } : {}) });
    // The map shows every store, so only a key for every store sees it.
    const area =
      principal.storeIds === null
        ? { stores: c.get('services').registry.list(), alerts: await store.areaAlerts.raisedSince(now - 24 * 3_600_000, 200), unknownStores: await store.stores.unknown(), now, timeZone: c.get('services').timeZone }
        : undefined;
    return c.html(
      <DashboardPage
        principal={principal}
        summary={summary}
        holds={holds}
        waiting={waiting}
        interventions={interventions}
        stores={visible}
        selectedStore={selectedStore}
        error={error}
        chartData={chartData(summary, holds)}
        csvHref={`/dashboard/checks.csv?${query}`}
        cases={{ open: openCases, now, freezeAnswerWithinMs: c.get('services').freezeAnswerWithinMs }}
        area={area}
      />,
    );
  });

  // The evidence pack for people, under the dashboard's session: a link from the page carries no API key.
  app.get('/dashboard/cases/:caseId/evidence', requireSession(), async (c) => {
    const caseId = CaseId.safeParse(c.req.param('caseId'));
    if (!caseId.success) throw new DomainError('not_found', `No case ${c.req.param('caseId')}`);
    const pack = await c.get('services').cases.evidence(c.get('principal'), caseId.data);
    c.header('Content-Security-Policy', EVIDENCE_CSP);
    c.header('Cache-Control', 'private, no-store');
    return c.html(evidencePage(pack));
  });

  app.get('/dashboard/checks.csv', requireSession(), async (c) => {
    const { period, storeIds, error } = select(c);
    if (error) throw new DomainError('validation_failed', error);
    return checksCsv(c, period, storeIds);
  });
}
