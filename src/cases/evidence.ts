import type { Principal } from '../access/api-keys.js';
import type { Escalation, EvidencePack, FreezeAnswer, ScamReport } from '../contract/cases.js';
import { asOf } from '../reviews/index.js';
import type { CaseContext } from './context.js';
import { caseMaterial } from './manage.js';

/**
 * How much recording either side of the sale to pull from the store's cameras: the customer is on
 * camera walking to the till and queueing before the basket is captured, and leaving after the
 * outcome; ten minutes either side covers both in most stores without handing over hours of
 * footage of other shoppers. A judgement, not a researched figure: widen it in the request to the
 * CCTV operator if the store is large.
 */
const CCTV_MARGIN_MS = 10 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

const formats = new Map<string, Intl.DateTimeFormat>();
/** `2026-12-05 10:15:02 GMT`: the store's wall clock, with its zone's short name, as a CCTV operator reads it. */
export function localTime(ms: number, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

/**
 * Everything police, the customer's bank or the card issuer ask for, in one document: see
 * ../shared/research/after-the-till-and-across-shops.md, §2 items 6 and 10 (restitution needs card
 * numbers, receipts and times; police want "a platter" of data and video). Built from what was
 * recorded; the stored check never held the loyalty id or payment token, so neither can be in it.
 */
export async function evidencePack(context: CaseContext, principal: Principal, caseId: string): Promise<EvidencePack> {
  const { row, check, evaluations, review, events } = await caseMaterial(context, principal, caseId);
  const now = context.clock();
  const { timeZone } = context;
  const when = (ms: number) => ({ utc: iso(ms), local: localTime(ms, timeZone) });
  const first = evaluations[0] ?? check.latest;
  const closedReview = review && asOf(review, now);
  const lastAt = Math.max(check.outcome?.recordedAt ?? 0, closedReview?.closedAt ?? 0, check.latest.evaluatedAt);
  const reports = events.filter((event) => event.kind === 'report').map((event) => event.detail as ScamReport);
  const escalations = events.filter((event) => event.kind === 'escalation').map((event) => {
    const { keyId: _keyId, ...escalation } = event.detail as Escalation & { keyId: string };
    return escalation;
  });
  const cards = await context.store.checks.cards(check.id);
  const answers = new Map<string, FreezeAnswer>();
  for (const event of events) {
    if (event.kind !== 'freeze_result') continue;
    for (const answer of (event.detail.results as { cardId: string; result: FreezeAnswer }[] | undefined) ?? []) answers.set(answer.cardId, answer.result);
  }
  const references = [check.outcome?.policeReference ?? null, ...reports.map((report) => report.policeReference ?? null)].filter((ref): ref is string => ref !== null);
  const prompts: EvidencePack['prompts'] = [];
  for (const evaluation of evaluations) {
    if (!evaluation.prompt) continue;
    // The same script shown again by a later decision is one thing the colleague was told, not two.
    if (prompts.length > 0 && JSON.stringify(prompts.at(-1)!.prompt) === JSON.stringify(evaluation.prompt)) continue;
    prompts.push({ shownAt: iso(evaluation.evaluatedAt), prompt: evaluation.prompt });
  }
  const { request } = check.latest;
  return {
    caseId: row.id,
    checkId: check.id,
    generatedAt: iso(now),
    status: row.status,
    openedReason: row.openedReason,
    store: { storeId: check.storeId, tillId: check.tillId, transactionId: check.transactionId, timeZone },
    times: {
      saleAt: when(check.occurredAt),
      outcomeAt: check.outcome ? when(check.outcome.recordedAt) : null,
      cctv: { from: when(Math.min(check.occurredAt, first.evaluatedAt) - CCTV_MARGIN_MS), to: when(lastAt + CCTV_MARGIN_MS) },
    },
    basket: { currency: request.currency, lines: request.lines, storedValue: check.totals.storedValue, basketTotal: check.totals.basket },
    decision: {
      action: check.latest.action,
      reasons: check.latest.reasons,
      ruleSetVersion: check.latest.ruleSetVersion,
      decidedAt: iso(check.latest.evaluatedAt),
    },
    prompts,
    answers: check.latest.answers,
    review: closedReview
      ? {
          status: closedReview.status,
          closedAt: closedReview.closedAt === null ? null : iso(closedReview.closedAt),
          closedBy: closedReview.closedBy,
          supervisorRef: closedReview.supervisorRef,
          reason: closedReview.reason,
        }
      : null,
    outcome: check.outcome
      ? { outcome: check.outcome.outcome, recordedAt: iso(check.outcome.recordedAt), staffRef: check.outcome.staffRef, policeReference: check.outcome.policeReference }
      : null,
    reports: reports.map(({ keyId: _keyId, ...report }) => report),
    references: [...new Set(references)],
    escalations,
    freeze: { requestedAt: row.freezeRequestedAt === null ? null : iso(row.freezeRequestedAt), valueFrozen: row.valueFrozen, valueLost: row.valueLost },
    // Masked always, whoever reads the pack: it is printed and handed on.
    cards: cards.map((card) => ({
      brand: card.brand,
      valueMinor: card.amount,
      currency: check.latest.request.currency,
      serialMasked:
        card.serialLast4 !== null ? `••••••••${card.serialLast4}` : card.activationLast4 !== null ? `activation id ••••${card.activationLast4}` : 'purged',
      freezeResult: answers.get(card.id) ?? null,
    })),
    notes: events.filter((event) => event.kind === 'note').map((event) => ({ at: iso(event.at), by: event.actor ?? 'service', text: String(event.detail.text) })),
  };
}
