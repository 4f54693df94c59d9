import type { Principal } from '../access/api-keys.js';
import type { Case, CaseList, CaseSummary, CaseNoteRequest, CaseQuery, CaseUpdate, Escalation, EscalationRequest, EvidencePack, FreezeResultsRequest, ScamReport, ScamReportRequest } from '../contract/cases.js';
import type { CaseContext } from './context.js';
import { escalate } from './escalate.js';
import { evidencePack } from './evidence.js';
import { recordFreezeResults } from './freeze.js';
import { addNote, listCases, openCases, readCase, updateCase } from './manage.js';
import { reportScam } from './report.js';

export type { CaseContext };
export { openCase } from './open.js';
export { recordFreezeRequest, recordFreezeResult } from './freeze.js';
export { localTime } from './evidence.js';
export { toCaseSummary } from './records.js';

/** A scam seen at or after the till, as loss prevention follows it up: cases, reports afterwards, escalations and the evidence pack. */
export interface Cases {
  report(principal: Principal, checkId: string, body: ScamReportRequest): Promise<ScamReport>;
  escalate(principal: Principal, checkId: string, body: EscalationRequest): Promise<Escalation>;
  list(principal: Principal, query: CaseQuery): Promise<CaseList>;
  /** Cases not yet closed, newest first, in the key's stores (or one of them). */
  open(principal: Principal, storeId: string | undefined, limit: number): Promise<CaseSummary[]>;
  read(principal: Principal, caseId: string): Promise<Case>;
  update(principal: Principal, caseId: string, body: CaseUpdate): Promise<Case>;
  addNote(principal: Principal, caseId: string, body: CaseNoteRequest): Promise<Case>;
  evidence(principal: Principal, caseId: string): Promise<EvidencePack>;
  /** The processor's freeze results, per card. */
  freezeResults(principal: Principal, caseId: string, body: FreezeResultsRequest): Promise<Case>;
}

export function createCases(context: CaseContext): Cases {
  return {
    report: (principal, checkId, body) => reportScam(context, principal, checkId, body),
    escalate: (principal, checkId, body) => escalate(context, principal, checkId, body),
    list: (principal, query) => listCases(context, principal, query),
    open: (principal, storeId, limit) => openCases(context, principal, storeId, limit),
    read: (principal, caseId) => readCase(context, principal, caseId),
    update: (principal, caseId, body) => updateCase(context, principal, caseId, body),
    addNote: (principal, caseId, body) => addNote(context, principal, caseId, body),
    evidence: (principal, caseId) => evidencePack(context, principal, caseId),
    freezeResults: (principal, caseId, body) => recordFreezeResults(context, principal, caseId, body),
  };
}
