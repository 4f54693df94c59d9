import type { FC } from 'hono/jsx';
import type { CaseSummary } from '../../contract/cases.js';
import { formatMoney } from '../../engine/index.js';
import { formatDateTime, formatSeconds, words } from './format.js';

/** How old a case is, in words: `45 min`, `3 h`, `2 days`. */
function age(openedAt: string, now: number): string {
  const seconds = Math.max(0, (now - Date.parse(openedAt)) / 1000);
  if (seconds < 3600) return formatSeconds(seconds);
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} days`;
}

/** A freeze request still unanswered after the configured time: someone should phone the processor. */
const freezeOverdue = (row: CaseSummary, now: number, withinMs: number): boolean =>
  row.status === 'freeze_requested' && row.freezeRequestedAt !== null && now - Date.parse(row.freezeRequestedAt) > withinMs;

/** The cases still being worked on, newest first, each with a link to its printable evidence pack. */

export const CasesSection: FC<{ cases: CaseSummary[]; now: number; freezeAnswerWithinMs: number; timeZone: string }> = ({ cases, now, freezeAnswerWithinMs, timeZone }) => (
  <section aria-labelledby="cases-title">
    <h2 id="cases-title">Open cases</h2>
    <table id="cases-open">
      <caption>Scams seen at or after the till, not yet closed, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Opened</th>
          <th scope="col">Age</th>
          <th scope="col">Store</th>
          <th scope="col">Why</th>
          <th scope="col">Status</th>
          <th scope="col">Value</th>
          <th scope="col">Owner</th>
          <th scope="col">Evidence</th>
        </tr>
      </thead>
      <tbody>
        {cases.length === 0 ? (
          <tr>
            <td colspan={8}>No open cases.</td>
          </tr>
        ) : (
          cases.map((row) => (
            <tr data-case={row.caseId}>
              <td>{formatDateTime(Date.parse(row.openedAt), timeZone)}</td>
              <td>{age(row.openedAt, now)}</td>
              <td>{row.storeId}</td>
              <td>{words(row.openedReason)}</td>
              {freezeOverdue(row, now, freezeAnswerWithinMs) ? (
                <td data-overdue="freeze">
                  <strong>
                    {words(row.status)}: no answer from the processor for {age(row.freezeRequestedAt!, now)}; phone them
                  </strong>
                </td>
              ) : (
                <td>{words(row.status)}</td>
              )}
              <td>{formatMoney(row.storedValue, row.currency)}</td>
              <td>{row.owner ?? '–'}</td>
              <td>
                <a href={`/dashboard/cases/${row.caseId}/evidence`}>Evidence pack for {row.caseId}</a>
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  </section>
);
