import type { CheckRequest } from '../contract/check.js';
import type { EvaluationTrigger } from '../contract/check-record.js';
import type { HistoryFacts } from '../contract/fact-schema.js';
import { type BasketTotals, decide } from '../engine/index.js';
import type { CheckWrite, EvaluationRow, StoredRequest } from '../store/index.js';
import type { CheckContext } from './context.js';

export interface EvaluationInputs {
  checkId: string;
  request: StoredRequest;
  totals: BasketTotals;
  history: HistoryFacts;
  answers: Record<string, string>;
  identified: boolean;
  trigger: EvaluationTrigger;
  revision: number;
}

/** Decides with the active rule set, counts the decision and reports rules that failed. Writes nothing. */
export function evaluate(context: CheckContext, inputs: EvaluationInputs): EvaluationRow {
  const decision = decide(context.rules.current, {
    // The stored request lacks only the raw identifiers, which no rule reads.
    check: inputs.request as CheckRequest,
    totals: inputs.totals,
    history: inputs.history,
    answers: inputs.answers,
    identified: inputs.identified,
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
    action: decision.action,
    score: decision.score,
    reasons: decision.reasons,
    shadowReasons: decision.shadowReasons,
    promptId: decision.promptId,
    prompt: decision.prompt,
    ruleSetVersion: decision.ruleSetVersion,
  };
}

/** Decides and records in the caller's transaction: the check as it now stands and the evaluation that decided it. */
export function evaluateAndRecord(
  context: CheckContext,
  check: Omit<CheckWrite, 'evaluation' | 'totals'>,
  inputs: Omit<EvaluationInputs, 'checkId' | 'request' | 'identified'> & { request: StoredRequest },
): CheckWrite {
  const evaluation = evaluate(context, { ...inputs, checkId: check.id, identified: check.identified });
  const write: CheckWrite = { ...check, totals: inputs.totals, evaluation };
  context.store.checks.save(write);
  return write;
}
