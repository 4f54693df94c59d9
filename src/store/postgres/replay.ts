import type { Outcome } from '../../contract/enums.js';
import { recordedHistory } from '../../engine/index.js';
import type { Port } from '../port.js';
import type { ReplayRepository } from '../replay.js';
import type { PeriodFilter, ReplayRow } from '../types.js';
import type { Queryable } from './sql.js';

/** Rows fetched per round trip: enough to keep a back-test busy, few enough to hold nothing like a year. */
const CURSOR_ROWS = 500;

interface ReplayRecordRow {
  id: string;
  store_id: string;
  occurred_at: number;
  outcome: Outcome | null;
  stored_value: number;
  identified: boolean;
  request: ReplayRow['request'];
  answers: ReplayRow['answers'];
  history: ReplayRow['history'];
  area: ReplayRow['area'] | null;
  network: NonNullable<ReplayRow['network']> | null;
}

/** Stored checks as they were last decided, for deciding them again under other rules, as `replayRepository` (SQLite) reads them. */
export function replayRepository(sql: Queryable): Port<ReplayRepository> {
  const filter = (period: PeriodFilter) => sql`
    FROM checks c
    JOIN evaluations e ON e.check_id = c.id AND e.revision = c.revision
    WHERE c.occurred_at >= ${period.from} AND c.occurred_at < ${period.to} AND c.livemode
      ${period.storeIds === null ? sql`` : sql`AND c.store_id = ANY(${[...period.storeIds]}::text[])`}`;

  return {
    async count(period) {
      const [row] = await sql<{ n: number }[]>`SELECT count(*) AS n ${filter(period)}`;
      return row!.n;
    },
    /**
     * A cursor: rows are read as they are used, so a year of checks never sits in memory. Ids are
     * ordered byte by byte (COLLATE "C"), as SQLite orders them, whatever the database's locale.
     */
    async *checks(period) {
      const rows = sql<ReplayRecordRow[]>`
        SELECT c.id, c.store_id, c.occurred_at, c.outcome, c.stored_value, c.identified, e.request, e.answers, e.history, e.area, e.network
        ${filter(period)}
        ORDER BY c.occurred_at, c.id COLLATE "C"`;
      for await (const batch of rows.cursor(CURSOR_ROWS)) {
        for (const row of batch) {
          yield {
            checkId: row.id,
            storeId: row.store_id,
            occurredAt: row.occurred_at,
            outcome: row.outcome,
            storedValue: row.stored_value,
            identified: row.identified,
            request: row.request,
            answers: row.answers,
            history: recordedHistory(row.history),
            ...(row.area ? { area: row.area } : {}),
            ...(row.network ? { network: row.network } : {}),
          };
        }
      }
    },
  };
}
