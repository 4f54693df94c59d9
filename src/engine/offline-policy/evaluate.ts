import type { CheckRequest } from '../../contract/check.js';
import type { NextStep, NextStepKind, Prompt } from '../../contract/decision.js';
import { ACTION_STRENGTH, type Action, strongerAction } from '../../contract/enums.js';
import type { OfflinePolicy, PolicyCondition, PolicyRule } from '../../contract/offline-policy.js';
import { deriveFacts, NO_HISTORY } from '../derive-facts.js';
import { copyHandOff, HAND_OFF_STEPS } from '../prompts.js';

/**
 * The reference evaluator of the offline policy, in TypeScript: what the vectors' expectations are
 * computed with, and what `examples/python/` mirrors. It reads only the policy, never the rule set.
 */

export type PolicyFactValue = number | string | boolean | readonly string[];
export type PolicyFactValues = Readonly<Record<string, PolicyFactValue>>;

/** What the table decides: the action, why, and the script rendered as the service renders it. */
export interface PolicyDecision {
  action: Action;
  score: number;
  /** The matched rules, strongest first. */
  rules: string[];
  prompt: Prompt | null;
  next: NextStep;
}
/** The table's facts for a validated basket and the answers so far, as a till would work them out. */
export function offlinePolicyFacts(policy: OfflinePolicy, check: CheckRequest, answers: Readonly<Record<string, string>>): Record<string, PolicyFactValue> {
  const identified = Boolean(check.customer.loyaltyId || check.customer.paymentToken);
  const facts = deriveFacts({ check, history: NO_HISTORY, answers, identified }, policy.questions.map((question) => question.id), {});
  const values: Record<string, PolicyFactValue> = {};
  for (const { name } of policy.facts) {
    let value: unknown = facts;
    for (const key of name.split('.')) value = (value as Record<string, unknown>)[key];
    values[name] = value as PolicyFactValue;
  }
  return values;
}

function holds({ fact, op, value }: PolicyCondition, facts: PolicyFactValues): boolean {
  const actual = facts[fact];
  if (actual === undefined) throw new Error(`The policy reads ${fact}, which the facts do not have`);
  const list = Array.isArray(value) ? (value as readonly string[]) : [];
  switch (op) {
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
    case '<':
      return (actual as number) < (value as number);
    case '<=':
      return (actual as number) <= (value as number);
    case '>':
      return (actual as number) > (value as number);
    case '>=':
      return (actual as number) >= (value as number);
    case 'in':
      return list.includes(actual as string);
    case 'not_in':
      return !list.includes(actual as string);
    case 'any_in':
      return (actual as readonly string[]).some((element) => list.includes(element));
    case 'none_in':
      return !(actual as readonly string[]).some((element) => list.includes(element));
  }
}

const matches = (rule: PolicyRule, facts: PolicyFactValues) => rule.when.some((row) => row.every((condition) => holds(condition, facts)));

function bandAction(score: number, bands: OfflinePolicy['bands']): Action {
  if (score >= bands.refuse) return 'refuse';
  if (score >= bands.hold) return 'hold';
  if (score >= bands.prompt) return 'prompt';
  return 'allow';
}

const strength = (rule: PolicyRule) => (rule.action ? ACTION_STRENGTH[rule.action] : 0) * 1000 + rule.score;

function render(policy: OfflinePolicy, id: string, answers: Readonly<Record<string, string>>): Prompt {
  const prompt = policy.prompts[id]!;
  return {
    id,
    locale: policy.locale,
    headline: prompt.headline,
    say: prompt.say,
    messageIds: { ...prompt.messageIds },
    questions: prompt.questions.filter((question) => !answers[question]).map((question) => policy.questions.find((q) => q.id === question)!),
    advice: prompt.advice.map((line) => ({ ...line })),
  };
}

function nextStep(policy: OfflinePolicy, action: Action, prompt: Prompt | null): NextStep {
  const step: NextStepKind =
    action === 'refuse' ? 'refuse' : action === 'hold' ? 'wait_for_supervisor' : prompt && prompt.questions.length > 0 ? 'ask' : 'finish_sale';
  const next: NextStep = { step, say: policy.next[step], messageId: `next.${step}` };
  // As the engine: a refusal or a hold carries the hand-off.
  const { handOff } = policy;
  return handOff.length > 0 && HAND_OFF_STEPS.has(step) ? { ...next, handOff: copyHandOff(handOff) } : next;
}

/** The decision the table gives for these facts and answers. */
export function evaluateOfflinePolicy(policy: OfflinePolicy, facts: PolicyFactValues, answers: Readonly<Record<string, string>>): PolicyDecision {
  const matched = policy.rules
    .map((rule, order) => ({ rule, order }))
    .filter(({ rule }) => matches(rule, facts))
    .sort((a, b) => strength(b.rule) - strength(a.rule) || a.order - b.order)
    .map(({ rule }) => rule);
  const score = matched.reduce((sum, rule) => sum + rule.score, 0);
  const action = matched.reduce<Action>((strongest, rule) => (rule.action ? strongerAction(strongest, rule.action) : strongest), bandAction(score, policy.bands));
  let prompt: Prompt | null = null;
  if (action !== 'allow') {
    const id = policy.actions[action].prompt ?? matched.find((rule) => rule.prompt)?.prompt ?? policy.defaultPrompt;
    prompt = render(policy, id, answers);
  }
  return { action, score, rules: matched.map((rule) => rule.id), prompt, next: nextStep(policy, action, prompt) };
}
