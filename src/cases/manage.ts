import type { Principal } from '../access/api-keys.js';
import { canSee, listScope } from '../access/store-scope.js';
import { type Case, type CaseList, type CaseNoteRequest, type CaseQuery, CaseStatus, type CaseSummary, type CaseUpdate } from '../contract/cases.js';
import { DomainError, invalidField } from '../errors.js';
import type { CaseListRow, CheckRow, EvaluationRow, Repositories, ReviewRow, CaseEventRow } from '../store/index.js';
import { assertTransition, changeCase } from './change.js';
import type { CaseContext } from './context.js';
import { toCaseSummary } from './records.js';
import { buildTimeline } from './timeline.js';

/** The case if the key may see it: of its world and its stores. Anything else is answered as missing. */
export async function findVisibleCase(store: Pick<Repositories, 'cases'>, principal: Principal, caseId: string): Promise<CaseListRow> {
  const row = await store.cases.findById(caseId);
  if (!row || !canSee(principal, row)) throw new DomainError('not_found', `No case ${caseId}`);
  return row;
}

/** A case and everything its timeline and evidence pack are built from. */
export interface CaseMaterial {
  row: CaseListRow;
  check: CheckRow;
  evaluations: EvaluationRow[];
  review: ReviewRow | undefined;
  events: CaseEventRow[];
}

export async function caseMaterial(context: CaseContext, principal: Principal, caseId: string): Promise<CaseMaterial> {
  const { store } = context;
  const row = await findVisibleCase(store, principal, caseId);
  const [check, evaluations, review, events] = await Promise.all([
    store.checks.findById(row.checkId),
    store.checks.evaluations(row.checkId),
    store.reviews.find(row.checkId),
    store.cases.events(row.id),
  ]);
  return { row, check: check!, evaluations, review, events };
}

export async function readCase(context: CaseContext, principal: Principal, caseId: string): Promise<Case> {
  const { row, check, evaluations, review, events } = await caseMaterial(context, principal, caseId);
  return { ...toCaseSummary(row), timeline: buildTimeline(check, evaluations, review, events, context.clock()) };
}

/** The cases of the stores and world a key may see, newest first, a page at a time. */
export async function listCases(context: CaseContext, principal: Principal, query: CaseQuery): Promise<CaseList> {
  const scope = listScope(principal, query.store === undefined ? undefined : [query.store]);
  const from = query.from === undefined ? null : Date.parse(query.from);
  const to = query.to === undefined ? null : Date.parse(query.to);
  if (from !== null && to !== null && from >= to) throw invalidField('query.to', 'too_small', 'to must be after from');
  // One more than asked for says whether there is a next page.
  const rows = await context.store.cases.list({ scope, statuses: query.status ? [query.status] : null, from, to, before: query.cursor ?? null, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return { cases: page.map(toCaseSummary), nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

/** The cases of a key's stores still being worked on (every status but closed), newest first: the dashboard's panel. */
export async function openCases(context: CaseContext, principal: Principal, storeId: string | undefined, limit: number): Promise<CaseSummary[]> {
  const scope = listScope(principal, storeId === undefined ? undefined : [storeId]);
  const statuses = CaseStatus.options.filter((status) => status !== 'closed');
  return (await context.store.cases.list({ scope, statuses, from: null, to: null, before: null, limit })).map(toCaseSummary);
}

/** A new owner, or the case closed or reopened: audited and in the timeline, or nothing at all. */
export async function updateCase(context: CaseContext, principal: Principal, caseId: string, body: CaseUpdate): Promise<Case> {
  const now = context.clock();
  await context.store.transaction(async (tx) => {
    let row = await findVisibleCase(tx, principal, caseId);
    // Checked before anything is written: a bad status change leaves the owner as it was too.
    if (body.status === 'closed') assertTransition(row, 'closed');
    if (body.status === 'open' && row.status !== 'closed') {
      throw new DomainError('case_status_conflict', `Case ${caseId} is ${row.status}, not closed: only a closed case can be reopened`, { extra: { caseStatus: row.status } });
    }
    if (body.owner !== undefined && body.owner !== row.owner) {
      row = await changeCase(tx, row, { owner: body.owner, updatedAt: now }, { at: now, kind: 'owner_changed', actor: principal.keyId, detail: { owner: body.owner, was: row.owner } });
    }
    if (body.status !== undefined) {
      const { status, reopenStatus } = row;
      const closing = status !== 'closed';
      const to = closing ? 'closed' : reopenStatus!;
      row = await changeCase(
        tx,
        row,
        { status: to, reopenStatus: closing ? status : null, updatedAt: now },
        { at: now, kind: 'status_changed', actor: principal.keyId, detail: { from: row.status, to, reason: body.reason } },
      );
    }
    await tx.audit.append({ at: now, actor: principal.keyId, action: 'case.updated', subject: caseId, detail: { storeId: row.storeId, owner: body.owner, status: body.status, reason: body.reason } });
  });
  return readCase(context, principal, caseId);
}

export async function addNote(context: CaseContext, principal: Principal, caseId: string, body: CaseNoteRequest): Promise<Case> {
  const now = context.clock();
  await context.store.transaction(async (tx) => {
    const row = await findVisibleCase(tx, principal, caseId);
    await changeCase(tx, row, { updatedAt: now }, { at: now, kind: 'note', actor: principal.keyId, detail: { text: body.text } });
  });
  return readCase(context, principal, caseId);
}
