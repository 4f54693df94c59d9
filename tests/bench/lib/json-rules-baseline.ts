import { Engine, type ConditionProperties, type NestedCondition, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { type Action, strongerAction } from '../../../src/contract/enums.js';
import { type Facts, StaticFacts } from '../../../src/contract/fact-schema.js';
import type { CompiledRule, CompiledRuleSet } from '../../../src/engine/index.js';

/**
 * The engine benchmark's baseline: the rule set under test, built for json-rules-engine (the common
 * JavaScript rules engine) from the rules' own CEL conditions, so a rule added to rules/ is in the
 * race without anyone copying it. Each condition's checked AST is translated into json-rules-engine
 * conditions the way its users write them (fact, JSON path, operator, literal; all / any / not).
 * A rule using CEL this translation does not cover (arithmetic, say) is still in the race: it
 * becomes one computed fact that cel-js evaluates, as a json-rules-engine user would wrap a condition
 * their engine cannot express, and the benchmark reports how many rules needed that.
 */

interface Node {
  op: string;
  args: unknown;
  checkedType?: { name: string };
}

/** What json-rules-engine's event carries: all a decision needs to combine matched rules. */
export interface Outcome {
  id: string;
  score: number;
  action: Exclude<Action, 'allow'> | undefined;
  shadow: boolean;
}

class Untranslatable extends Error {}

const COMPARISONS: Record<string, [operator: string, flipped: string]> = {
  '==': ['equal', 'equal'],
  '!=': ['notEqual', 'notEqual'],
  '<': ['lessThan', 'greaterThan'],
  '<=': ['lessThanInclusive', 'greaterThanInclusive'],
  '>': ['greaterThan', 'lessThan'],
  '>=': ['greaterThanInclusive', 'lessThanInclusive'],
};

// Every root a condition can read: a computed fact re-assembles the facts from these.
const FACT_ROOTS = [...Object.keys(StaticFacts.shape), 'answers', 'lists'] as const;

class Translator {
  constructor(private readonly lists: CompiledRuleSet['lists']) {}

  condition(node: Node): NestedCondition {
    switch (node.op) {
      case '&&':
      case '||': {
        const key = node.op === '&&' ? 'all' : 'any';
        // a && b && c parses as (a && b) && c: flattened into one list, as a person would write it.
        const parts = (node.args as Node[]).flatMap((part): NestedCondition[] => {
          const translated = this.condition(part);
          if (key === 'all' && 'all' in translated) return translated.all;
          if (key === 'any' && 'any' in translated) return translated.any;
          return [translated];
        });
        return key === 'all' ? { all: parts } : { any: parts };
      }
      case '!_':
        return { not: this.condition(node.args as Node) };
      case '.':
      case 'id':
        if (node.checkedType?.name !== 'bool') throw new Untranslatable(`a ${node.checkedType?.name ?? 'dyn'} used as a condition`);
        return { ...this.fact(node), operator: 'equal', value: true };
      case 'in':
        return this.membership(...(node.args as [Node, Node]));
      case 'rcall':
        return this.exists(node.args as [string, Node, Node[]]);
      default: {
        const comparison = COMPARISONS[node.op];
        if (!comparison) throw new Untranslatable(`operator ${node.op}`);
        const [left, right] = node.args as [Node, Node];
        if (right.op === 'value') return { ...this.fact(left), operator: comparison[0], value: this.literal(right) };
        if (left.op === 'value') return { ...this.fact(right), operator: comparison[1], value: this.literal(left) };
        throw new Untranslatable(`${node.op} between two facts`);
      }
    }
  }

  /** `giftCards.total` → the fact giftCards at $.total; `tender` → the fact tender. */
  private fact(node: Node): { fact: string; path?: string } {
    const fields: string[] = [];
    let current = node;
    while (current.op === '.') {
      const [target, field] = current.args as [Node, string];
      fields.unshift(field);
      current = target;
    }
    if (current.op !== 'id') throw new Untranslatable(`a value computed by ${current.op}`);
    const root = current.args as string;
    if (root === 'lists') throw new Untranslatable('a list used outside `in`');
    return fields.length ? { fact: root, path: `$.${fields.join('.')}` } : { fact: root };
  }

  private literal(node: Node): unknown {
    const value = node.args;
    if (typeof value === 'bigint') return Number(value);
    if (['string', 'number', 'boolean'].includes(typeof value)) return value;
    throw new Untranslatable(`a literal of type ${typeof value}`);
  }

  /** A list written in the rule or named from the rule set's lists: its values. */
  private values(node: Node): unknown[] | undefined {
    if (node.op === 'list') return (node.args as Node[]).map((item) => this.literal(item));
    if (node.op === '.') {
      const [target, name] = node.args as [Node, string];
      if (target.op === 'id' && target.args === 'lists') return [...(this.lists[name] ?? [])];
    }
    return undefined;
  }

  private membership(element: Node, collection: Node): ConditionProperties {
    const values = this.values(collection);
    if (values) return { ...this.fact(element), operator: 'in', value: values };
    if (element.op === 'value') return { ...this.fact(collection), operator: 'contains', value: this.literal(element) };
    throw new Untranslatable('`in` between two facts');
  }

  /** `list.exists(x, x in other)`: whether the two lists share a value, an operator added to the engine. */
  private exists([method, receiver, [variable, predicate]]: [string, Node, Node[]]): ConditionProperties {
    if (method !== 'exists' || predicate?.op !== 'in') throw new Untranslatable(`method ${method}`);
    const [element, collection] = predicate.args as [Node, Node];
    const values = this.values(collection);
    if (element.op !== 'id' || element.args !== variable?.args || !values) throw new Untranslatable('exists with a predicate other than `x in list`');
    return { ...this.fact(receiver), operator: 'intersects', value: values };
  }
}

export interface JsonRulesBaseline {
  engine: Engine;
  /** Rules whose condition is a cel-js computed fact rather than json-rules-engine conditions. */
  viaCel: string[];
}

/** A json-rules-engine holding the rule set's rules; each event's params are the rule's Outcome. */
export function jsonRulesBaseline(ruleSet: CompiledRuleSet): JsonRulesBaseline {
  const translator = new Translator(ruleSet.lists);
  const viaCel: CompiledRule[] = [];
  const rules = ruleSet.rules.map((rule): RuleProperties => {
    const checked = ruleSet.facts.environment.parse(rule.definition.when);
    checked.check();
    let conditions: TopLevelCondition;
    try {
      const translated = translator.condition(checked.ast as Node);
      conditions = 'all' in translated || 'any' in translated || 'not' in translated ? (translated as TopLevelCondition) : { all: [translated] };
    } catch (error) {
      if (!(error instanceof Untranslatable)) throw error;
      viaCel.push(rule);
      conditions = { all: [{ fact: `cel:${rule.id}`, operator: 'equal', value: true }] };
    }
    const outcome: Outcome = { id: rule.id, score: rule.score, action: rule.action, shadow: rule.shadow };
    return { name: rule.id, conditions, event: { type: rule.id, params: outcome } };
  });
  const engine = new Engine(rules, { allowUndefinedFacts: true });
  engine.addOperator('intersects', (value: unknown, list: unknown) => Array.isArray(value) && Array.isArray(list) && value.some((v) => list.includes(v)));
  for (const rule of viaCel) {
    engine.addFact(`cel:${rule.id}`, async (_params, almanac) => {
      const facts = Object.fromEntries(await Promise.all(FACT_ROOTS.map(async (root) => [root, await almanac.factValue(root)] as const))) as unknown as Facts;
      return rule.reference(ruleSet.facts.toContext(facts));
    });
  }
  return { engine, viaCel: viaCel.map((rule) => rule.id) };
}

/** Score and action from the matched rules, combined as the engine does: the score's band, raised by any rule's action. */
export function combine(ruleSet: CompiledRuleSet, outcomes: readonly Outcome[]): { score: number; action: Action } {
  let score = 0;
  let ruleAction: Action = 'allow';
  for (const outcome of outcomes) {
    if (outcome.shadow) continue;
    score += outcome.score;
    if (outcome.action) ruleAction = strongerAction(ruleAction, outcome.action);
  }
  const { bands } = ruleSet;
  const band: Action = score >= bands.refuse ? 'refuse' : score >= bands.hold ? 'hold' : score >= bands.prompt ? 'prompt' : 'allow';
  return { score, action: strongerAction(band, ruleAction) };
}
