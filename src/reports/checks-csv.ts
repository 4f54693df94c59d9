import { stringify } from 'csv-stringify/sync';
import { minorUnitDigits } from '../engine/money.js';
import type { CheckReportRow } from '../store/index.js';
import { isStop, valueProtected } from './definitions.js';
import type { Period } from './period.js';

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

function major(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** The export's columns, in order, with what each holds: the OpenAPI description is written from this list. */
export const CSV_COLUMNS: ReadonlyArray<{ name: string; means: string; value: (row: CheckReportRow) => string | number | boolean }> = [
  { name: 'check_id', means: 'The check’s id.', value: (r) => r.checkId },
  { name: 'occurred_at', means: 'When the till captured the basket (RFC 3339, UTC): an instant, whatever the store’s time zone.', value: (r) => iso(r.occurredAt) },
  { name: 'day', means: 'The store’s calendar day (VOUCHSAFE_TIMEZONE) the check is counted on in the summary: its business day.', value: (r) => r.businessDay },
  { name: 'store_id', means: 'The store.', value: (r) => r.storeId },
  { name: 'till_id', means: 'The till.', value: (r) => r.tillId },
  { name: 'transaction_id', means: 'The till’s transaction id, to find the receipt.', value: (r) => r.transactionId },
  { name: 'lane', means: 'staffed, self_checkout, customer_service or kiosk.', value: (r) => r.lane },
  { name: 'age_band', means: 'The customer’s age band as the colleague or loyalty profile gave it.', value: (r) => r.ageBand },
  { name: 'tender', means: 'How the customer paid.', value: (r) => r.tender },
  { name: 'currency', means: 'ISO 4217 currency of every amount in the row.', value: (r) => r.currency },
  { name: 'basket_total', means: 'Every line of the basket as last sent, minor units.', value: (r) => r.basketTotal },
  { name: 'stored_value', means: 'Stored-value lines (all but merchandise) of the basket as last sent, minor units.', value: (r) => r.storedValue },
  { name: 'stored_value_major', means: 'The same in major units (pounds), for spreadsheets.', value: (r) => major(r.storedValue, r.currency) },
  { name: 'stored_value_units', means: 'Number of stored-value cards or codes.', value: (r) => r.storedValueUnits },
  { name: 'action', means: 'The latest decision: allow, prompt, hold or refuse.', value: (r) => r.action },
  { name: 'score', means: 'The latest decision’s score.', value: (r) => r.score },
  { name: 'warned', means: 'true if any decision on the check prompted, held or refused.', value: (r) => r.warned },
  { name: 'revision', means: 'How many decisions were made on the check.', value: (r) => r.revision },
  { name: 'rule_set_version', means: 'The rule set of the latest decision.', value: (r) => r.ruleSetVersion },
  { name: 'prompt_id', means: 'The script the latest decision showed, if any.', value: (r) => r.promptId ?? '' },
  { name: 'rules', means: 'Enforced rules the latest decision matched, space-separated.', value: (r) => r.rules.join(' ') },
  { name: 'shadow_rules', means: 'Shadow rules it matched, space-separated.', value: (r) => r.shadowRules.join(' ') },
  { name: 'outcome', means: 'The recorded outcome; empty if none.', value: (r) => r.outcome ?? '' },
  { name: 'outcome_at', means: 'When the outcome was recorded (RFC 3339, UTC); empty if none.', value: (r) => iso(r.outcomeAt) },
  { name: 'stop', means: 'true if the check counts as a stop in the summary.', value: (r) => isStop(r) },
  { name: 'value_protected', means: 'The check’s share of the summary’s valueProtected, minor units.', value: (r) => valueProtected(r) },
  { name: 'police_reference', means: 'The police or Report Fraud (formerly Action Fraud) reference, if one was given.', value: (r) => r.policeReference ?? '' },
];

const CSV_OPTIONS = {
  columns: CSV_COLUMNS.map((column) => column.name),
  record_delimiter: 'windows',
  escape_formulas: true,
  cast: { boolean: (value: boolean) => (value ? 'true' : 'false') },
} as const;

/**
 * Rows per chunk: about 110 KB of CSV. Each chunk costs the event loop's thread a message, a stream
 * read and a socket write whatever its size, so few large ones: three exports in 100-row chunks took
 * 14-16% of a core of that thread, against 10-12% in 500-row ones.
 */
const ROWS_PER_CHUNK = 500;

/**
 * The rows as RFC 4180 CSV (CRLF, quoted where needed), header first, a chunk at a time as the reader
 * asks, so memory stays flat however many rows there are. Text that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`. Ending the generator early ends the row
 * iterator, which closes its database connection.
 */
export async function* csvChunks(rows: AsyncIterable<CheckReportRow> | Iterable<CheckReportRow>): AsyncGenerator<string, void, undefined> {
  let header = true;
  let batch: Array<Array<string | number | boolean>> = [];
  const flush = () => {
    const text = stringify(batch, { ...CSV_OPTIONS, header });
    header = false;
    batch = [];
    return text;
  };
  for await (const row of rows) {
    batch.push(CSV_COLUMNS.map((column) => column.value(row)));
    if (batch.length === ROWS_PER_CHUNK) yield flush();
  }
  if (batch.length > 0 || header) yield flush();
}

/** A download named for its period, never cached by a shared proxy. */
export function csvHeaders(period: Pick<Period, 'from' | 'to'>): Record<string, string> {
  return {
    'Content-Type': 'text/csv; charset=utf-8; header=present',
    'Content-Disposition': `attachment; filename="vouchsafe-checks-${period.from}-to-${period.to}.csv"`,
    'Cache-Control': 'private, no-store',
  };
}
