import type { EvaluationTrigger } from '../contract/check-record.js';
import type { Action } from '../contract/enums.js';
import type { HistoryFacts } from '../contract/fact-schema.js';
import type { NetworkSignal } from '../contract/network.js';
import { type BasketTotals, decide } from '../engine/index.js';
import { afterDecision, coveredByRelease, settledReview, weakestAction } from '../reviews/index.js';
import type { AreaSeen, CheckRow, CheckWrite, EvaluationRow, ReviewRow, StoredRequest, Within } from '../store/index.js';
import { raiseAreaAlert } from '../stores/index.js';
import { inSpan } from '../tracing.js';
import type { CheckContext } from './context.js';

export interface EvaluationInputs {
  checkId: string;
  request: StoredRequest;
  totals: BasketTotals;
  history: HistoryFacts;
  /** The area alerts live at the store when the check was made, if any reached it. */
  area?: AreaSeen | undefined;
  /** What the retailers' exchange said about the payment card; undefined when it was not asked. */
  network?: NetworkSignal | null | undefined;
  answers: Record<string, string>;
  identified: boolean;
  trigger: EvaluationTrigger;
  revision: number;
  /** The weakest action allowed: `hold` while the check's hold waits for a supervisor. */
  atLeast: Action;
}

/** Decides with the active rule set, counts the decision and reports rules that failed. Writes nothing. */
export function evaluate(context: Pick<CheckContext, 'rules' | 'metrics' | 'logger' | 'clock'>, inputs: EvaluationInputs): EvaluationRow {
  const decision = inSpan('decide', { attributes: { 'vouchsafe.trigger': inputs.trigger, 'vouchsafe.rule_set.version': context.rules.current.version } }, (span) => {
    const decided = decide(context.rules.current, {
      // The stored request lacks only the raw identifiers, which no rule reads.
      check: inputs.request,
      totals: inputs.totals,
      history: inputs.history,
      ...(inputs.network ? { network: inputs.network.facts } : {}),
      answers: inputs.answers,
      identified: inputs.identified,
      ...(inputs.area ? { area: inputs.area.facts } : {}),
    }, { atLeast: inputs.atLeast });
    span?.setAttributes({ 'vouchsafe.action': decided.action, 'vouchsafe.rules_matched': decided.reasons.length });
    return decided;
  });
  for (const error of decision.ruleErrors) {
    context.metrics.ruleErrors.inc({ rule: error.ruleId });
    context.logger.warn('rule failed at run time', { checkId: inputs.checkId, ruleId: error.ruleId, error: error.message });
  }
  context.metrics.decisions.inc({ action: decision.action, trigger: inputs.trigger });
  return {
    revision: inputs.revision,
    trigger: inputs.trigger,
    evaluatedAt: context.clock(),
    request: inputs.request,
    answers: inputs.answers,
    history: inputs.history,
    ...(inputs.area ? { area: inputs.area } : {}),
    network: inputs.network ?? null,
    action: decision.action,
    score: decision.score,
    reasons: decision.reasons,
    shadowReasons: decision.shadowReasons,
    promptId: decision.promptId,
    prompt: decision.prompt,
    ruleSetVersion: decision.ruleSetVersion,
  };
}

export interface Recorded {
  write: CheckWrite;
  /** The check's review after this decision, if it has ever been held. */
  review: ReviewRow | undefined;
}

/**
 * Decides and records in the caller's transaction: the check as it now stands, the evaluation that
 * decided it, and what that does to its review (a hold opens one, a refusal closes it). While a hold
 * waits for its supervisor, nothing but the supervisor's release decides it below `hold`; and a
 * release covers only what it was made for, so a basket that asks for more is held afresh.
 */
export async function evaluateAndRecord(
  context: Within<CheckContext>,
  { previous, actor }: { previous: { check: CheckRow; review: ReviewRow | undefined } | undefined; actor: string },
  check: Omit<CheckWrite, 'evaluation' | 'totals'>,
  inputs: Omit<EvaluationInputs, 'checkId' | 'request' | 'identified' | 'atLeast'> & { request: StoredRequest },
): Promise<Recorded> {
  const review = previous && (await settledReview(context, previous.check, previous.review, context.clock()));
  const covered = previous !== undefined && (await coveredByRelease(context, previous.check, review, inputs.request));
  const atLeast = weakestAction(review, inputs.request.offlineDecision, covered);
  const evaluation = evaluate(context, { ...inputs, checkId: check.id, identified: check.identified, atLeast });
  const write: CheckWrite = { ...check, totals: inputs.totals, evaluation };
  await context.store.checks.save(write);
  // A refused sale raises the guard at the stores nearby (once per check, however often it is decided).
  if (evaluation.action === 'refuse') {
    await raiseAreaAlert(context, { storeId: check.storeId, checkId: check.id, reason: 'refused_sale', livemode: check.livemode, lines: inputs.request.lines, currency: inputs.request.currency });
  }
  return { write, review: await afterDecision(context, { previousAction: previous?.check.latest.action, write, review, covered, actor }) };
}
