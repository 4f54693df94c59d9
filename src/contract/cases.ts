import { z } from 'zod';
import { CheckId, Currency, MinorUnits, StoreId, Text, Timestamp } from './common.js';
import { Prompt, Reason } from './decision.js';
import { Action, Outcome, ReviewStatus } from './enums.js';
import { CheckLine } from './check.js';
import { ReviewCloser } from './review-state.js';

// A case is what a seen scam becomes after the till: see ../shared/research/after-the-till-and-across-shops.md,
// §2 (Victims and families, item 6: "No retailer system hands the victim or police an evidence pack")
// and §3 (items 2 and 3: the warm hand-off and freeze-on-confirm).

export { CaseId } from './escalations.js';
import { CaseId, Escalation } from './escalations.js';

export const CaseStatus = z.enum(['open', 'freeze_requested', 'frozen', 'partly_frozen', 'too_late', 'closed']).meta({
  id: 'CaseStatus',
  description:
    '`open`: a scam was seen and nobody has asked for the cards to be frozen yet. `freeze_requested`: a freeze was asked of the processor. `frozen`: every card’s value was held. `partly_frozen`: some was held, some already spent. `too_late`: the value was gone before the freeze. `closed`: loss prevention closed it (it may be reopened).',
  example: 'open',
});
export type CaseStatus = z.infer<typeof CaseStatus>;

export const CaseOpenedReason = z.enum(['scam_confirmed', 'hold_refused', 'reported', 'escalated']).meta({
  id: 'CaseOpenedReason',
  description:
    'What opened it: `scam_confirmed` (the till recorded that outcome), `hold_refused` (a supervisor refused a held sale), `reported` (a sale reported as a scam afterwards), `escalated` (a colleague escalated: called the police, the bank, the family).',
  example: 'scam_confirmed',
});
export type CaseOpenedReason = z.infer<typeof CaseOpenedReason>;

const ShortText = (max: number) => Text().trim().min(1).max(max);

const NoFreeText = 'Do not write names, card numbers, loyalty or bank details here: it is kept and purged like everything else.';

export const Reporter = z
  .strictObject({
    role: z.enum(['loss_prevention', 'store', 'customer', 'family', 'police', 'bank', 'other']).meta({ description: 'Who told us.', example: 'loss_prevention' }),
    ref: ShortText(64).optional().meta({ description: 'Who exactly, as the retailer knows them (a staff number, a desk).', example: 'LP-DESK-3' }),
  })
  .meta({ id: 'Reporter' });

export const PoliceReference = ShortText(64).meta({
  description: 'A police or Report Fraud (formerly Action Fraud; Report Fraud replaced it on 4 December 2025) crime reference.',
  example: 'NFRC171030123456',
});

export const ScamReportRequest = z
  .strictObject({
    reporter: Reporter,
    whatHappened: ShortText(2000).meta({ description: `What happened, in a few sentences. ${NoFreeText}`, example: 'Customer’s son called: she was told by “HMRC” to buy the cards and read the numbers out.' }),
    amountLost: MinorUnits.optional().meta({ description: 'What the customer lost, in minor units of the check’s currency, if known. A later report’s figure replaces an earlier one.', example: 50000 }),
    policeReference: PoliceReference.optional(),
    reportedAt: Timestamp.optional().meta({ description: 'When it was reported to the retailer; default now.' }),
  })
  .meta({ id: 'ScamReportRequest', description: 'A sale reported as a scam after it went through.' });
export type ScamReportRequest = z.infer<typeof ScamReportRequest>;

export const ScamReport = ScamReportRequest.extend({
  id: z.string().meta({ example: 'rpt_01jd0q9w4v2s3k6m8n0p' }),
  caseId: CaseId,
  checkId: CheckId,
  reportedAt: Timestamp,
  recordedAt: Timestamp,
  keyId: z.string(),
}).meta({ id: 'ScamReport', description: 'A report as recorded, with the case it opened or joined.' });
export type ScamReport = z.infer<typeof ScamReport>;

