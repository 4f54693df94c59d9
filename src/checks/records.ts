import type { CheckRecord } from '../contract/check-record.js';
import type { ActivationAdvice, Decision, NextStep } from '../contract/decision.js';
import { basketTotals, type CompiledRuleSet, formatMoney, localeOf } from '../engine/index.js';
import type { CardRecord } from '../contract/cards.js';
import type { OutcomeRecord } from '../contract/outcome.js';
import { toReview } from '../reviews/index.js';
import type { CheckRow, EvaluationRow, OutcomeRow, ReviewRow } from '../store/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What the colleague does now. A hold waits for its review: until the deadline while it is open; a
 * released one may finish, a refused or expired one is refused.
 */
function nextStep(rules: CompiledRuleSet, evaluation: EvaluationRow, review: Decision['review']): { locale: string; next: NextStep } {
  const locale = evaluation.prompt?.locale ?? localeOf(rules, evaluation.request.locale);
  const catalog = rules.locales.get(locale) ?? rules.prompts;
  if (evaluation.action !== 'hold' || !review) return { locale: catalog.locale, next: catalog.next(evaluation.action, evaluation.prompt) };
  if (review.status === 'open') return { locale: catalog.locale, next: { ...catalog.next('hold', evaluation.prompt), deadline: review.deadline } };
  return { locale: catalog.locale, next: catalog.next(review.status === 'released' ? 'allow' : 'refuse', null) };
}

/** An hour unless the rule set says otherwise: longer than the 6-30 minutes in which scam cards were drained (see rules/settings.yaml). */
const DEFAULT_ACTIVATION_DELAY_MINUTES = 60;

/**
 * For a hold a supervisor released, above the rule set's `holds.delayActivationAbove`: the advice to
 * activate the cards later. The supervisor let the sale go ahead, but it was held for a reason, and
 * a card not yet live when the family or the bank calls can still be stopped.
 */
function activationAdvice(rules: CompiledRuleSet, evaluation: EvaluationRow, review: Decision['review']): ActivationAdvice | undefined {
  const line = rules.holds.delayActivationAbove;
  if (review?.status !== 'released' || line === undefined) return undefined;
  const { storedValue } = basketTotals(evaluation.request.lines);
  if (storedValue <= line) return undefined;
  const { currency } = evaluation.request;
  return {
    delayMinutes: rules.holds.activationDelayMinutes ?? DEFAULT_ACTIVATION_DELAY_MINUTES,
    reason: `A supervisor released a held sale of ${formatMoney(storedValue, currency)} of stored value, above ${formatMoney(line, currency)}: scam cards are drained within minutes of activation, so activating later leaves time to stop them.`,
  };
}

/** The decision as the till sees it, with the check's review as it reads at `now` if it was ever held. */
export function toDecision(
  check: Pick<CheckRow, 'id' | 'storeId' | 'transactionId'>,
  evaluation: EvaluationRow,
  review: ReviewRow | undefined,
  now: number,
  rules: CompiledRuleSet,
): Decision {
  const shown = review ? toReview(review, now) : undefined;
  const activation = activationAdvice(rules, evaluation, shown);
  return {
    checkId: check.id,
    storeId: check.storeId,
    transactionId: check.transactionId,
    revision: evaluation.revision,
    action: evaluation.action,
    score: evaluation.score,
    reasons: evaluation.reasons,
    ...nextStep(rules, evaluation, shown),
    prompt: evaluation.prompt,
    ruleSetVersion: evaluation.ruleSetVersion,
    evaluatedAt: iso(evaluation.evaluatedAt),
    ...(shown ? { review: shown } : {}),
    ...(activation ? { activation } : {}),
  };
}

export function toOutcomeRecord(checkId: string, outcome: OutcomeRow, cards?: CardRecord[]): OutcomeRecord {
  return {
    checkId,
    outcome: outcome.outcome,
    ...(outcome.staffRef !== null ? { staffRef: outcome.staffRef } : {}),
    ...(outcome.policeReference !== null ? { policeReference: outcome.policeReference } : {}),
    ...(outcome.note !== null ? { note: outcome.note } : {}),
    recordedAt: iso(outcome.recordedAt),
    ...(cards ? { cards } : {}),
  };
}

/** `cards`: the cards sold, as the reader may see them (see `toCardRecords`); none if the till sent none. */
export function toCheckRecord(
  check: CheckRow,
  evaluations: EvaluationRow[],
  review: ReviewRow | undefined,
  now: number,
  rules: CompiledRuleSet,
  cards: CardRecord[] = [],
): CheckRecord {
  const { request } = check.latest;
  return {
    checkId: check.id,
    storeId: check.storeId,
    tillId: check.tillId,
    transactionId: check.transactionId,
    lane: request.lane,
    currency: request.currency,
    occurredAt: iso(check.occurredAt),
    receivedAt: iso(check.receivedAt),
    updatedAt: iso(check.updatedAt),
    lines: request.lines,
    totals: check.totals,
    tender: request.tender,
    customer: { ageBand: request.customer.ageBand, ageSource: request.customer.ageSource, identified: check.identified },
    signals: request.signals,
    answers: check.latest.answers,
    decision: toDecision(check, check.latest, review, now, rules),
    ...(request.offlineDecision ? { offlineDecision: request.offlineDecision } : {}),
    evaluations: evaluations.map((evaluation) => ({
      revision: evaluation.revision,
      trigger: evaluation.trigger,
      evaluatedAt: iso(evaluation.evaluatedAt),
      action: evaluation.action,
      score: evaluation.score,
      reasons: evaluation.reasons,
      shadowReasons: evaluation.shadowReasons,
      promptId: evaluation.promptId,
      ruleSetVersion: evaluation.ruleSetVersion,
      ...(evaluation.area ? { area: evaluation.area } : {}),
      ...(evaluation.network ? { network: evaluation.network } : {}),
    })),
    review: review ? toReview(review, now) : null,
    outcome: check.outcome && toOutcomeRecord(check.id, check.outcome, cards.length > 0 ? cards : undefined),
  };
}
