import type { Principal } from '../access/api-keys.js';
import type { Decision } from '../contract/decision.js';
import type { FieldError } from '../contract/problem.js';
import { DomainError } from '../errors.js';
import { within } from '../store/index.js';
import type { CheckContext } from './context.js';
import { evaluateAndRecord } from './evaluate.js';
import { findVisibleCheckWithReview } from './read.js';
import { toDecision } from './records.js';

export interface Answered {
  /** The check already had exactly these answers: nothing changed. */
  replayed: boolean;
  decision: Decision;
}

function answerErrors(context: CheckContext, answers: Record<string, string>): FieldError[] {
  const { prompts } = context.rules.current;
  const errors: FieldError[] = [];
  for (const [question, value] of Object.entries(answers)) {
    const allowed = prompts.answerValues.get(question);
    if (!allowed) {
      errors.push({ field: `answers.${question}`, code: 'unknown_question', message: `No question "${question}"; questions are ${prompts.questionIds.join(', ')}` });
    } else if (!allowed.has(value)) {
      errors.push({ field: `answers.${question}`, code: 'invalid_answer', message: `"${value}" is not an answer to ${question}; answers are ${[...allowed].join(', ')}` });
    }
  }
  return errors;
}

/** Records the colleague's answers and decides again with every answer so far. */
export async function answerCheck(context: CheckContext, principal: Principal, checkId: string, answers: Record<string, string>): Promise<Answered> {
  const { store } = context;
  const errors = answerErrors(context, answers);
  const started = performance.now();
  const result = await store.transaction(async (tx): Promise<Answered> => {
    const inTx = within(context, tx);
    const { check, review: stored } = await findVisibleCheckWithReview(inTx, principal, checkId);
    // A key that may not see the check learns nothing of its questions, so the store is checked first.
    if (errors.length > 0) {
      throw new DomainError(errors[0]!.code as 'unknown_question' | 'invalid_answer', errors.map((e) => e.message).join('; '), { errors });
    }
    if (check.outcome) throw new DomainError('check_closed', `Check ${checkId} already has the outcome ${check.outcome.outcome}`);
    const now = context.clock();
    if (Object.entries(answers).every(([question, value]) => check.latest.answers[question] === value)) {
      return { replayed: true, decision: toDecision(check, check.latest, stored, now, context.rules.current) };
    }
    const { write: saved, review } = await evaluateAndRecord(
      inTx,
      { previous: { check, review: stored }, actor: principal.keyId },
      { ...check, identities: undefined },
      {
        request: check.latest.request,
        totals: check.totals,
        history: check.latest.history,
        area: check.latest.area,
        // The exchange is asked once per basket: answers are decided with what it said then.
        network: check.latest.network,
        answers: { ...check.latest.answers, ...answers },
        trigger: 'answers',
        revision: check.latest.revision + 1,
      },
    );
    return { replayed: false, decision: toDecision(saved, saved.evaluation, review, now, context.rules.current) };
  });
  if (!result.replayed) context.metrics.decisionSeconds.observe({ trigger: 'answers' }, (performance.now() - started) / 1000);
  return result;
}
