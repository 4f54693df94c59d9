import type { FC } from 'hono/jsx';
import type { HoldFigures, HoldsReport } from '../../contract/holds-report.js';
import type { ReviewRecord } from '../../contract/review.js';
import { formatCount, formatDateTime, formatDay, formatMoneyByCurrency, formatSeconds } from './format.js';

const HOLD_HEADERS = ['Holds', 'Released', 'Refused', 'Expired', 'Median wait', '90% within', 'Released, then a scam'];

const HoldCells: FC<{ row: HoldFigures }> = ({ row }) => (
  <>
    <td>{formatCount(row.opened)}</td>
    <td>{formatCount(row.released)}</td>
    <td>{formatCount(row.refused)}</td>
    <td>{formatCount(row.expired)}</td>
    <td>{formatSeconds(row.timeToSupervisor.medianSeconds)}</td>
    <td>{formatSeconds(row.timeToSupervisor.p90Seconds)}</td>
    <td>{formatCount(row.releasedThenScam)}</td>
  </>
);

/** The holds: what is waiting for a supervisor now, what became of the period's holds, and by store. */
export const HoldsSection: FC<{ report: HoldsReport; waiting: ReviewRecord[] }> = ({ report, waiting }) => {
  const { totals, openNow } = report;
  return (
    <section aria-labelledby="holds-title">
      <h2 id="holds-title">Holds and supervisors</h2>
      <dl class="headlines">
        <div class="headline">
          <dt>Waiting for a supervisor now</dt>
          <dd data-figure="holdsOpenNow">{formatCount(openNow.count)}</dd>
          <dd class="note">{openNow.oldestOpenedAt ? `the longest since ${formatDateTime(Date.parse(openNow.oldestOpenedAt), report.timeZone)}` : 'none waiting'}</dd>
        </div>
        <div class="headline">
          <dt>Holds</dt>
          <dd data-figure="holds">{formatCount(totals.opened)}</dd>
          <dd class="note">
            {formatCount(totals.released)} released · {formatCount(totals.refused)} refused · {formatCount(totals.expired)} expired
          </dd>
        </div>
        <div class="headline">
          <dt>Time to a supervisor</dt>
          <dd data-figure="holdsMedianWait">{formatSeconds(totals.timeToSupervisor.medianSeconds)}</dd>
          <dd class="note">
            {totals.timeToSupervisor.decisions === 0
              ? 'no supervisor decisions in this period'
              : `median of ${formatCount(totals.timeToSupervisor.decisions)}; nine in ten within ${formatSeconds(totals.timeToSupervisor.p90Seconds)}`}
          </dd>
        </div>
        <div class="headline alert">
          <dt>Released, then a scam</dt>
          <dd data-figure="releasedThenScam">{formatCount(totals.releasedThenScam)}</dd>
          <dd class="note">
            {totals.releasedThenScam === 0
              ? `of ${formatCount(totals.released)} released`
              : `of ${formatCount(totals.released)} released: ${formatMoneyByCurrency(totals.releasedThenScamValue)} in cards`}
          </dd>
        </div>
      </dl>

      <table id="holds-waiting">
        <caption>Waiting for a supervisor now, longest first</caption>
        <thead>
          <tr>
            <th scope="col">Store · till</th>
            <th scope="col">Held</th>
            <th scope="col">Deadline</th>
            <th scope="col">Stored value</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {waiting.length === 0 ? (
            <tr>
              <td colspan={5}>Nobody is waiting.</td>
            </tr>
          ) : (
            waiting.map((review) => (
              <tr>
                <th scope="row">
                  {review.storeId} · {review.tillId}
                </th>
                <td>{formatDateTime(Date.parse(review.openedAt), report.timeZone)}</td>
                <td>{formatDateTime(Date.parse(review.deadline), report.timeZone)}</td>
                <td>{formatMoneyByCurrency({ [review.currency]: review.storedValue })}</td>
                <td>{review.reasons.map((reason) => reason.ruleId).join(', ')}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      <figure>
        <div id="holds-chart" class="chart" role="img" aria-label="Line chart of holds opened, released, refused and expired per day; the same figures are in the table below." />
        <figcaption>Holds by day, by the day they were opened.</figcaption>
      </figure>
      <details>
        <summary>Holds by day, as a table</summary>
        <table id="holds-by-day">
          <caption>Holds by day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Holds</th>
              <th scope="col">Released</th>
              <th scope="col">Refused</th>
              <th scope="col">Expired</th>
              <th scope="col">Still open</th>
            </tr>
          </thead>
          <tbody>
            {report.byDay.map((day) => (
              <tr>
                <th scope="row">{formatDay(day.day)}</th>
                <td>{formatCount(day.opened)}</td>
                <td>{formatCount(day.released)}</td>
                <td>{formatCount(day.refused)}</td>
                <td>{formatCount(day.expired)}</td>
                <td>{formatCount(day.open)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>

      <table id="holds-by-store">
        <caption>Holds by store: costly releases first, then expiries (supervisors too far from the tills)</caption>
        <thead>
          <tr>
            <th scope="col">Store</th>
            {HOLD_HEADERS.map((header) => <th scope="col">{header}</th>)}
          </tr>
        </thead>
        <tbody>
          {report.byStore.length === 0 ? (
            <tr>
              <td colspan={HOLD_HEADERS.length + 1}>No holds in this period.</td>
            </tr>
          ) : (
            report.byStore.map((store) => (
              <tr>
                <th scope="row">{store.storeId}</th>
                <HoldCells row={store} />
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
};
