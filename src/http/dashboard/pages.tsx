import type { Child, FC } from 'hono/jsx';
import type { Principal } from '../../access/api-keys.js';
import { AgeBand } from '../../contract/enums.js';
import type { HoldsReport } from '../../contract/holds-report.js';
import type { Figures, RuleFigures, Summary } from '../../contract/reports.js';
import type { ReviewRecord } from '../../contract/review.js';
import type { CheckReportRow } from '../../store/index.js';
import { formatCount, formatDateTime, formatDay, formatMoneyByCurrency, formatRate, words } from './format.js';
import { HoldsSection } from './holds.js';
import { CasesSection } from './cases.js';
import type { CaseSummary } from '../../contract/cases.js';
import { AreaSection, type AreaView } from './area.js';

const AGE_LABELS: Record<(typeof AgeBand.options)[number], string> = {
  under_20: 'Under 20', '20_29': '20–29', '30_39': '30–39', '40_49': '40–49', '50_59': '50–59',
  '60_69': '60–69', '70_79': '70–79', '80_plus': '80 and over', unknown: 'Not known',
};

const Layout: FC<{ title: string; children: Child }> = ({ title, children }) => (
  <html lang="en-GB">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/dashboard/assets/uPlot.min.css" />
      <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
    </head>
    <body>
      <a class="skip" href="#main">Skip to the figures</a>
      {children}
    </body>
  </html>
);

export const SignInPage: FC<{ error?: string | undefined }> = ({ error }) => (
  <Layout title="Sign in — Vouchsafe">
    <main id="main" class="sign-in">
      <h1>Vouchsafe loss-prevention dashboard</h1>
      <p>Sign in with an analyst or admin API key. The key is checked once; your browser then keeps a session cookie for eight hours, not the key.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form method="post" action="/dashboard/sign-in">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" required minlength={32} maxlength={200} />
        <button type="submit">Sign in</button>
      </form>
    </main>
  </Layout>
);

const Headline: FC<{ label: string; value: string; note?: string; id: string }> = ({ label, value, note, id }) => (
  <div class="headline">
    <dt>{label}</dt>
    <dd data-figure={id}>{value}</dd>
    {note && <dd class="note">{note}</dd>}
  </div>
);

const FigureCells: FC<{ row: Figures }> = ({ row }) => (
  <>
    <td>{formatCount(row.checks)}</td>
    <td>{formatCount(row.warned)}</td>
    <td>{formatRate(row.promptRate)}</td>
    <td>{formatCount(row.stops)}</td>
    <td>{formatRate(row.stopRate)}</td>
    <td>{formatMoneyByCurrency(row.valueProtected)}</td>
  </>
);
const FIGURE_HEADERS = ['Checks', 'Warned', 'Prompt rate', 'Stops', 'Stop rate', 'Value protected'];

const RuleTable: FC<{ caption: string; rules: RuleFigures[]; id: string }> = ({ caption, rules, id }) => (
  <table id={id}>
    <caption>{caption}</caption>
    <thead>
      <tr>
        <th scope="col">Rule</th>
        <th scope="col">Hits</th>
        <th scope="col">Stops</th>
        <th scope="col">Value protected</th>
      </tr>
    </thead>
    <tbody>
      {rules.length === 0 ? (
        <tr>
          <td colspan={4}>None in this period.</td>
        </tr>
      ) : (
        rules.map((rule) => (
          <tr>
            <th scope="row">
              <code>{rule.ruleId}</code>
            </th>
            <td>{formatCount(rule.hits)}</td>
            <td>{formatCount(rule.stops)}</td>
            <td>{formatMoneyByCurrency(rule.valueProtected)}</td>
          </tr>
        ))
      )}
    </tbody>
  </table>
);

export interface DashboardView {
  principal: Principal;
  summary: Summary;
  holds: HoldsReport;
  /** Holds waiting for a supervisor now, longest first. */
  waiting: ReviewRecord[];
  interventions: CheckReportRow[];
  stores: string[];
  selectedStore: string | undefined;
  error: string | undefined;
  /** What the charts draw, as JSON for the page's script. */
  chartData: string;
  csvHref: string;
  /** Cases not yet closed, newest first, and the time their ages are counted to. */
  cases: { open: CaseSummary[]; now: number; freezeAnswerWithinMs: number };
  /** Area alerts and the stores they reached; admins and analysts of every store only. */
  area?: AreaView | undefined;
}

