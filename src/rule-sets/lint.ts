import type { Facts } from '../contract/fact-schema.js';
import { type CompiledRuleSet, evaluateFacts, type RuleTestResult } from '../engine/index.js';
import { sampleFacts } from './lint-samples.js';

export interface LintFinding {
  file: string;
  ruleId?: string;
  message: string;
}

const DEFAULT_SAMPLES = 20_000;

/**
 * What is legal but probably wrong: rules that repeat another's condition, that no plausible check
 * matches, that no test exercises, or that change nothing; prompts, questions and lists nobody uses.
 */
export function lintRuleSet(
  ruleSet: CompiledRuleSet,
  testResults: readonly RuleTestResult[],
  { samples = DEFAULT_SAMPLES }: { samples?: number } = {},
): LintFinding[] {
  const findings: LintFinding[] = [];
  const normalise = (when: string) => when.replace(/\s+/g, '');

  const byCondition = new Map<string, string>();
  for (const rule of ruleSet.rules) {
    const key = normalise(rule.definition.when);
    const earlier = byCondition.get(key);
    if (earlier) findings.push({ file: rule.file, ruleId: rule.id, message: `has the same condition as ${earlier}` });
    else byCondition.set(key, rule.id);
    if (!rule.shadow && rule.score === 0 && !rule.action) {
      findings.push({ file: rule.file, ruleId: rule.id, message: 'has score 0 and no action: it never changes a decision' });
    }
  }

  const testedRules = new Set(
    testResults.flatMap((result) => [...(result.decision?.reasons ?? []), ...(result.decision?.shadowReasons ?? [])].map((r) => r.ruleId)),
  );
  const sampledRules = new Set<string>();
  for (const facts of sampleFacts(ruleSet, samples)) {
    const decision = safeEvaluate(ruleSet, facts);
    for (const reason of [...(decision?.reasons ?? []), ...(decision?.shadowReasons ?? [])]) sampledRules.add(reason.ruleId);
  }
  for (const rule of ruleSet.rules) {
    if (testedRules.has(rule.id)) continue;
    if (samples > 0 && !sampledRules.has(rule.id)) {
      findings.push({ file: rule.file, ruleId: rule.id, message: `matched no test and none of ${samples.toLocaleString('en-GB')} sampled checks: it may be unreachable` });
    } else {
      findings.push({ file: rule.file, ruleId: rule.id, message: 'no test matches this rule' });
    }
  }

  // The rules are written in the default locale's language; another language should word every reason.
  const language = (locale: string) => locale.toLowerCase().split('-')[0];
  const ruleIds = new Set(ruleSet.rules.map((rule) => rule.id));
  for (const catalog of ruleSet.locales.values()) {
    for (const ruleId of Object.keys(catalog.reasons)) {
      if (!ruleIds.has(ruleId)) findings.push({ file: `prompts/${catalog.locale}.yaml`, message: `reasons: words "${ruleId}", which is not a rule` });
    }
    if (language(catalog.locale) === language(ruleSet.defaultLocale)) continue;
    for (const rule of ruleSet.rules) {
      if (rule.shadow || catalog.reasons[rule.id] !== undefined) continue;
      findings.push({ file: `prompts/${catalog.locale}.yaml`, ruleId: rule.id, message: `reasons: does not word this rule, so ${catalog.locale} colleagues read its reason in the rules' language` });
    }
  }

  const conditions = ruleSet.rules.map((rule) => rule.definition.when).join('\n');
  const usedPrompts = new Set([
    ruleSet.prompts.defaultPrompt,
    ...ruleSet.rules.map((rule) => rule.definition.prompt).filter((id): id is string => id !== undefined),
    ...(['prompt', 'hold', 'refuse'] as const).map((action) => ruleSet.prompts.actionPrompt(action)).filter((id): id is string => id !== undefined),
  ]);
  const promptFile = ruleSet.source.prompts[0]?.path ?? 'prompts/';
  for (const id of ruleSet.prompts.promptIds) {
    if (!usedPrompts.has(id)) findings.push({ file: promptFile, message: `prompt "${id}" is never shown: no rule or action names it` });
  }
  const askedQuestions = new Set(
    [...ruleSet.prompts.promptIds].flatMap((id) => ruleSet.prompts.render(id, {}).questions.map((q) => q.id)),
  );
  for (const question of ruleSet.prompts.questionIds) {
    if (!askedQuestions.has(question)) findings.push({ file: promptFile, message: `question "${question}" is in no prompt` });
  }
  for (const name of Object.keys(ruleSet.lists)) {
    if (!new RegExp(`\\blists\\.${name}\\b`).test(conditions)) findings.push({ file: 'rules/', message: `list "${name}" is used by no rule` });
  }
  return findings;
}

function safeEvaluate(ruleSet: CompiledRuleSet, facts: Facts) {
  try {
    return evaluateFacts(ruleSet, facts);
  } catch {
    return undefined;
  }
}
