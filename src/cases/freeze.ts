import type { Principal } from '../access/api-keys.js';
import type { Case, FreezeAnswer, FreezeResultsRequest, FreezeResultStatus } from '../contract/cases.js';
import { DomainError } from '../errors.js';
import type { CardRow, CaseListRow, CheckRow, Repositories } from '../store/index.js';
import { checkSubject, recordEvent } from '../webhooks/events.js';
import { assertTransition, changeCase } from './change.js';
import type { CaseContext } from './context.js';
import { findVisibleCase, readCase } from './manage.js';

/**
 * A freeze asked of the processor for a case's cards. Call inside the transaction that sends the
 * request, so the case and the request move together. The first request's time is what the reports
 * measure from the sale: the research puts a scammer's draining of a card at 6 to 30 minutes after
 * activation (../shared/research/after-the-till-and-across-shops.md, §2 item 5).
 */
export function recordFreezeRequest(
  store: Repositories,
  row: CaseListRow,
  request: { at: number; actor: string | null; detail: Record<string, unknown> },
): Promise<CaseListRow> {
  assertTransition(row, 'freeze_requested');
  return changeCase(
    store,
    row,
    { status: row.status === 'open' ? 'freeze_requested' : row.status, freezeRequestedAt: row.freezeRequestedAt ?? request.at, updatedAt: request.at },
    { at: request.at, kind: 'freeze_requested', actor: request.actor, detail: request.detail },
  );
}

/**
 * The processor's answer for some of a case's cards: how much it held and how much was already
 * spent (minor units), and where that leaves the case as a whole (the caller, which knows every
 * card's answer, says). Amounts add to what earlier answers said. Call inside a transaction.
 */
export function recordFreezeResult(
  store: Repositories,
  row: CaseListRow,
  result: { at: number; actor: string | null; status: FreezeResultStatus | 'freeze_requested'; valueFrozen: number; valueLost: number; detail: Record<string, unknown> },
): Promise<CaseListRow> {
  assertTransition(row, result.status);
  return changeCase(
    store,
    row,
    {
      status: result.status,
      valueFrozen: row.valueFrozen + result.valueFrozen,
      valueLost: result.valueLost === 0 && row.valueLost === null ? null : (row.valueLost ?? 0) + result.valueLost,
      updatedAt: result.at,
    },
    { at: result.at, kind: 'freeze_result', actor: result.actor, detail: { ...result.detail, status: result.status, valueFrozen: result.valueFrozen, valueLost: result.valueLost } },
  );
}

/**
 * Asks the processor to freeze the cards sold in the case's check, once, while the case is open and
 * the check has cards whose serial or activation id is still kept (a purged card cannot be found).
 * Call inside the transaction that opened the case or reported it. The event stores the card ids
 * only: the serials are opened from `check_cards` as it is sent (see `withWholeCards`), so they
 * stay sealed at rest, go only to endpoints subscribed to `cards.freeze_requested`, and a purge
 * reaches them there too.
 */
export async function requestFreeze(store: Repositories, row: CaseListRow, check: CheckRow, at: number, actor: string | null): Promise<CaseListRow> {
  if (row.status !== 'open' || row.freezeRequestedAt !== null || check.outcome === null) return row;
  const cards = (await store.checks.cards(check.id)).filter((card) => card.sealed !== null);
  if (cards.length === 0) return row;
  const subject = checkSubject(check, check.latest);
  await recordEvent(
    store,
    'cards.freeze_requested',
    {
      ...subject,
      caseId: row.id,
      soldAt: new Date(check.outcome.recordedAt).toISOString(),
      requestedAt: new Date(at).toISOString(),
      cards: cards.map((card) => ({ cardId: card.id, brand: card.brand, amount: card.amount })),
    },
    at,
    subject,
  );
  return recordFreezeRequest(store, row, { at, actor, detail: { cardIds: cards.map((card) => card.id) } });
}

interface CardAnswer {
  cardId: string;
  result: FreezeAnswer;
  amountFrozen: number;
  amountRedeemed: number;
  reference?: string;
}

