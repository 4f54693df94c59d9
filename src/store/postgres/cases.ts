import type { CasesRepository, CaseEventRowKind, CaseListRow, CaseRow } from '../cases.js';
import type { Port } from '../port.js';
import { json, type Queryable } from './sql.js';

/** bigint arrives as text: epoch-ms times and money in minor units stay well inside 2^53. */
type Numeric = string | number | bigint;

interface CaseListRecordRow {
  id: string;
  check_id: string;
  store_id: string;
  livemode: boolean;
  opened_at: Numeric;
  opened_reason: CaseRow['openedReason'];
  status: CaseRow['status'];
  reopen_status: CaseRow['reopenStatus'];
  owner: string | null;
  value_lost: Numeric | null;
  value_frozen: Numeric;
  freeze_requested_at: Numeric | null;
  updated_at: Numeric;
  version: number;
  till_id: string;
  currency: string;
  stored_value: Numeric;
  occurred_at: Numeric;
}

const maybe = (value: Numeric | null) => (value === null ? null : Number(value));

function toListed(row: CaseListRecordRow): CaseListRow {
  return {
    id: row.id,
    checkId: row.check_id,
    storeId: row.store_id,
    livemode: row.livemode,
    openedAt: Number(row.opened_at),
    openedReason: row.opened_reason,
    status: row.status,
    reopenStatus: row.reopen_status,
    owner: row.owner,
    valueLost: maybe(row.value_lost),
    valueFrozen: Number(row.value_frozen),
    freezeRequestedAt: maybe(row.freeze_requested_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
    tillId: row.till_id,
    currency: row.currency,
    storedValue: Number(row.stored_value),
    saleAt: Number(row.occurred_at),
  };
}

const LISTED = 'SELECT k.*, c.till_id, c.currency, c.stored_value, c.occurred_at FROM cases k JOIN checks c ON c.id = k.check_id';
// $1 the stores (NULL: every store), $2 the world, $3 the statuses (NULL: every one), $4 from, $5 to, $6 before, $7 the limit.
const LIST = `
  ${LISTED}
  WHERE k.livemode = $2::boolean
    AND ($1::text[] IS NULL OR k.store_id = ANY($1::text[]))
    AND ($3::text[] IS NULL OR k.status = ANY($3::text[]))
    AND ($4::bigint IS NULL OR k.opened_at >= $4::bigint) AND ($5::bigint IS NULL OR k.opened_at < $5::bigint)
    AND ($6::text IS NULL OR k.id COLLATE "C" < $6::text)
  ORDER BY k.id COLLATE "C" DESC LIMIT $7::integer`;
const REPORT = `
  ${LISTED} WHERE k.livemode AND k.opened_at >= $2::bigint AND k.opened_at < $3::bigint AND ($1::text[] IS NULL OR k.store_id = ANY($1::text[]))`;

const list = (values: readonly string[] | null) => (values === null ? null : [...values]);

/** The PostgreSQL cases: the calls of SQLite's store/cases.ts, answering alike. */
export function casesRepository(sql: Queryable): Port<CasesRepository> {
  return {
    async open(row) {
      const result = await sql`
        INSERT INTO cases (id, check_id, store_id, livemode, opened_at, opened_reason, status, updated_at)
        VALUES (${row.id}, ${row.checkId}, ${row.storeId}, ${row.livemode}, ${row.openedAt}, ${row.openedReason}, 'open', ${row.openedAt})
        ON CONFLICT (check_id) DO NOTHING`;
      return result.count === 1;
    },
    async findById(id) {
      const [row] = await sql<CaseListRecordRow[]>`${sql.unsafe(LISTED)} WHERE k.id = ${id}`;
      return row && toListed(row);
    },
    async findByCheck(checkId) {
      const [row] = await sql<CaseListRecordRow[]>`${sql.unsafe(LISTED)} WHERE k.check_id = ${checkId}`;
      return row && toListed(row);
    },
    async update(from, change) {
      const result = await sql`
        UPDATE cases SET status = ${change.status}, reopen_status = ${change.reopenStatus}, owner = ${change.owner},
          value_lost = ${change.valueLost}, value_frozen = ${change.valueFrozen}, freeze_requested_at = ${change.freezeRequestedAt},
          updated_at = ${change.updatedAt}, version = version + 1
        WHERE id = ${from.id} AND version = ${from.version}`;
      return result.count === 1;
    },
    async appendEvent(event) {
      // Two appends racing for the same seq collide on the key, and the store runs the loser again.
      await sql`
        INSERT INTO case_events (case_id, seq, at, kind, actor, detail)
        SELECT ${event.caseId}, coalesce(max(seq), 0) + 1, ${event.at}, ${event.kind}, ${event.actor}, ${json(event.detail)}::jsonb
        FROM case_events WHERE case_id = ${event.caseId}`;
    },
    async events(caseId) {
      const rows = await sql<{ case_id: string; seq: number; at: Numeric; kind: CaseEventRowKind; actor: string | null; detail: Record<string, unknown> }[]>`
        SELECT * FROM case_events WHERE case_id = ${caseId} ORDER BY seq`;
      return rows.map((row) => ({ caseId: row.case_id, seq: row.seq, at: Number(row.at), kind: row.kind, actor: row.actor, detail: row.detail }));
    },
    async list(filter) {
      const rows = await sql.unsafe<CaseListRecordRow[]>(
        LIST,
        [list(filter.scope.storeIds), filter.scope.livemode, list(filter.statuses), filter.from, filter.to, filter.before, filter.limit],
        { prepare: true },
      );
      return rows.map(toListed);
    },
    async forReport(filter) {
      const rows = await sql.unsafe<CaseListRecordRow[]>(REPORT, [list(filter.storeIds), filter.from, filter.to], { prepare: true });
      return rows.map(toListed);
    },
  };
}
