import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { Case, CaseId, CaseList, CaseNoteRequest, CaseQuery, CaseUpdate, EvidencePack, FreezeResultsRequest } from '../../../contract/cases.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, conflict, header, json, notFound, queryErrors } from '../responses.js';
import { EVIDENCE_CSP, evidencePage } from './evidence-page.js';

const CaseParams = z.object({ caseId: CaseId.meta({ param: { name: 'caseId', in: 'path' } }) });

/** Loss prevention reads and manages cases; a supervisor reads its own stores'; a till never lists them. */
const READERS = requireKey({ roles: ['supervisor', 'analyst', 'admin'], worlds: 'own' });
const MANAGERS = requireKey({ roles: ['analyst', 'admin'], worlds: 'own' });
/** The processor integration answers the freeze requests it was sent (an admin may record a result given by phone). */
const PROCESSORS = requireKey({ roles: ['processor', 'admin'], worlds: 'own' });

const list = createRoute({
  method: 'get',
  path: '/v1/cases',
  operationId: 'listCases',
  tags: ['Cases'],
  summary: 'Cases, newest first',
  description:
    'The cases of the stores the key may see, in its world, newest first: filter by `status`, `store`, and when they opened (`from` included, `to` not); page with `cursor` (the `nextCursor` of the page before). Supervisors see their stores’ cases; tills cannot list them.',
  middleware: [READERS] as const,
  request: { query: CaseQuery },
  responses: { 200: json(CaseList, 'A page of cases.', header.cacheControl), ...queryErrors, ...commonErrors },
});

const get = createRoute({
  method: 'get',
  path: '/v1/cases/{caseId}',
  operationId: 'getCase',
  tags: ['Cases'],
  summary: 'Read a case and its timeline',
  description:
    'The case and everything that happened, oldest first: the decisions (action, rules, reasons), the prompt shown and its words, the answers, the review, the outcome, reports, escalations, freeze requests and results, notes, owner and status changes. A case of another store or world is 404.',
  middleware: [READERS] as const,
  request: { params: CaseParams },
  responses: { 200: json(Case, 'The case.', header.cacheControl), ...commonErrors, ...notFound },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/cases/{caseId}',
  operationId: 'updateCase',
  tags: ['Cases'],
  summary: 'Change a case’s owner, close or reopen it',
  description:
    'Sets or clears the owner, and closes a case (`status: closed`) or reopens a closed one (`status: open`, back to where it stood), with a `reason`. Audited and in the timeline. Closing a closed case or reopening an open one is 409 `case_status_conflict`, and nothing changes.',
  middleware: [MANAGERS] as const,
  request: { params: CaseParams, body: { content: { 'application/json': { schema: CaseUpdate } }, required: true } },
  responses: {
    200: json(Case, 'The case, changed.'),
    ...bodyErrors,
    ...commonErrors,
    ...notFound,
    ...conflict('The case cannot go to that status from where it stands (`case_status_conflict`).'),
  },
});

const note = createRoute({
  method: 'post',
  path: '/v1/cases/{caseId}/notes',
  operationId: 'addCaseNote',
  tags: ['Cases'],
  summary: 'Add a note to a case',
  description: 'A note for the timeline (at most 2,000 characters). Do not write names, card numbers, loyalty or bank details.',
  middleware: [MANAGERS] as const,
  request: { params: CaseParams, body: { content: { 'application/json': { schema: CaseNoteRequest } }, required: true } },
  responses: { 201: json(Case, 'The case, with the note.'), ...bodyErrors, ...commonErrors, ...notFound },
});

const evidence = createRoute({
  method: 'get',
  path: '/v1/cases/{caseId}/evidence',
  operationId: 'getCaseEvidence',
  tags: ['Cases'],
  summary: 'The evidence pack',
  description: [
    'Everything police, the customer’s bank or the card issuer ask for, in one document: store, till, times in the store’s time zone and UTC, the CCTV window to pull (10 minutes before the basket to 10 after the outcome), the basket, what the colleague was told to say (as shown, in its language), the answers, who released or refused, the outcome, reports and references, escalations, the freeze, and the cards sold (serials masked). Never a loyalty id or payment token.',
    '',
    'JSON for systems; with `Accept: text/html` or `?format=html`, a printable, accessible page for people (no scripts, nothing fetched from elsewhere).',
  ].join('\n'),
  middleware: [READERS] as const,
  request: {
    params: CaseParams,
    query: z.strictObject({ format: z.enum(['json', 'html']).optional().meta({ param: { name: 'format', in: 'query' }, description: 'Overrides `Accept`.' }) }),
  },
  responses: {
    200: {
      description: 'The evidence pack.',
      headers: header.cacheControl,
      content: { 'application/json': { schema: EvidencePack }, 'text/html': { schema: z.string().meta({ description: 'A printable page.' }) } },
    },
    ...queryErrors,
    ...commonErrors,
    ...notFound,
  },
});

const freezeResults = createRoute({
  method: 'post',
  path: '/v1/cases/{caseId}/freeze-results',
  operationId: 'recordFreezeResults',
  tags: ['Cases'],
  summary: 'Record the processor’s freeze results',
  description: [
    'The answer to `cards.freeze_requested`, per card: `frozen` (with the amount held), `already_redeemed` (with the amount gone) or `unknown_card`. The case moves on: `frozen` once every card’s value is held, `partly_frozen` while some is held and some gone or unanswered, `too_late` when every card was answered and nothing is held. Its value frozen and value lost count in the reports.',
    '',
    'A card’s answer is final: the same again is a retry (nothing new is recorded), a different one is 409 `freeze_result_conflict`. A card not sold in the case’s check is 422 `card_not_in_case` with the field at fault; nothing in the request is recorded unless every result is good.',
  ].join('\n'),
  middleware: [PROCESSORS] as const,
  request: { params: CaseParams, body: { content: { 'application/json': { schema: FreezeResultsRequest } }, required: true } },
  responses: { 200: json(Case, 'The case, with the results in its timeline.'), ...bodyErrors, ...commonErrors, ...notFound, ...conflict },
});

export function registerCases(api: OpenAPIHono<AppEnv>) {
  api.openapi(list, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    return c.json(await c.get('services').cases.list(c.get('principal'), c.req.valid('query')), 200);
  });
  api.openapi(get, async (c) => {
    c.header('Cache-Control', 'private, no-store');
    return c.json(await c.get('services').cases.read(c.get('principal'), c.req.valid('param').caseId), 200);
  });
  api.openapi(update, async (c) => c.json(await c.get('services').cases.update(c.get('principal'), c.req.valid('param').caseId, c.req.valid('json')), 200));
  api.openapi(note, async (c) => c.json(await c.get('services').cases.addNote(c.get('principal'), c.req.valid('param').caseId, c.req.valid('json')), 201));
  api.openapi(freezeResults, async (c) => c.json(await c.get('services').cases.freezeResults(c.get('principal'), c.req.valid('param').caseId, c.req.valid('json')), 200));
  api.openapi(evidence, async (c) => {
    const pack = await c.get('services').cases.evidence(c.get('principal'), c.req.valid('param').caseId);
    c.header('Cache-Control', 'private, no-store');
    const { format } = c.req.valid('query');
    const html = format === 'html' || (format === undefined && /\btext\/html\b/.test(c.req.header('accept') ?? ''));
    if (!html) return c.json(pack, 200);
    c.header('Content-Security-Policy', EVIDENCE_CSP);
    return c.html(evidencePage(pack), 200);
  });
}
