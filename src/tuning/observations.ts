import { ACTION_STRENGTH, type Action } from '../contract/enums.js';
import { labelOf } from '../backtest/backtest.js';
import { type CompiledRuleSet, decide, type EngineDecision, runRuleTest } from '../engine/index.js';
import type { ReplayRow } from '../store/index.js';

/**
 * A stored check, or a rule test, reduced to what the scores decide: which of the rules that carry a
 * score it matched, and the strongest action its matched rules demand whatever the score. Scores
 * and bands can then be tried by adding numbers, not by running rules again.
 */
export interface Matched {
  /** Indices (into the tunable rules) of the scored rules that matched. */
  rules: number[];
  /** The strongest rule action among the rules that matched (0 allow … 3 refuse). */
  floor: number;
}

/**
 * Checks that look the same to the scores (same label, same rules matched), counted together: a
 * year of checks comes down to a few thousand of these, so trying a set of scores stays quick.
 */
export interface Observation {
  label: 'scam' | 'ordinary' | 'unlabelled';
  /** Whether these are stored-value baskets (what the interruption budget is a share of). */
  basket: boolean;
  /** How many checks. */
  checks: number;
  /** Their stored value together (minor units). */
  storedValue: number;
  /** The basket before any answer: whether the customer is interrupted at all. */
  asked: Matched;
  /** With the answers the colleague recorded: whether the sale is stopped in the end. */
  answered: Matched;
}

export interface TestObservation {
  file: string;
  name: string;
  expected: number;
  matched: Matched;
}

/** Enforced rules with a score: what tuning may change. Rule actions are left as written. */
export interface TunableRule {
  id: string;
  score: number;
}

export function tunableRules(ruleSet: CompiledRuleSet): TunableRule[] {
  return ruleSet.rules.filter((rule) => !rule.shadow && rule.score !== 0).map((rule) => ({ id: rule.id, score: rule.score }));
}

function matcher(ruleSet: CompiledRuleSet) {
  const index = new Map(tunableRules(ruleSet).map((rule, i) => [rule.id, i]));
  const actions = new Map(ruleSet.rules.map((rule) => [rule.id, rule.action]));
  return (decision: EngineDecision): Matched => {
    const rules: number[] = [];
    let floor = 0;
    for (const { ruleId } of decision.reasons) {
      const i = index.get(ruleId);
      if (i !== undefined) rules.push(i);
      const action: Action | undefined = actions.get(ruleId);
      if (action) floor = Math.max(floor, ACTION_STRENGTH[action]);
    }
    return { rules, floor };
  };
}

/** Each stored check decided twice with the rule set, without answers and with the ones recorded, and grouped. */
export async function observe(ruleSet: CompiledRuleSet, rows: AsyncIterable<ReplayRow> | Iterable<ReplayRow>): Promise<Observation[]> {
  const toMatched = matcher(ruleSet);
  const groups = new Map<string, Observation>();
  for await (const row of rows) {
    const inputs = { check: row.request, history: row.history, identified: row.identified };
    const asked = toMatched(decide(ruleSet, { ...inputs, answers: {} }));
    const answered = toMatched(decide(ruleSet, { ...inputs, answers: row.answers }));
    const label = labelOf(row.outcome);
    const basket = row.storedValue > 0;
    const key = `${label}|${basket}|${asked.floor}:${asked.rules.join(',')}|${answered.floor}:${answered.rules.join(',')}`;
    const group = groups.get(key);
    if (group) {
      group.checks += 1;
      group.storedValue += row.storedValue;
    } else {
      groups.set(key, { label, basket, checks: 1, storedValue: row.storedValue, asked, answered });
    }
  }
  return [...groups.values()];
}

/** The rule set's own tests, as the scores see them: each must keep the action it expects. */
export function observeTests(ruleSet: CompiledRuleSet): TestObservation[] {
  const toMatched = matcher(ruleSet);
  return ruleSet.tests.flatMap(({ file, test }) => {
    const { decision } = runRuleTest(ruleSet, file, test);
    return decision ? [{ file, name: test.name, expected: ACTION_STRENGTH[test.expect.action], matched: toMatched(decision) }] : [];
  });
}