export const DashboardPage: FC<DashboardView> = ({ principal, summary, holds, waiting, interventions, stores, selectedStore, error, chartData, csvHref, cases, area }) => {
  const { totals } = summary;
  const top = (rules: RuleFigures[]) => rules.slice(0, 10);
  return (
    <Layout title="Dashboard — Vouchsafe">
      <header class="top">
        <p class="brand">Vouchsafe · loss prevention</p>
        <form method="post" action="/dashboard/sign-out" class="sign-out">
          <span>
            Signed in as <strong>{principal.name}</strong> ({principal.role}
            {principal.storeIds ? `, ${principal.storeIds.length} store${principal.storeIds.length === 1 ? '' : 's'}` : ''})
          </span>
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main id="main">
        <h1>
          What Vouchsafe prevented, {formatDay(summary.from)} to {formatDay(summary.to)}
        </h1>
        <form method="get" action="/dashboard" class="filters">
          <label>
            From <input type="date" name="from" value={summary.from} />
          </label>
          <label>
            To <input type="date" name="to" value={summary.to} />
          </label>
          <label>
            Store{' '}
            <select name="storeId">
              <option value="">{principal.storeIds ? 'All my stores' : 'All stores'}</option>
              {stores.map((store) => (
                <option value={store} selected={store === selectedStore}>
                  {store}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button>
          <a href={csvHref} download>
            Download these checks (CSV)
          </a>
        </form>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="small">Days are calendar days in {summary.timeZone}, the store’s time zone. Figures are defined in the API reference (GET /v1/reports/summary) and match it exactly.</p>

        <section aria-labelledby="headline-title">
          <h2 id="headline-title">Headline figures</h2>
          <dl class="headlines">
            <Headline id="valueProtected" label="Value protected" value={formatMoneyByCurrency(totals.valueProtected)} note="refused, confirmed scams and walk-aways after a warning" />
            <Headline id="stops" label="Stops" value={formatCount(totals.stops)} note={`${formatRate(totals.stopRate)} of warnings with an outcome`} />
            <Headline id="checks" label="Checks" value={formatCount(totals.checks)} note={`${formatMoneyByCurrency(totals.storedValue)} of stored value`} />
            <Headline id="promptRate" label="Prompt rate" value={formatRate(totals.promptRate)} note={`${formatCount(totals.warned)} shoppers asked`} />
            <Headline id="warnedThenSold" label="Asked, then sold" value={formatCount(totals.warnedThenSold)} note="warned shoppers who bought as planned" />
          </dl>
        </section>

        <section aria-labelledby="trend-title">
          <h2 id="trend-title">Checks and stops by day</h2>
          <figure>
            <div id="trend-chart" class="chart" role="img" aria-label="Line chart of checks, warnings and stops per day; the same figures are in the table below." />
            <figcaption>Checks (left axis); warned checks and stops (right axis).</figcaption>
          </figure>
          <figure>
            <div id="value-chart" class="chart" role="img" aria-label="Bar chart of value protected per day; the same figures are in the table below." />
            <figcaption id="value-caption">Value protected per day.</figcaption>
          </figure>
          <details>
            <summary>The same by day, as a table</summary>
            <table id="by-day">
              <caption>Figures by day</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {FIGURE_HEADERS.map((header) => <th scope="col">{header}</th>)}
                </tr>
              </thead>
              <tbody>
                {(summary.byDay ?? []).map((day) => (
                  <tr>
                    <th scope="row">{formatDay(day.day)}</th>
                    <FigureCells row={day} />
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <script type="application/json" id="chart-data" dangerouslySetInnerHTML={{ __html: chartData }} />
        </section>

        <section aria-labelledby="stores-title">
          <h2 id="stores-title">Stores</h2>
          <table id="by-store">
            <caption>Stores ranked by stops, then by checks</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Store</th>
                {FIGURE_HEADERS.map((header) => <th scope="col">{header}</th>)}
              </tr>
            </thead>
            <tbody>
              {(summary.byStore ?? []).map((store) => (
                <tr>
                  <td>{store.rank}</td>
                  <th scope="row">{store.storeId}</th>
                  <FigureCells row={store} />
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <HoldsSection report={holds} waiting={waiting} />
        <CasesSection cases={cases.open} now={cases.now} freezeAnswerWithinMs={cases.freezeAnswerWithinMs} timeZone={summary.timeZone} />
        {area && <AreaSection view={area} />}

        <section aria-labelledby="rules-title" class="pair">
          <h2 id="rules-title">Top rules</h2>
          <RuleTable id="rules-by-hits" caption="By hits" rules={top(summary.rules?.byHits ?? [])} />
          <RuleTable id="rules-by-stops" caption="By stops" rules={top(summary.rules?.byStops ?? [])} />
          {(summary.rules?.shadow.length ?? 0) > 0 && <RuleTable id="rules-shadow" caption="Shadow rules (recorded, not enforced)" rules={summary.rules!.shadow} />}
        </section>

        <section aria-labelledby="ages-title">
          <h2 id="ages-title">By age band</h2>
          <table id="by-age-band">
            <caption>Figures by the customer’s age band</caption>
            <thead>
              <tr>
                <th scope="col">Age band</th>
                {FIGURE_HEADERS.map((header) => <th scope="col">{header}</th>)}
              </tr>
            </thead>
            <tbody>
              {(summary.byAgeBand ?? []).map((band) => (
                <tr>
                  <th scope="row">{AGE_LABELS[band.ageBand]}</th>
                  <FigureCells row={band} />
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="latest-title">
          <h2 id="latest-title">Latest interventions</h2>
          <table id="interventions">
            <caption>The latest checks that were prompted, held or refused</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Store</th>
                <th scope="col">Age band</th>
                <th scope="col">Stored value</th>
                <th scope="col">Decision</th>
                <th scope="col">Rules</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {interventions.length === 0 ? (
                <tr>
                  <td colspan={7}>None in this period.</td>
                </tr>
              ) : (
                interventions.map((check) => (
                  <tr>
                    <th scope="row">{formatDateTime(check.occurredAt, summary.timeZone)}</th>
                    <td>
                      {check.storeId} · {check.tillId}
                    </td>
                    <td>{AGE_LABELS[check.ageBand]}</td>
                    <td>{formatMoneyByCurrency({ [check.currency]: check.storedValue })}</td>
                    <td>{check.action}</td>
                    <td>{check.rules.join(', ')}</td>
                    <td>{check.outcome ? words(check.outcome) : 'not recorded'}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </section>
      </main>
      <script src="/dashboard/assets/uPlot.iife.min.js" />
      <script src="/dashboard/assets/dashboard.js" />
    </Layout>
  );
};
