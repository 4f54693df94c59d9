import { CheckRequest } from '../contract/check.js';
import type { HistoryFacts } from '../contract/fact-schema.js';
import type { HistoryInput, RuleTestCase } from '../contract/rule-file.js';
import type { CompiledRuleSet } from './compile.js';
import { decide, type EngineDecision } from './decide.js';
import { NO_AREA } from './area.js';
import { NO_HISTORY, NO_NETWORK } from './derive-facts.js';

export interface RuleTestResult {
  file: string;
  name: string;
  passed: boolean;
  /** What differed from the expectation, one line each. */
  failures: string[];
  decision?: EngineDecision;
}

const TEST_DEFAULTS = { storeId: 'rule-test-store', tillId: 'T1', transactionId: 'rule-test', currency: 'GBP' };

/** The check a rule test describes, with the defaults a test may leave out. */
export function testCheck(test: RuleTestCase): CheckRequest {
  return CheckRequest.parse({ ...TEST_DEFAULTS, ...test.check });
}

function historyFromInput(input: HistoryInput): HistoryFacts {
  return {
    h1: { ...NO_HISTORY.h1, ...input.h1 },
    h24: { ...NO_HISTORY.h24, ...input.h24 },
    d30: { ...NO_HISTORY.d30, ...input.d30 },
    sameFamily: {
      d7: { ...NO_HISTORY.sameFamily.d7, ...input.sameFamily?.d7 },
      d30: { ...NO_HISTORY.sameFamily.d30, ...input.sameFamily?.d30 },
    },
  };
}

export function runRuleTest(ruleSet: CompiledRuleSet, file: string, test: RuleTestCase): RuleTestResult {
  const failures: string[] = [];
  const answers = test.answers ?? {};
  for (const [question, value] of Object.entries(answers)) {
    const allowed = ruleSet.prompts.answerValues.get(question);
    if (!allowed) failures.push(`answers names "${question}", which is not a question`);
    else if (!allowed.has(value)) failures.push(`answers.${question} is "${value}"; allowed: ${[...allowed].join(', ')}`);
  }
  for (const id of [...(test.expect.rules ?? []), ...(test.expect.notRules ?? [])]) {
    if (!ruleSet.rules.some((rule) => rule.id === id)) failures.push(`expect names rule "${id}", which does not exist`);
  }
  if (failures.length > 0) return { file, name: test.name, passed: false, failures };

  const check = testCheck(test);
  const history = test.history ? historyFromInput(test.history) : NO_HISTORY;
  const identified = test.history !== undefined || check.customer.loyaltyId !== undefined || check.customer.paymentToken !== undefined;
  const area = test.area ? { ...NO_AREA, ...test.area } : NO_AREA;
  const network = { ...NO_NETWORK, ...test.network };
  const decision = decide(ruleSet, { check, history, answers, identified, area, network });

  const matched = new Set([...decision.reasons, ...decision.shadowReasons].map((reason) => reason.ruleId));
  const contribution = (ruleId: string) => {
    const rule = ruleSet.rules.find((candidate) => candidate.id === ruleId);
    const parts = [rule?.score ? `${rule.score > 0 ? '+' : ''}${rule.score}` : '', rule?.action ?? ''].filter(Boolean);
    return parts.length ? `${ruleId} ${parts.join(' ')}` : ruleId;
  };
  const why = decision.reasons.length ? decision.reasons.map((r) => contribution(r.ruleId)).join(', ') : 'no rules';
  if (decision.action !== test.expect.action) {
    failures.push(`action: expected ${test.expect.action}, got ${decision.action} (score ${decision.score}; matched ${why})`);
  }
  for (const id of test.expect.rules ?? []) if (!matched.has(id)) failures.push(`expected rule ${id} to match; matched ${why}`);
  for (const id of test.expect.notRules ?? []) if (matched.has(id)) failures.push(`expected rule ${id} not to match, but it did`);
  if (test.expect.prompt !== undefined && decision.promptId !== test.expect.prompt) {
    failures.push(`prompt: expected ${test.expect.prompt ?? 'none'}, got ${decision.promptId ?? 'none'}`);
  }
  return { file, name: test.name, passed: failures.length === 0, failures, decision };
}

/** Runs every test in every file of the rule set, like `opa test`. */
export function runRuleTests(ruleSet: CompiledRuleSet): RuleTestResult[] {
  return ruleSet.tests.map(({ file, test }) => runRuleTest(ruleSet, file, test));
}
