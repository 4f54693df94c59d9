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

/** Stored checks as they were last decided, for deciding them again under other rules. */
export function replayRepository(db: Database) {
  const filter = `
    FROM checks c
    JOIN evaluations e ON e.check_id = c.id AND e.revision = c.revision
    WHERE c.occurred_at >= @from AND c.occurred_at < @to AND c.livemode = 1
      AND (@stores IS NULL OR c.store_id IN (SELECT value FROM json_each(@stores)))`;
  const rows = db.prepare<Record<string, unknown>, ReplayRecordRow>(`
    SELECT c.id, c.store_id, c.occurred_at, c.outcome, c.stored_value, c.identified, e.request, e.answers, e.history, e.area, e.network
    ${filter}
    ORDER BY c.occurred_at, c.id`);
  const count = db.prepare<Record<string, unknown>, { n: number }>(`SELECT count(*) AS n ${filter}`);
  const params = (period: PeriodFilter) => ({
    from: period.from,
    to: period.to,
    stores: period.storeIds === null ? null : JSON.stringify(period.storeIds),
  });

  return {
    count: (period: PeriodFilter) => count.get(params(period))!.n,
    /** A cursor: rows are read as they are used, so a year of checks never sits in memory. */
    *checks(period: PeriodFilter): Generator<ReplayRow> {
      for (const row of rows.iterate(params(period))) {
        yield {
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
    },
  };
}