export { Escalation, EscalationRequest, EscalationStep } from './escalations.js';

export const CaseEventKind = z
  .enum([
    'decision',
    'prompt_shown',
    'answers',
    'review',
    'outcome',
    'case_opened',
    'report',
    'escalation',
    'freeze_requested',
    'freeze_result',
    'note',
    'owner_changed',
    'status_changed',
  ])
  .meta({ id: 'CaseEventKind', description: 'What a timeline entry records.' });
export type CaseEventKind = z.infer<typeof CaseEventKind>;

export const TimelineEntry = z
  .object({
    at: Timestamp,
    kind: CaseEventKind,
    by: z.string().nullable().meta({ description: 'Who did it: a key id, a colleague’s or supervisor’s reference, or null for the service.' }),
    summary: z.string().meta({ description: 'One line for people.', example: 'Decided hold: older-customer-high-value' }),
    detail: z.record(z.string(), z.unknown()).meta({ description: 'What was recorded, by kind.' }),
  })
  .meta({ id: 'CaseTimelineEntry', description: 'One thing that happened, oldest first in the timeline.' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const CaseSummary = z
  .object({
    caseId: CaseId,
    checkId: CheckId,
    storeId: StoreId,
    tillId: z.string(),
    openedAt: Timestamp,
    openedReason: CaseOpenedReason,
    status: CaseStatus,
    owner: z.string().nullable(),
    currency: z.string(),
    storedValue: z.number().int().meta({ description: 'Value of the check’s stored-value lines, minor units.' }),
    valueLost: z.number().int().nullable().meta({ description: 'Minor units lost, as last reported or as the processor said; null while nobody knows.' }),
    valueFrozen: z.number().int().meta({ description: 'Minor units the processor held.' }),
    saleAt: Timestamp.meta({ description: 'When the till captured the basket.' }),
    freezeRequestedAt: Timestamp.nullable(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'CaseSummary', description: 'A case as listed.' });
export type CaseSummary = z.infer<typeof CaseSummary>;

export const Case = CaseSummary.extend({
  timeline: z.array(TimelineEntry).meta({ description: 'Everything that happened, oldest first, built from what was recorded.' }),
}).meta({ id: 'Case', description: 'A case with its timeline.' });
export type Case = z.infer<typeof Case>;

export const CaseQuery = z.strictObject({
  status: CaseStatus.optional().meta({ param: { name: 'status', in: 'query' }, description: 'Only cases in this status.' }),
  store: StoreId.optional().meta({
    param: { name: 'store', in: 'query' },
    description: 'One store. Default: every store the key may see; a key bound to stores gets 403 `store_forbidden` for any other.',
  }),
  from: Timestamp.optional().meta({ param: { name: 'from', in: 'query' }, description: 'Opened at or after this instant.' }),
  to: Timestamp.optional().meta({ param: { name: 'to', in: 'query' }, description: 'Opened before this instant.' }),
  cursor: CaseId.optional().meta({ param: { name: 'cursor', in: 'query' }, description: 'The `nextCursor` of the page before.' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ param: { name: 'limit', in: 'query' }, description: 'At most this many, newest first.' }),
});
export type CaseQuery = z.infer<typeof CaseQuery>;

export const CaseList = z
  .object({
    cases: z.array(CaseSummary),
    nextCursor: CaseId.nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .meta({ id: 'CaseList' });
export type CaseList = z.infer<typeof CaseList>;

export const CaseUpdate = z
  .strictObject({
    owner: ShortText(64).nullable().optional().meta({ description: 'Who in loss prevention has it; null to clear.', example: 'lp-anna' }),
    status: z.enum(['closed', 'open']).optional().meta({ description: '`closed` closes the case; `open` reopens a closed one (to where it stood). Needs `reason`.' }),
    reason: ShortText(500).optional().meta({ description: `Why it was closed or reopened. ${NoFreeText}`, example: 'Card value returned to the customer by the issuer.' }),
  })
  .superRefine((body, ctx) => {
    if (body.status !== undefined && body.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Closing or reopening a case needs a reason' });
    if (body.owner === undefined && body.status === undefined) ctx.addIssue({ code: 'custom', path: [], message: 'Send owner, status, or both' });
  })
  .meta({ id: 'CaseUpdate', description: 'A change of owner, or a case closed or reopened: audited, and in the timeline.' });
export type CaseUpdate = z.infer<typeof CaseUpdate>;

export const CaseNoteRequest = z
  .strictObject({ text: ShortText(2000).meta({ description: NoFreeText, example: 'Spoke to the issuer; they will call back.' }) })
  .meta({ id: 'CaseNoteRequest' });
export type CaseNoteRequest = z.infer<typeof CaseNoteRequest>;

export const FreezeAnswer = z.enum(['frozen', 'already_redeemed', 'unknown_card']).meta({
  id: 'FreezeAnswer',
  description: '`frozen`: the processor holds the card’s value (`amountFrozen`, the card’s whole amount unless given). `already_redeemed`: it was spent before the freeze (`amountRedeemed`, the whole amount unless given; `amountFrozen` for any rest held). `unknown_card`: the processor does not know the card.',
});
export type FreezeAnswer = z.infer<typeof FreezeAnswer>;

export const FreezeCardResult = z
  .strictObject({
    cardId: z.string().regex(/^card_[0-9a-z]{10,40}$/, 'Not a card id').meta({ description: 'The `cardId` from `cards.freeze_requested`.', example: 'card_01m888psdy7yqz3cp2mv2b0bjm' }),
    result: FreezeAnswer,
    amountFrozen: MinorUnits.optional().meta({ description: 'Minor units held. Default: the card’s amount for `frozen`, 0 otherwise.' }),
    amountRedeemed: MinorUnits.optional().meta({ description: 'Minor units already spent. Default: the card’s amount for `already_redeemed`, 0 otherwise.' }),
    reference: ShortText(64).optional().meta({ description: 'The processor’s own reference for the freeze.', example: 'BHN-FRZ-20261206-0042' }),
  })
  .meta({ id: 'FreezeCardResult' });
export type FreezeCardResult = z.infer<typeof FreezeCardResult>;

export const FreezeResultsRequest = z
  .strictObject({ results: z.array(FreezeCardResult).min(1).max(200) })
  .meta({ id: 'FreezeResultsRequest', description: 'The processor’s answers for some or all of a case’s cards. A card’s answer is final: the same again is a retry, a different one a 409.' });
export type FreezeResultsRequest = z.infer<typeof FreezeResultsRequest>;

/** What a freeze result says of the value of a case's cards (recorded by the processor integration). */
export const FreezeResultStatus = CaseStatus.extract(['frozen', 'partly_frozen', 'too_late']);
export type FreezeResultStatus = z.infer<typeof FreezeResultStatus>;

export const EvidenceCard = z
  .object({
    brand: z.string(),
    valueMinor: z.number().int(),
    currency: z.string(),
    serialMasked: z.string().meta({ description: 'The card’s serial with all but its last four characters masked (or its activation id’s, marked so); `purged` once the serial is gone.', example: '••••••••3456' }),
    freezeResult: FreezeAnswer.nullable().meta({ description: 'What the processor answered for this card; null while unanswered or never asked.' }),
  })
  .meta({ id: 'EvidenceCard' });

export const EvidencePack = z
  .object({
    caseId: CaseId,
    checkId: CheckId,
    generatedAt: Timestamp,
    status: CaseStatus,
    openedReason: CaseOpenedReason,
    store: z.object({ storeId: StoreId, tillId: z.string(), transactionId: z.string(), timeZone: z.string() }),
    times: z.object({
      saleAt: z.object({ utc: Timestamp, local: z.string().meta({ example: '2026-12-05 10:15:02 GMT' }) }),
      outcomeAt: z.object({ utc: Timestamp, local: z.string() }).nullable(),
      cctv: z
        .object({ from: z.object({ utc: Timestamp, local: z.string() }), to: z.object({ utc: Timestamp, local: z.string() }) })
        .meta({ description: 'The recording to pull from the store’s cameras.' }),
    }),
    basket: z.object({
      currency: Currency,
      lines: z.array(CheckLine.omit({ brand: true }).extend({ brand: z.string().optional() })),
      storedValue: z.number().int(),
      basketTotal: z.number().int(),
    }),
    decision: z.object({ action: Action, reasons: z.array(Reason), ruleSetVersion: z.string(), decidedAt: Timestamp }),
    prompts: z
      .array(z.object({ shownAt: Timestamp, prompt: Prompt }))
      .meta({ description: 'What the colleague was told to say, in the words and language shown, each time it was shown.' }),
    answers: z.record(z.string(), z.string()),
    review: z
      .object({ status: ReviewStatus, closedAt: Timestamp.nullable(), closedBy: ReviewCloser.nullable(), supervisorRef: z.string().nullable(), reason: z.string().nullable() })
      .nullable(),
    outcome: z.object({ outcome: Outcome, recordedAt: Timestamp, staffRef: z.string().nullable(), policeReference: z.string().nullable() }).nullable(),
    reports: z.array(ScamReport.omit({ keyId: true })),
    references: z.array(z.string()).meta({ description: 'Every police or Report Fraud reference given, once each.' }),
    escalations: z.array(Escalation),
    freeze: z.object({ requestedAt: Timestamp.nullable(), valueFrozen: z.number().int(), valueLost: z.number().int().nullable() }),
    cards: z.array(EvidenceCard).meta({ description: 'The cards activated in the sale, serials masked.' }),
    notes: z.array(z.object({ at: Timestamp, by: z.string(), text: z.string() })),
  })
  .meta({
    id: 'EvidencePack',
    description: 'Everything police, the customer’s bank or the card issuer ask for, in one document. Never carries a loyalty id or payment token.',
  });
export type EvidencePack = z.infer<typeof EvidencePack>;

const count = (description: string) => z.number().int().min(0).meta({ description });
const money = (description: string) => z.record(z.string(), z.number().int()).meta({ description: `${description} Minor units, by currency; currencies are never added together.` });

export const CaseFigures = z
  .object({
    opened: count('Cases opened in the period.'),
    openedBy: z.object(Object.fromEntries(CaseOpenedReason.options.map((reason) => [reason, count(`Opened by \`${reason}\`.`)])) as Record<CaseOpenedReason, ReturnType<typeof count>>),
    open: count('Of those, not closed now.'),
    valueLost: money('What the customers lost, as reported or as the processors said.'),
    valueFrozen: money('What the processors held.'),
    freezeRequested: count('Cases whose cards a freeze was asked for.'),
    saleToFreezeRequestMedianSeconds: z.number().min(0).nullable().meta({
      description:
        'The median time from the sale (basket captured) to the first freeze request. Scammers drain cards 6 to 30 minutes after activation, so this is the figure to bring down. null when no freeze was requested.',
    }),
  })
  .meta({ id: 'CaseFigures', description: 'Cases opened in a period, what was lost and frozen, and how fast a freeze was asked for.' });
export type CaseFigures = z.infer<typeof CaseFigures>;

export const CaseReport = z
  .object({
    totals: CaseFigures,
    byStore: z.array(CaseFigures.extend({ storeId: StoreId })).meta({ description: 'Stores with cases opened in the period, most cases first, then by id.' }),
  })
  .meta({ id: 'CaseReport', description: 'Case figures for the period and stores of the report: cases opened (live only) in the store’s calendar days of the period.' });
export type CaseReport = z.infer<typeof CaseReport>;
