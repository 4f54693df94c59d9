import type { NextStep, Prompt, Reason } from '../contract/decision.js';
import { ACTION_STRENGTH, type Action, strongerAction } from '../contract/enums.js';
import type { Facts } from '../contract/fact-schema.js';
import type { CompiledRule, CompiledRuleSet } from './compile.js';
import { NEEDS_REFERENCE } from './compile-condition.js';
import { deriveFacts, type FactInputs } from './derive-facts.js';
import { chooseLocale } from './locales.js';

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
  /** The language of the reasons, the prompt and the next step. */
  locale: string;
  /** What the colleague does now; a hold's deadline is the review's, added by whoever keeps reviews. */
  next: NextStep;
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

/** Strongest first; among equals, the order of the rule files. */
function byStrength(a: CompiledRule, b: CompiledRule): number {
  return strength(b) - strength(a) || a.order - b.order;
}

/** Whether the rule matches: the compiled condition when there is one, cel-js otherwise. */
function matches(rule: CompiledRule, ruleSet: CompiledRuleSet, facts: Facts, cache: { context?: Record<string, unknown> }): unknown {
  if (rule.fast) {
    try {
      return rule.fast(facts);
    } catch (error) {
      if (error !== NEEDS_REFERENCE) throw error;
    }
  }
  // The typed CEL context is built at most once per decision, and only if a rule needs it.
  cache.context ??= ruleSet.facts.toContext(facts);
  return rule.reference(cache.context);
}

/** Evaluates every rule against facts already derived; the action is never weaker than `atLeast`. */
export function evaluateFacts(ruleSet: CompiledRuleSet, facts: Facts, atLeast: Action = 'allow', locale = ruleSet.defaultLocale): EngineDecision {
  const catalog = ruleSet.locales.get(locale) ?? ruleSet.prompts;
  const cache: { context?: Record<string, unknown> } = {};
  const matched: CompiledRule[] = [];
  const shadow: CompiledRule[] = [];
  let ruleErrors: RuleError[] | undefined;
  for (const rule of ruleSet.rules) {
    let hit: unknown;
    try {
      hit = matches(rule, ruleSet, facts, cache);
    } catch (error) {
      (ruleErrors ??= []).push({ ruleId: rule.id, message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
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
  const action = strongerAction(strongerAction(bandAction(score, ruleSet), ruleAction), atLeast);

  matched.sort(byStrength);
  const reasons = new Array<Reason>(matched.length);
  for (let i = 0; i < matched.length; i++) {
    const rule = matched[i]!;
    reasons[i] = { ruleId: rule.id, message: (rule.reasons.get(catalog.locale) ?? rule.reason)(facts), messageId: `reason.${rule.id}` };
  }
  // Shadow reasons are for analysts only: in the rule files' words.
  const shadowReasons = new Array<Reason>(shadow.length);
  for (let i = 0; i < shadow.length; i++) shadowReasons[i] = { ruleId: shadow[i]!.id, message: shadow[i]!.reason(facts), messageId: `reason.${shadow[i]!.id}` };

  let promptId: string | null = null;
  let prompt: Prompt | null = null;
  if (action !== 'allow') {
    promptId = catalog.actionPrompt(action) ?? matched.find(hasPrompt)?.definition.prompt ?? catalog.defaultPrompt;
    prompt = catalog.render(promptId, facts.answers);
  }

  return {
    action,
    score,
    reasons,
    shadowReasons,
    promptId,
    prompt,
    locale: catalog.locale,
    next: catalog.next(action, prompt),
    ruleSetVersion: ruleSet.version,
    ruleErrors: ruleErrors ?? [],
  };
}

function hasPrompt(rule: CompiledRule): boolean {
  return rule.definition.prompt !== undefined;
}

export interface DecideOptions {
  /**
   * The weakest action allowed: `hold` while a held sale waits for its supervisor, so the colleague's
   * reassuring answers can raise it to a refusal but never talk it down.
   */
  atLeast?: Action;
}

/** The decision for one basket, its history and the answers so far. Pure: the same inputs give the same decision. */
export function decide(ruleSet: CompiledRuleSet, inputs: FactInputs, { atLeast = 'allow' }: DecideOptions = {}): EngineDecision {
  return evaluateFacts(ruleSet, deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists), atLeast, localeOf(ruleSet, inputs.check.locale));
}

/** The locale a check's texts are in: the closest the rule set has to the one it asks for, else the default. */
export function localeOf(ruleSet: CompiledRuleSet, wanted: string | readonly string[] | undefined): string {
  const tags = wanted === undefined ? [] : typeof wanted === 'string' ? [wanted] : wanted;
  return chooseLocale([...ruleSet.locales.keys()], tags, ruleSet.defaultLocale);
}
