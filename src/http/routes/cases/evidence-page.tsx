import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import type { EvidencePack } from '../../../contract/cases.js';
import { formatMoney } from '../../../engine/index.js';

// Printed and handed over, or saved as PDF from the browser's print dialog: one self-contained page,
// no script, nothing fetched, readable in black and white.
const STYLE = `
  body { font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
  h2 { font-size: 1.15rem; border-bottom: 1px solid #555; margin-top: 1.75rem; }
  table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
  caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
  th, td { border: 1px solid #888; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
  th[scope="row"] { width: 30%; }
  blockquote { margin: 0.5rem 0; padding: 0.25rem 0.75rem; border-left: 4px solid #555; }
  .none { font-style: italic; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10pt; }
    h2 { break-after: avoid; }
    table, blockquote, section { break-inside: avoid; }
  }
`;

/** What an evidence page may load: its own inline style, nothing else. */
export const EVIDENCE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const words = (value: string) => value.replaceAll('_', ' ');

const Nothing: FC<{ children: Child }> = ({ children }) => <p class="none">{children}</p>;

const Facts: FC<{ caption: string; rows: Array<[string, Child]> }> = ({ caption, rows }) => (
  <table>
    <caption>{caption}</caption>
    <tbody>
      {rows.map(([label, value]) => (
        <tr>
          <th scope="row">{label}</th>
          <td>{value}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const Columns: FC<{ caption: string; head: string[]; rows: Child[][] }> = ({ caption, head, rows }) => (
  <table>
    <caption>{caption}</caption>
    <thead>
      <tr>
        {head.map((cell) => (
          <th scope="col">{cell}</th>
        ))}
      </tr>
    </thead>
    <tbody>
      {rows.map((row) => (
        <tr>
          {row.map((cell) => (
            <td>{cell}</td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

const EvidencePage: FC<{ pack: EvidencePack }> = ({ pack }) => {
  const { times, basket, store } = pack;
  const money = (minor: number) => formatMoney(minor, basket.currency);
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Evidence pack ${pack.caseId} — Vouchsafe`}</title>
        <link rel="icon" href="data:," />
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <h1>Evidence pack: gift-card scam case {pack.caseId}</h1>
          <p>
            Made {pack.generatedAt} (UTC) by Vouchsafe from what the store’s till and staff recorded. It holds no loyalty number or payment card
            token. Case status: {words(pack.status)}; opened because: {words(pack.openedReason)}.
          </p>

          <section aria-labelledby="where">
            <h2 id="where">Where and when</h2>
            <Facts
              caption="The store and till"
              rows={[
                ['Store', store.storeId],
                ['Till', store.tillId],
                ['Transaction', store.transactionId],
                ['Check', pack.checkId],
                ['Store time zone', store.timeZone],
              ]}
            />
            <Columns
              caption="Times, on the store’s clock and in UTC"
              head={['What', 'Store time', 'UTC']}
              rows={[
                ['Basket captured at the till', times.saleAt.local, times.saleAt.utc],
                ...(times.outcomeAt ? [['Outcome recorded', times.outcomeAt.local, times.outcomeAt.utc]] : []),
                ['CCTV to pull: from', times.cctv.from.local, times.cctv.from.utc],
                ['CCTV to pull: to', times.cctv.to.local, times.cctv.to.utc],
              ]}
            />
          </section>

          <section aria-labelledby="basket">
            <h2 id="basket">The basket</h2>
            <Columns
              caption={`Lines, in ${basket.currency}`}
              head={['Kind', 'Brand', 'Each', 'Quantity']}
              rows={basket.lines.map((line) => [words(line.kind), line.brand ?? '–', money(line.unitAmount), String(line.quantity)])}
            />
            <p>
              Stored value {money(basket.storedValue)}; basket {money(basket.basketTotal)}.
            </p>
            <h3>Cards sold</h3>
            {pack.cards.length === 0 ? (
              <Nothing>No card serials were recorded for this sale.</Nothing>
            ) : (
              <Columns
                caption="Cards activated, serials masked"
                head={['Brand', 'Value', 'Serial', 'Freeze']}
                rows={pack.cards.map((card) => [card.brand, formatMoney(card.valueMinor, card.currency), card.serialMasked, card.freezeResult?.replaceAll('_', ' ') ?? 'no answer'])}
              />
            )}
          </section>

          <section aria-labelledby="decision">
            <h2 id="decision">What Vouchsafe decided</h2>
            <p>
              Decided <strong>{pack.decision.action}</strong> at {pack.decision.decidedAt} (UTC), rule set {pack.decision.ruleSetVersion}.
            </p>
            {pack.decision.reasons.length === 0 ? (
              <Nothing>No rule matched.</Nothing>
            ) : (
              <ul>
                {pack.decision.reasons.map((reason) => (
                  <li>{reason.message}</li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="told">
            <h2 id="told">What the colleague was told to say</h2>
            {pack.prompts.length === 0 ? (
              <Nothing>No prompt was shown.</Nothing>
            ) : (
              pack.prompts.map(({ shownAt, prompt }) => (
                <div lang={prompt.locale}>
                  <h3>{`${prompt.headline} (shown ${shownAt} UTC)`}</h3>
                  <blockquote>{prompt.say}</blockquote>
                  {prompt.questions.length > 0 && (
                    <ul>
                      {prompt.questions.map((question) => (
                        <li>{question.text}</li>
                      ))}
                    </ul>
                  )}
                  {prompt.advice.length > 0 && (
                    <ul>
                      {prompt.advice.map((advice) => (
                        <li>{advice.text}</li>
                      ))}
                    </ul>
                  )}
                </div>
              ))
            )}
            <h3>Answers</h3>
            {Object.keys(pack.answers).length === 0 ? (
              <Nothing>No answers were recorded.</Nothing>
            ) : (
              <Columns caption="The customer’s answers, as the colleague tapped them" head={['Question', 'Answer']} rows={Object.entries(pack.answers).map(([q, a]) => [q, a])} />
            )}
          </section>

          <section aria-labelledby="after">
            <h2 id="after">Supervisor and outcome</h2>
            {pack.review ? (
              <Facts
                caption="The hold"
                rows={[
                  ['Status', words(pack.review.status)],
                  ['Decided by', pack.review.supervisorRef ? `supervisor ${pack.review.supervisorRef}` : pack.review.closedBy ? words(pack.review.closedBy) : '–'],
                  ['When (UTC)', pack.review.closedAt ?? '–'],
                  ['Reason given', pack.review.reason ?? '–'],
                ]}
              />
            ) : (
              <Nothing>The sale was not held for a supervisor.</Nothing>
            )}
            {pack.outcome ? (
              <Facts
                caption="The outcome"
                rows={[
                  ['Outcome', words(pack.outcome.outcome)],
                  ['Recorded (UTC)', pack.outcome.recordedAt],
                  ['Colleague', pack.outcome.staffRef ?? '–'],
                ]}
              />
            ) : (
              <Nothing>No outcome was recorded.</Nothing>
            )}
          </section>

          <section aria-labelledby="reports">
            <h2 id="reports">Reports, references and escalations</h2>
            <p>Police and Report Fraud references: {pack.references.length === 0 ? 'none given' : pack.references.join(', ')}.</p>
            {pack.reports.length === 0 ? (
              <Nothing>No report after the sale.</Nothing>
            ) : (
              <Columns
                caption="Reported afterwards"
                head={['Reported (UTC)', 'By', 'What happened', 'Amount lost', 'Reference']}
                rows={pack.reports.map((report) => [
                  report.reportedAt,
                  `${words(report.reporter.role)}${report.reporter.ref ? ` (${report.reporter.ref})` : ''}`,
                  report.whatHappened,
                  report.amountLost === undefined ? '–' : money(report.amountLost),
                  report.policeReference ?? '–',
                ])}
              />
            )}
            {pack.escalations.length === 0 ? (
              <Nothing>No escalation was recorded.</Nothing>
            ) : (
              <Columns
                caption="Escalations for the customer"
                head={['When (UTC)', 'Step', 'By', 'Note']}
                rows={pack.escalations.map((escalation) => [escalation.at, words(escalation.step), escalation.by, escalation.note ?? '–'])}
              />
            )}
            <Facts
              caption="The freeze"
              rows={[
                ['Requested (UTC)', pack.freeze.requestedAt ?? 'not requested'],
                ['Value held', money(pack.freeze.valueFrozen)],
                ['Value lost', pack.freeze.valueLost === null ? 'not known' : money(pack.freeze.valueLost)],
              ]}
            />
          </section>

          <section aria-labelledby="notes">
            <h2 id="notes">Loss-prevention notes</h2>
            {pack.notes.length === 0 ? (
              <Nothing>No notes.</Nothing>
            ) : (
              <Columns caption="Notes, oldest first" head={['When (UTC)', 'By', 'Note']} rows={pack.notes.map((note) => [note.at, note.by, note.text])} />
            )}
          </section>
        </main>
      </body>
    </html>
  );
};

/** The evidence pack as a printable, accessible page, in standards mode. */
export const evidencePage = (pack: EvidencePack) => (
  <>
    {raw('<!doctype html>')}
    <EvidencePage pack={pack} />
  </>
);
