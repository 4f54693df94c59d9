import type { Database } from 'better-sqlite3';
import type { CaseEventKind, CaseOpenedReason, CaseStatus } from '../contract/cases.js';

/** A case as stored, with what a list shows of its check. */
export interface CaseRow {
  id: string;
  checkId: string;
  storeId: string;
  livemode: boolean;
  openedAt: number;
  openedReason: CaseOpenedReason;
  status: CaseStatus;
  /** Of a closed case: where it stood when closed, and goes back to if reopened. */
  reopenStatus: Exclude<CaseStatus, 'closed'> | null;
  owner: string | null;
  /** Minor units lost; null while nobody knows. */
  valueLost: number | null;
  valueFrozen: number;
  freezeRequestedAt: number | null;
  updatedAt: number;
  /** Bumped by every change: a change made on a case another transaction changed since is a collision. */
  version: number;
}

/** A case with the facts of its check a list and the reports need. */
export interface CaseListRow extends CaseRow {
  tillId: string;
  currency: string;
  storedValue: number;
  /** When the till captured the basket. */
  saleAt: number;
}

/** The kinds a case records itself; the rest of its timeline is read from its check. */
export type CaseEventRowKind = Extract<
  CaseEventKind,
  'case_opened' | 'report' | 'escalation' | 'freeze_requested' | 'freeze_result' | 'note' | 'owner_changed' | 'status_changed'
>;

export interface CaseEventRow {
  caseId: string;
  seq: number;
  at: number;
  kind: CaseEventRowKind;
  /** The key, or the colleague, who did it; null for the service. */
  actor: string | null;
  detail: Record<string, unknown>;
}

export type CaseChange = Pick<CaseRow, 'status' | 'reopenStatus' | 'owner' | 'valueLost' | 'valueFrozen' | 'freezeRequestedAt' | 'updatedAt'>;

export interface CaseListFilter {
  /** The stores (null: every store) and the one world listed. */
  scope: { readonly storeIds: readonly string[] | null; readonly livemode: boolean };
  /** null: every status. */
  statuses: readonly CaseStatus[] | null;
  /** Opened in [from, to). */
  from: number | null;
  to: number | null;
  /** Only cases older than this one (ids sort by the time they opened). */
  before: string | null;
  limit: number;
}

interface CaseRecordRow {
  id: string;
  check_id: string;
  store_id: string;
  livemode: number;
  opened_at: number;
  opened_reason: CaseOpenedReason;
  status: CaseStatus;
  reopen_status: CaseRow['reopenStatus'];
  owner: string | null;
  value_lost: number | null;
  value_frozen: number;
  freeze_requested_at: number | null;
  updated_at: number;
  version: number;
}

interface CaseListRecordRow extends CaseRecordRow {
  till_id: string;
  currency: string;
  stored_value: number;
  occurred_at: number;
}

