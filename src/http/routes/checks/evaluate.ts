import type { CheckRequest } from '../../../contract/check.js';
import type { EvaluationTrigger } from '../../../contract/check-record.js';
import type { HistoryFacts } from '../../../contract/fact-schema.js';
import { basketTotals, decide } from '../../../engine/index.js';
import type { CheckRow, EvaluationRow, StoredRequest } from '../../../store/index.js';
import type { Services } from '../../env.js';

export interface DecisionInputs {
  checkId: string;
  request: StoredRequest;
  history: HistoryFacts;
  answers: Record<string, string>;
  identified: boolean;
  trigger: EvaluationTrigger;
  revision: number;
}

/** Decides with the active rule set and returns the evaluation to record. Pure apart from the clock. */
export function evaluate(services: Services, inputs: DecisionInputs): EvaluationRow {
  const ruleSet = services.rules.current;
  const decision = decide(ruleSet, {
    check: inputs.request as CheckRequest,
    history: inputs.history,
    answers: inputs.answers,
    identified: inputs.identified,
  });
  for (const error of decision.ruleErrors) {
    services.metrics.ruleErrors.inc({ rule: error.ruleId });
    services.logger.warn('rule failed at run time', { checkId: inputs.checkId, ruleId: error.ruleId, error: error.message });
  }
  services.metrics.decisions.inc({ action: decision.action, trigger: inputs.trigger });
  return {
    revision: inputs.revision,
    trigger: inputs.trigger,
    evaluatedAt: services.clock(),
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

/** The check as stored, without the raw loyalty id or payment token. */
export function withoutIdentifiers(check: CheckRequest): StoredRequest {
  const { loyaltyId: _loyaltyId, paymentToken: _paymentToken, ...customer } = check.customer;
  return { ...check, customer };
}

export function totalsOf(request: StoredRequest): CheckRow['totals'] {
  return basketTotals(request.lines);
}