/** Each card's answer recorded so far, from the case's timeline. */
function answersSoFar(events: readonly { kind: string; detail: Record<string, unknown> }[]): Map<string, CardAnswer> {
  const answers = new Map<string, CardAnswer>();
  for (const event of events) {
    if (event.kind !== 'freeze_result') continue;
    for (const answer of (event.detail.results as CardAnswer[] | undefined) ?? []) answers.set(answer.cardId, answer);
  }
  return answers;
}

/**
 * Where the answers leave the case: `frozen` when every card was answered and all of its value is
 * held; `too_late` when every card was answered and nothing is held; `partly_frozen` when some value
 * is held but some is gone or not yet answered; still `freeze_requested` while nothing is held and
 * some card is unanswered.
 */
function caseStatusAfter(cards: readonly CardRow[], answers: ReadonlyMap<string, CardAnswer>): FreezeResultStatus | 'freeze_requested' {
  let frozen = 0;
  let whole = true;
  for (const card of cards) {
    const answer = answers.get(card.id);
    if (!answer || answer.amountFrozen < card.amount) whole = false;
    frozen += answer?.amountFrozen ?? 0;
  }
  const everyCard = cards.every((card) => answers.has(card.id));
  if (frozen === 0) return everyCard ? 'too_late' : 'freeze_requested';
  return whole ? 'frozen' : 'partly_frozen';
}

/**
 * The processor's answers, per card. Every card named must be one sold in the case's check; a card's
 * answer is final (the same again is a retry, recorded once; a different one is refused); and
 * nothing is written unless every answer in the request is good.
 */
export async function recordFreezeResults(context: CaseContext, principal: Principal, caseId: string, body: FreezeResultsRequest): Promise<Case> {
  const now = context.clock();
  await context.store.transaction(async (tx) => {
    const row = await findVisibleCase(tx, principal, caseId);
    const cards = await tx.checks.cards(row.checkId);
    const byId = new Map(cards.map((card) => [card.id, card]));
    const earlier = answersSoFar(await tx.cases.events(row.id));
    const fresh = new Map<string, CardAnswer>();
    const errors: { field: string; code: string; message: string }[] = [];
    body.results.forEach((result, index) => {
      const card = byId.get(result.cardId);
      if (!card) {
        errors.push({ field: `results[${index}].cardId`, code: 'card_not_in_case', message: `${result.cardId} was not sold in check ${row.checkId}` });
        return;
      }
      const answer: CardAnswer = {
        cardId: card.id,
        result: result.result,
        amountFrozen: result.amountFrozen ?? (result.result === 'frozen' ? card.amount : 0),
        amountRedeemed: result.amountRedeemed ?? (result.result === 'already_redeemed' ? card.amount - (result.amountFrozen ?? 0) : 0),
        ...(result.reference ? { reference: result.reference } : {}),
      };
      if (answer.amountFrozen + answer.amountRedeemed > card.amount) {
        errors.push({ field: `results[${index}]`, code: 'too_large', message: `Frozen and redeemed add up to more than the card’s ${card.amount}` });
        return;
      }
      const before = earlier.get(card.id) ?? fresh.get(card.id);
      if (before && (before.result !== answer.result || before.amountFrozen !== answer.amountFrozen || before.amountRedeemed !== answer.amountRedeemed)) {
        throw new DomainError('freeze_result_conflict', `Card ${card.id} already has the result ${before.result}`, { extra: { cardId: card.id, result: before.result } });
      }
      if (!earlier.has(card.id)) fresh.set(card.id, answer);
    });
    if (errors.some((error) => error.code === 'card_not_in_case')) {
      throw new DomainError('card_not_in_case', 'A result names a card that was not sold in this case’s check; nothing was recorded', { errors });
    }
    if (errors.length > 0) throw new DomainError('validation_failed', 'A result’s amounts are more than its card; nothing was recorded', { errors });
    if (fresh.size === 0) return;
    const answers = new Map([...earlier, ...fresh]);
    const added = [...fresh.values()];
    await recordFreezeResult(tx, row, {
      at: now,
      actor: principal.keyId,
      status: caseStatusAfter(cards, answers),
      valueFrozen: added.reduce((sum, answer) => sum + answer.amountFrozen, 0),
      valueLost: added.reduce((sum, answer) => sum + answer.amountRedeemed, 0),
      detail: { results: added },
    });
  });
  return readCase(context, principal, caseId);
}