function toCase(row: CaseRecordRow): CaseRow {
  return {
    id: row.id,
    checkId: row.check_id,
    storeId: row.store_id,
    livemode: row.livemode === 1,
    openedAt: row.opened_at,
    openedReason: row.opened_reason,
    status: row.status,
    reopenStatus: row.reopen_status,
    owner: row.owner,
    valueLost: row.value_lost,
    valueFrozen: row.value_frozen,
    freezeRequestedAt: row.freeze_requested_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function toListed(row: CaseListRecordRow): CaseListRow {
  return { ...toCase(row), tillId: row.till_id, currency: row.currency, storedValue: row.stored_value, saleAt: row.occurred_at };
}

export type CasesRepository = ReturnType<typeof casesRepository>;

export function casesRepository(db: Database) {
  const insert = db.prepare(`
    INSERT INTO cases (id, check_id, store_id, livemode, opened_at, opened_reason, status, updated_at)
    VALUES (@id, @checkId, @storeId, @livemode, @openedAt, @openedReason, 'open', @openedAt)
    ON CONFLICT (check_id) DO NOTHING
  `);
  const listed = 'SELECT k.*, c.till_id, c.currency, c.stored_value, c.occurred_at FROM cases k JOIN checks c ON c.id = k.check_id';
  const byId = db.prepare<[string], CaseListRecordRow>(`${listed} WHERE k.id = ?`);
  const byCheck = db.prepare<[string], CaseListRecordRow>(`${listed} WHERE k.check_id = ?`);
  const update = db.prepare(`
    UPDATE cases SET status = @status, reopen_status = @reopenStatus, owner = @owner, value_lost = @valueLost, value_frozen = @valueFrozen,
      freeze_requested_at = @freezeRequestedAt, updated_at = @updatedAt, version = version + 1
    WHERE id = @id AND version = @version
  `);
  const append = db.prepare(`
    INSERT INTO case_events (case_id, seq, at, kind, actor, detail)
    SELECT @caseId, coalesce(max(seq), 0) + 1, @at, @kind, @actor, @detail FROM case_events WHERE case_id = @caseId
  `);
  const events = db.prepare<[string], { case_id: string; seq: number; at: number; kind: CaseEventRowKind; actor: string | null; detail: string }>(
    'SELECT * FROM case_events WHERE case_id = ? ORDER BY seq',
  );
  const list = db.prepare<
    { stores: string | null; livemode: number; statuses: string | null; from: number | null; to: number | null; before: string | null; limit: number },
    CaseListRecordRow
  >(`
    ${listed}
    WHERE k.livemode = @livemode
      AND (@stores IS NULL OR k.store_id IN (SELECT value FROM json_each(@stores)))
      AND (@statuses IS NULL OR k.status IN (SELECT value FROM json_each(@statuses)))
      AND (@from IS NULL OR k.opened_at >= @from) AND (@to IS NULL OR k.opened_at < @to)
      AND (@before IS NULL OR k.id < @before)
    ORDER BY k.id DESC LIMIT @limit
  `);
  const report = db.prepare<{ stores: string | null; from: number; to: number }, CaseListRecordRow>(`
    ${listed} WHERE k.livemode = 1 AND k.opened_at >= @from AND k.opened_at < @to
      AND (@stores IS NULL OR k.store_id IN (SELECT value FROM json_each(@stores)))
  `);

  const json = (values: readonly string[] | null) => (values === null ? null : JSON.stringify(values));

  return {
    /** Opens the check's case; false if it already has one (then nothing is written). */
    open(row: Pick<CaseRow, 'id' | 'checkId' | 'storeId' | 'livemode' | 'openedAt' | 'openedReason'>): boolean {
      return insert.run({ ...row, livemode: row.livemode ? 1 : 0 }).changes === 1;
    },
    findById(id: string): CaseListRow | undefined {
      const row = byId.get(id);
      return row && toListed(row);
    },
    findByCheck(checkId: string): CaseListRow | undefined {
      const row = byCheck.get(checkId);
      return row && toListed(row);
    },
    /** Writes a change to a case still at `from.version`; false if another transaction changed it first. */
    update(from: Pick<CaseRow, 'id' | 'version'>, change: CaseChange): boolean {
      return update.run({ id: from.id, version: from.version, ...change }).changes === 1;
    },
    appendEvent(event: Omit<CaseEventRow, 'seq'>): void {
      append.run({ ...event, detail: JSON.stringify(event.detail) });
    },
    events: (caseId: string): CaseEventRow[] =>
      events.all(caseId).map((row) => ({ caseId: row.case_id, seq: row.seq, at: row.at, kind: row.kind, actor: row.actor, detail: JSON.parse(row.detail) })),
    /** Cases newest first. */
    list: (filter: CaseListFilter): CaseListRow[] =>
      list
        .all({
          stores: json(filter.scope.storeIds),
          livemode: filter.scope.livemode ? 1 : 0,
          statuses: json(filter.statuses),
          from: filter.from,
          to: filter.to,
          before: filter.before,
          limit: filter.limit,
        })
        .map(toListed),
    /** Live cases opened in [from, to), for the reports. */
    forReport: (filter: { storeIds: readonly string[] | null; from: number; to: number }): CaseListRow[] =>
      report.all({ stores: json(filter.storeIds), from: filter.from, to: filter.to }).map(toListed),
  };
}
