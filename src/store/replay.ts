import type { Database } from 'better-sqlite3';
import { recordedHistory } from '../engine/index.js';
import type { Outcome } from '../contract/enums.js';
import type { PeriodFilter, ReplayRow } from './types.js';

interface ReplayRecordRow {
  id: string;
  store_id: string;
  occurred_at: number;
  outcome: Outcome | null;
  stored_value: number;
  identified: number;
  request: string;
  answers: string;
  history: string;
  area: string | null;
  network: string | null;
}

export type ReplayRepository = ReturnType<typeof replayRepository>;

/** Checks read at once: a few milliseconds of the back-test's worker, and the longest it holds a read. */
const SLICE_ROWS = 1_000;

/** Stored checks as they were last decided, for deciding them again under other rules. */
export function replayRepository(db: Database) {
  const filter = `
    FROM checks c
    JOIN evaluations e ON e.check_id = c.id AND e.revision = c.revision
    WHERE c.occurred_at >= @from AND c.occurred_at < @to AND c.livemode = 1
      AND (@stores IS NULL OR c.store_id IN (SELECT value FROM json_each(@stores)))`;
  // A slice walks the time index from where the last one ended; only checks of the same millisecond
  // are sorted (by id, as on PostgreSQL), never what is left of the period.
  const slice = db.prepare<Record<string, unknown>, ReplayRecordRow>(`
    SELECT c.id, c.store_id, c.occurred_at, c.outcome, c.stored_value, c.identified, e.request, e.answers, e.history, e.area, e.network
    ${filter} AND c.rowid <= @lastRowid AND (c.occurred_at, c.id) > (@afterAt, @afterId)
    ORDER BY c.occurred_at, c.id LIMIT ${SLICE_ROWS}`);
  const lastRowid = db.prepare<[], number | null>('SELECT max(rowid) FROM checks').pluck();
  const count = db.prepare<Record<string, unknown>, { n: number }>(`SELECT count(*) AS n ${filter}`);
  const params = (period: PeriodFilter) => ({
    from: period.from,
    to: period.to,
    stores: period.storeIds === null ? null : JSON.stringify(period.storeIds),
  });

  return {
    count: (period: PeriodFilter) => count.get(params(period))!.n,
    /**
     * A cursor over the checks there when it began: rows are read a slice at a time as they are used,
     * so a year of checks never sits in memory, and no read is held for the whole back-test (one would
     * pin the WAL while the tills write).
     */
    *checks(period: PeriodFilter): Generator<ReplayRow> {
      const last = lastRowid.get() ?? 0;
      const whole = params(period);
      let after = { afterAt: whole.from, afterId: '' };
      for (;;) {
        // From where the last slice ended, not from the period's start: each slice reads only its own rows.
        const rows = slice.all({ ...whole, from: after.afterAt, lastRowid: last, ...after });
        for (const row of rows) yield replayRow(row);
        const final = rows.at(-1);
        if (rows.length < SLICE_ROWS || !final) return;
        after = { afterAt: final.occurred_at, afterId: final.id };
      }
    },
  };
}

function replayRow(row: ReplayRecordRow): ReplayRow {
  return {
    checkId: row.id,
    storeId: row.store_id,
    occurredAt: row.occurred_at,
    outcome: row.outcome,
    storedValue: row.stored_value,
    identified: row.identified === 1,
    request: JSON.parse(row.request),
    answers: JSON.parse(row.answers),
    history: recordedHistory(JSON.parse(row.history) as Parameters<typeof recordedHistory>[0]),
    ...(row.area === null ? {} : { area: JSON.parse(row.area) }),
    ...(row.network === null ? {} : { network: JSON.parse(row.network) }),
  };
}
