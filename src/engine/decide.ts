import type { Prompt, Reason } from '../contract/decision.js';
import { ACTION_STRENGTH, type Action, strongerAction } from '../contract/enums.js';
import type { Facts } from '../contract/facts.js';
import type { CompiledRule, CompiledRuleSet } from './compile.js';
import { deriveFacts, type FactInputs } from './facts.js';

export interface RuleError {
  ruleId: string;
  message: string;
}

export interface EngineDecision {
  action: Action;
  score: number;
  /** Enforced rules that matched, strongest first. */
  reasons: Reason[];
  /** Shadow rules that matched: recorded for analysts, never enforced or shown. */
  shadowReasons: Reason[];
  promptId: string | null;
  prompt: Prompt | null;
  ruleSetVersion: string;
  /** Rules that failed at run time; they count as not matched. */
  ruleErrors: RuleError[];
}

function bandAction(score: number, ruleSet: CompiledRuleSet): Action {
  const { bands } = ruleSet;
  if (score >= bands.refuse) return 'refuse';
  if (score >= bands.hold) return 'hold';
  if (score >= bands.prompt) return 'prompt';
  return 'allow';
}

function strength(rule: CompiledRule): number {
  return (rule.action ? ACTION_STRENGTH[rule.action] : 0) * 1000 + rule.score;
}

/** Evaluates every rule against facts already derived. */
export function evaluateFacts(ruleSet: CompiledRuleSet, facts: Facts): EngineDecision {
  const context = ruleSet.facts.toContext(facts);
  const matched: CompiledRule[] = [];
  const shadow: CompiledRule[] = [];
  const ruleErrors: RuleError[] = [];
  for (const rule of ruleSet.rules) {
    let hit: unknown;
    try {
      hit = rule.matches(context);
    } catch (error) {
      ruleErrors.push({ ruleId: rule.id, message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
      continue;
    }
    if (hit === true) (rule.shadow ? shadow : matched).push(rule);
  }

  let score = 0;
  let ruleAction: Action = 'allow';
  for (const rule of matched) {
    score += rule.score;
    if (rule.action) ruleAction = strongerAction(ruleAction, rule.action);
  }
  const action = strongerAction(bandAction(score, ruleSet), ruleAction);

  const ranked = matched.map((rule, order) => ({ rule, order })).sort((a, b) => strength(b.rule) - strength(a.rule) || a.order - b.order);
  const reasons = ranked.map(({ rule }) => ({ ruleId: rule.id, message: rule.reason(facts) }));
  const shadowReasons = shadow.map((rule) => ({ ruleId: rule.id, message: rule.reason(facts) }));

  let promptId: string | null = null;
  let prompt: Prompt | null = null;
  if (action !== 'allow') {
    promptId =
      ruleSet.prompts.actionPrompt(action) ??
      ranked.find(({ rule }) => rule.definition.prompt)?.rule.definition.prompt ??
      ruleSet.prompts.defaultPrompt;
    prompt = ruleSet.prompts.render(promptId, action, facts.answers);
  }

  return { action, score, reasons, shadowReasons, promptId, prompt, ruleSetVersion: ruleSet.version, ruleErrors };
}

/** The decision for one basket, its history and the answers so far. Pure: the same inputs give the same decision. */
export function decide(ruleSet: CompiledRuleSet, inputs: FactInputs): EngineDecision {
  return evaluateFacts(ruleSet, deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists));
}
