import type { CheckRequest } from '../../../src/contract/check.js';
import type { Decision, Reason } from '../../../src/contract/decision.js';
import { ACTION_STRENGTH, type Action, strongerAction } from '../../../src/contract/enums.js';
import type { HistoryFacts } from '../../../src/contract/fact-schema.js';
import { type CompiledRuleSet, decide, type EngineDecision, localeOf, NO_HISTORY } from '../../../src/engine/index.js';
import { FALLBACK_LOCALE, FALLBACK_NEXT, FALLBACK_PROMPT, FALLBACK_REASON, FALLBACK_VERSION } from './fallback.js';

export interface OfflineInputs {
  check: CheckRequest;
  answers: Readonly<Record<string, string>>;
  /** What the till knows of the customer's earlier checks; NO_HISTORY when nothing. */
  history: HistoryFacts;
  /** The service's last action on this basket: answers given offline never take the decision below it. */
  floor?: Action | undefined;
  /** The sale is held and no supervisor has released it: nothing decides it below `hold`, as at the service. */
  held?: boolean | undefined;
}

export type LocalDecision = Pick<Decision, 'action' | 'score' | 'reasons' | 'prompt' | 'locale' | 'next' | 'ruleSetVersion'> & {
  /** `rules`: the engine ran. `fallback`: it could not, and the built-in prompt was shown. */
  engine: 'rules' | 'fallback';
};

/** The built-in prompt, for when no rule set can run (or the basket is not known). Never weaker than `prompt`. */
export const fallbackDecision = (floor: Action | undefined): LocalDecision => ({
  action: strongerAction('prompt', floor ?? 'prompt'),
  score: 0,
  reasons: [FALLBACK_REASON],
  prompt: FALLBACK_PROMPT,
  locale: FALLBACK_LOCALE,
  next: FALLBACK_NEXT,
  ruleSetVersion: FALLBACK_VERSION,
  engine: 'fallback',
});

/** Raises a decision to at least `action`, with the script the rule set gives that action. */
function atLeast(ruleSet: CompiledRuleSet, decision: EngineDecision, action: Action, reason: Reason, answers: Readonly<Record<string, string>>): EngineDecision {
  if (action === 'allow' || ACTION_STRENGTH[decision.action] >= ACTION_STRENGTH[action]) return decision;
  const catalog = ruleSet.locales.get(decision.locale) ?? ruleSet.prompts;
  const promptId = catalog.actionPrompt(action) ?? decision.promptId ?? catalog.defaultPrompt;
  const prompt = catalog.render(promptId, answers);
  return { ...decision, action, reasons: [...decision.reasons, reason], promptId, prompt, next: catalog.next(action, prompt) };
}

/**
 * The decision the till makes on its own, with the service's engine. Fail-safe by construction:
 * - never weaker than the same rule set with no history, whatever the till's own history says;
 * - a rule that fails at run time, which the engine counts as not matched, makes it at least `prompt`;
 * - never below `floor`, the service's last word on this basket, nor below `hold` while a hold is unreleased;
 * - no rule set, or an engine that throws: the built-in prompt, never "allow".
 */
export function decideOffline(ruleSet: CompiledRuleSet | undefined, inputs: OfflineInputs): LocalDecision {
  if (!ruleSet) return fallbackDecision(inputs.floor);
  try {
    const identified = identitiesPresent(inputs.check);
    const check = inputs.check.locale ? inputs.check : { ...inputs.check, locale: localeOf(ruleSet, browserLanguages()) };
    const base = { check, answers: inputs.answers, identified };
    const options = { atLeast: inputs.held ? ('hold' as const) : ('allow' as const) };
    const withHistory = decide(ruleSet, { ...base, history: inputs.history }, options);
    const withoutHistory = inputs.history === NO_HISTORY ? withHistory : decide(ruleSet, { ...base, history: NO_HISTORY }, options);
    let chosen = ACTION_STRENGTH[withoutHistory.action] > ACTION_STRENGTH[withHistory.action] ? withoutHistory : withHistory;
    if (chosen.ruleErrors.length > 0) {
      chosen = atLeast(ruleSet, chosen, 'prompt', {
        ruleId: 'offline-rule-error',
        message: `Rules that could not run offline: ${chosen.ruleErrors.map((error) => error.ruleId).join(', ')}`,
        messageId: 'reason.offline-rule-error',
      }, inputs.answers);
    }
    if (inputs.floor) {
      chosen = atLeast(ruleSet, chosen, inputs.floor, {
        ruleId: 'offline-floor',
        message: `Vouchsafe's last decision on this basket was ${inputs.floor}; answers given offline cannot lower it`,
        messageId: 'reason.offline-floor',
      }, inputs.answers);
    }
    return {
      action: chosen.action,
      score: chosen.score,
      reasons: chosen.reasons,
      prompt: chosen.prompt,
      locale: chosen.locale,
      next: chosen.next,
      ruleSetVersion: chosen.ruleSetVersion,
      engine: 'rules',
    };
  } catch {
    return fallbackDecision(inputs.floor);
  }
}

/**
 * The languages a browser sends as `Accept-Language` with every request, so a check without a
 * `locale` is worded offline as the service would word it. Outside a browser, none: Node's fetch
 * asks for no language, and the service answers in its default.
 */
function browserLanguages(): readonly string[] {
  if (typeof document === 'undefined') return [];
  return (globalThis as { navigator?: { languages?: readonly string[] } }).navigator?.languages ?? [];
}

function identitiesPresent(check: CheckRequest): boolean {
  return Boolean(check.customer.loyaltyId || check.customer.paymentToken);
}
