import { serialize } from '@marcbachmann/cel-js';
import type { AgeBand } from '../../contract/enums.js';
import type { PolicyCondition, PolicyFactType, PolicyOperator } from '../../contract/offline-policy.js';
import { NO_AREA } from '../area.js';
import { AGE_AT_LEAST, NO_HISTORY, NO_NETWORK } from '../derive-facts.js';

/**
 * Turns a type-checked CEL condition into rows of conditions over basket facts (a disjunction of
 * conjunctions), for a customer with no history.
 *
 * The condition is first put in negation normal form, where every sub-formula sits in a positive
 * position: replacing any piece by "true" can then only make the condition hold more often, and by
 * "false" less often. That is how a piece the table cannot express (a fact it does not carry, a
 * comparison of two facts, a string function, too many rows) is approximated: towards matching for
 * a rule that strengthens a decision, towards not matching for one that weakens it. So the table is
 * never weaker than the rule, by construction; what was approximated is reported.
 */

export type Formula = PolicyCondition[][];
const TRUE: Formula = [[]];
const FALSE: Formula = [];
const MAX_ROWS = 64;

type Scalar = number | string | boolean;
type Term =
  | { kind: 'const'; value: Scalar | readonly Scalar[] }
  | { kind: 'fact'; fact: string; offset: number }
  | { kind: 'unknown'; why: string };

interface Node {
  op: string;
  args: unknown;
}

export interface Vocabulary {
  /** The facts the table carries, by path. */
  readonly types: ReadonlyMap<string, PolicyFactType>;
  /** The closed set of values of a fact, where it has one. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The rule set's `lists:`. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

export interface Translation {
  formula: Formula;
  /** What could not be expressed and was approximated; empty when the rows are exact. */
  approximated: string[];
}

const AGE_AT_LEAST_FACT = 'customer.ageAtLeast';
const CUSTOMER_TOTAL = 'customerTotal.';
const BASKET_WITHOUT_TOP_UPS = 'giftCards.withoutTopUps';
const FLIPPED: Partial<Record<PolicyOperator, PolicyOperator>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };
const NEGATED: Record<PolicyOperator, PolicyOperator> = {
  '==': '!=',
  '!=': '==',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
  in: 'not_in',
  not_in: 'in',
  any_in: 'none_in',
  none_in: 'any_in',
};
const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && 'op' in value;
const celText = (node: unknown): string => {
  try {
    return serialize(node as Parameters<typeof serialize>[0]);
  } catch {
    return 'an expression';
  }
};

function compare(left: Scalar, op: PolicyOperator, right: Scalar): boolean {
  switch (op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      throw new Error(`${op} is not a comparison`);
  }
}

/**
 * Translates one condition. `towards` says which way an inexpressible piece goes: `true` for a rule
 * whose match can only strengthen a decision, `false` for one whose match can only weaken it.
 */
export function translateCondition(ast: unknown, vocabulary: Vocabulary, towards: boolean): Translation {
  const approximated: string[] = [];
  const approximate = (why: string): Formula => {
    approximated.push(why);
    return towards ? TRUE : FALSE;
  };

  function formula(node: unknown, negated: boolean): Formula {
    if (!isNode(node)) return approximate('a condition it cannot read');
    const [left, right] = (Array.isArray(node.args) ? node.args : []) as [unknown, unknown];
    switch (node.op) {
      case '&&':
        return negated ? or(formula(left, true), formula(right, true)) : and(formula(left, false), formula(right, false));
      case '||':
        return negated ? and(formula(left, true), formula(right, true)) : or(formula(left, false), formula(right, false));
      case '!_':
        return formula(node.args, !negated);
      case '?:': {
        const [condition, then, otherwise] = node.args as [unknown, unknown, unknown];
        return or(and(formula(condition, false), formula(then, negated)), and(formula(condition, true), formula(otherwise, negated)));
      }
      case 'value':
        if (typeof node.args === 'boolean') return node.args !== negated ? TRUE : FALSE;
        return approximate(`the literal ${celText(node)}`);
      case 'in':
        return membership(node, left, right, negated);
      case 'rcall':
        return method(node, negated);
      case 'id':
      case '.': {
        const value = term(node);
        if (value.kind === 'const' && typeof value.value === 'boolean') return value.value !== negated ? TRUE : FALSE;
        if (value.kind === 'fact' && vocabulary.types.get(value.fact) === 'boolean') return [[{ fact: value.fact, op: '==', value: !negated }]];
        return approximate(value.kind === 'unknown' ? value.why : celText(node));
      }
      default:
        if (COMPARISONS.has(node.op)) return comparison(node, node.op as PolicyOperator, left, right, negated);
        return approximate(celText(node));
    }
  }

  function comparison(node: Node, op: PolicyOperator, left: unknown, right: unknown, negated: boolean): Formula {
    let a = term(left);
    let b = term(right);
    if (a.kind === 'unknown') return approximate(a.why);
    if (b.kind === 'unknown') return approximate(b.why);
    const effective = negated ? NEGATED[op] : op;
    if (a.kind === 'const' && b.kind === 'const') {
      if (Array.isArray(a.value) || Array.isArray(b.value)) return approximate(celText(node));
      return compare(a.value as Scalar, effective, b.value as Scalar) ? TRUE : FALSE;
    }
    let operator = effective;
    if (a.kind === 'const') {
      [a, b] = [b, a];
      operator = FLIPPED[operator]!;
    }
    if (a.kind !== 'fact' || b.kind !== 'const') return approximate(`${celText(node)} (it compares two facts)`);
    if (Array.isArray(b.value)) return approximate(celText(node));
    const constant = typeof b.value === 'number' ? b.value - a.offset : b.value;
    return condition(a.fact, operator, constant as Scalar);
  }

  /** One condition, with `customer.ageAtLeast` read as the age bands it allows. */
  function condition(fact: string, op: PolicyOperator, value: Scalar): Formula {
    if (fact === AGE_AT_LEAST_FACT) {
      const bands = (Object.keys(AGE_AT_LEAST) as AgeBand[]).filter((band) => compare(AGE_AT_LEAST[band], op, value));
      return [[{ fact: 'customer.ageBand', op: 'in', value: bands }]];
    }
    return [[{ fact, op, value }]];
  }

  function membership(node: Node, element: unknown, collection: unknown, negated: boolean): Formula {
    const item = term(element);
    const list = term(collection);
    if (item.kind === 'unknown') return approximate(item.why);
    if (list.kind === 'unknown') return approximate(list.why);
    if (list.kind === 'const' && Array.isArray(list.value)) {
      const values = list.value as readonly Scalar[];
      if (item.kind === 'const') return values.includes(item.value as Scalar) !== negated ? TRUE : FALSE;
      if (item.kind !== 'fact') return approximate(celText(node));
      const strings = values.every((value) => typeof value === 'string');
      if (strings && item.offset === 0 && item.fact !== AGE_AT_LEAST_FACT) {
        return [[{ fact: item.fact, op: negated ? 'not_in' : 'in', value: values as string[] }]];
      }
      // Numbers: one row per value, or every value ruled out.
      const each = values.map((value) => comparison(node, '==', element, { op: 'value', args: value }, negated));
      return negated ? each.reduce(and, TRUE) : each.reduce(or, FALSE);
    }
    if (list.kind === 'fact' && vocabulary.types.get(list.fact) === 'string-list' && item.kind === 'const' && typeof item.value === 'string') {
      return [[{ fact: list.fact, op: negated ? 'none_in' : 'any_in', value: [item.value] }]];
    }
    return approximate(celText(node));
  }

  /** `list.exists(x, x in [...])` and `list.exists(x, x == "…")`, over a list fact or a constant list. */
  function method(node: Node, negated: boolean): Formula {
    const [name, receiver, callArgs] = node.args as [string, unknown, unknown[]];
    if (name !== 'exists' || callArgs.length !== 2) return approximate(celText(node));
    const [variable, predicate] = callArgs as [Node, unknown];
    const values = elementTest(predicate, variable.args as string);
    const list = term(receiver);
    if (!values || list.kind === 'unknown') return approximate(list.kind === 'unknown' ? list.why : celText(node));
    if (list.kind === 'const' && Array.isArray(list.value)) {
      return (list.value as readonly Scalar[]).some((value) => values.includes(value as string)) !== negated ? TRUE : FALSE;
    }
    if (list.kind === 'fact' && vocabulary.types.get(list.fact) === 'string-list') {
      return [[{ fact: list.fact, op: negated ? 'none_in' : 'any_in', value: [...values] }]];
    }
    return approximate(celText(node));
  }

  /** The values an element test over `variable` accepts, if it is a plain membership or equality. */
  function elementTest(predicate: unknown, variable: string): string[] | undefined {
    if (!isNode(predicate)) return undefined;
    const [left, right] = (Array.isArray(predicate.args) ? predicate.args : []) as [unknown, unknown];
    const isVariable = (node: unknown) => isNode(node) && node.op === 'id' && node.args === variable;
    const constant = (node: unknown): Term => (isVariable(node) ? { kind: 'unknown', why: '' } : term(node));
    if (predicate.op === '||') {
      const a = elementTest(left, variable);
      const b = elementTest(right, variable);
      return a && b ? [...a, ...b] : undefined;
    }
    if (predicate.op === 'in' && isVariable(left)) {
      const list = constant(right);
      return list.kind === 'const' && Array.isArray(list.value) && list.value.every((v) => typeof v === 'string') ? [...(list.value)] : undefined;
    }
    if (predicate.op === '==') {
      const other = isVariable(left) ? constant(right) : isVariable(right) ? constant(left) : undefined;
      return other?.kind === 'const' && typeof other.value === 'string' ? [other.value] : undefined;
    }
    return undefined;
  }

  function path(node: unknown): string | undefined {
    if (!isNode(node)) return undefined;
    if (node.op === 'id') return node.args as string;
    if (node.op === '.') {
      const [target, field] = node.args as [unknown, string];
      const base = path(target);
      return base === undefined ? undefined : `${base}.${field}`;
    }
    return undefined;
  }

  function term(node: unknown): Term {
    if (!isNode(node)) return { kind: 'unknown', why: 'an expression it cannot read' };
    switch (node.op) {
      case 'value': {
        const value = node.args;
        if (typeof value === 'bigint') return { kind: 'const', value: Number(value) };
        if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return { kind: 'const', value };
        return { kind: 'unknown', why: `the literal ${celText(node)}` };
      }
      case 'list': {
        const items = (node.args as unknown[]).map(term);
        if (items.every((item) => item.kind === 'const' && !Array.isArray(item.value))) {
          return { kind: 'const', value: items.map((item) => (item as { value: Scalar }).value) };
        }
        return { kind: 'unknown', why: `the list ${celText(node)}` };
      }
      case 'id':
      case '.':
        return fact(node);
      case '+':
      case '-': {
        const [left, right] = (node.args as [unknown, unknown]).map(term) as [Term, Term];
        const sign = node.op === '+' ? 1 : -1;
        if (left.kind === 'const' && right.kind === 'const' && typeof left.value === 'number' && typeof right.value === 'number') {
          return { kind: 'const', value: left.value + sign * right.value };
        }
        if (left.kind === 'fact' && right.kind === 'const' && typeof right.value === 'number') {
          return { ...left, offset: left.offset + sign * right.value };
        }
        if (node.op === '+' && left.kind === 'const' && typeof left.value === 'number' && right.kind === 'fact') {
          return { ...right, offset: right.offset + left.value };
        }
        return { kind: 'unknown', why: celText(node) };
      }
      case '-_': {
        const inner = term(node.args);
        return inner.kind === 'const' && typeof inner.value === 'number' ? { kind: 'const', value: -inner.value } : { kind: 'unknown', why: celText(node) };
      }
      case 'call':
      case 'rcall': {
        const [name, first, rest] = node.args as [string, unknown, unknown[]];
        const target = node.op === 'call' ? (first as unknown[])[0] : first;
        const argumentCount = node.op === 'call' ? (first as unknown[]).length : rest.length;
        if (name === 'size' && argumentCount === (node.op === 'call' ? 1 : 0)) return size(target, node);
        return { kind: 'unknown', why: celText(node) };
      }
      default:
        return { kind: 'unknown', why: celText(node) };
    }
  }

  function size(target: unknown, node: Node): Term {
    const list = term(target);
    if (list.kind === 'const' && Array.isArray(list.value)) return { kind: 'const', value: list.value.length };
    if (list.kind === 'fact' && list.fact === 'giftCards.brands') return { kind: 'fact', fact: 'giftCards.brandCount', offset: 0 };
    return { kind: 'unknown', why: celText(node) };
  }

  function fact(node: Node): Term {
    const name = path(node);
    if (name === undefined) return { kind: 'unknown', why: celText(node) };
    if (vocabulary.types.has(name) || name === AGE_AT_LEAST_FACT) return { kind: 'fact', fact: name, offset: 0 };
    // With no history, the customer's total over any window is this basket without its top-ups.
    if (name.startsWith(CUSTOMER_TOTAL) && vocabulary.types.has(BASKET_WITHOUT_TOP_UPS)) {
      const window = name.slice(CUSTOMER_TOTAL.length) as 'h1' | 'h24' | 'd30';
      if (window in NO_HISTORY && window !== ('sameFamily' as string)) return { kind: 'fact', fact: BASKET_WITHOUT_TOP_UPS, offset: NO_HISTORY[window].storedValue };
    }
    if (name.startsWith('history.')) {
      let value: unknown = { history: NO_HISTORY };
      for (const key of name.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
      if (typeof value === 'number') return { kind: 'const', value };
    }
    // Offline, no alert reaches the till: a rule on area.* is a rule on no scams nearby.
    if (name.startsWith('area.')) {
      const value = NO_AREA[name.slice('area.'.length) as keyof typeof NO_AREA];
      if (typeof value === 'number' || Array.isArray(value)) return { kind: 'const', value };
    }
    // Offline, the retailers' exchange is never asked: every network fact is as when it did not answer.
    if (name.startsWith('network.')) {
      const value = (NO_NETWORK as Record<string, unknown>)[name.slice('network.'.length)];
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return { kind: 'const', value };
    }
    if (name.startsWith('lists.')) {
      const list = vocabulary.lists[name.slice('lists.'.length)];
      if (list) return { kind: 'const', value: list };
    }
    return { kind: 'unknown', why: `${name} (not a fact the table carries)` };
  }

  function and(a: Formula, b: Formula): Formula {
    const rows: Formula = [];
    for (const x of a) {
      for (const y of b) {
        const row = simplifyRow([...x, ...y], vocabulary);
        if (row) rows.push(row);
      }
    }
    return rows.length > MAX_ROWS ? approximate(`more than ${MAX_ROWS} rows`) : rows;
  }

  function or(a: Formula, b: Formula): Formula {
    if (a.some((row) => row.length === 0) || b.some((row) => row.length === 0)) return TRUE;
    const rows = [...a, ...b];
    return rows.length > MAX_ROWS ? approximate(`more than ${MAX_ROWS} rows`) : rows;
  }

  const result = formula(ast, false);
  return { formula: result, approximated };
}

/** The row without repeated conditions, or undefined when no basket can meet all of them. */
function simplifyRow(row: PolicyCondition[], vocabulary: Vocabulary): PolicyCondition[] | undefined {
  const seen = new Set<string>();
  const unique = row.filter((condition) => {
    const key = JSON.stringify(condition);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const byFact = new Map<string, PolicyCondition[]>();
  for (const condition of unique) byFact.set(condition.fact, [...(byFact.get(condition.fact) ?? []), condition]);
  const implied = new Set<PolicyCondition>();
  for (const [fact, conditions] of byFact) {
    const type = vocabulary.types.get(fact);
    if (!satisfiable(conditions, type, vocabulary.values.get(fact))) return undefined;
    if (type === 'integer' || type === 'number') for (const condition of looserBounds(conditions)) implied.add(condition);
  }
  return unique.filter((condition) => !implied.has(condition));
}

const LOWER = new Set<PolicyOperator>(['>', '>=']);
const UPPER = new Set<PolicyOperator>(['<', '<=']);

/** The bounds on one numeric fact that a tighter bound in the same row already implies. */
function looserBounds(conditions: readonly PolicyCondition[]): PolicyCondition[] {
  const tightest = (bounds: readonly PolicyCondition[], tighter: (a: PolicyCondition, b: PolicyCondition) => boolean) =>
    bounds.reduce<PolicyCondition | undefined>((best, bound) => (best === undefined || tighter(bound, best) ? bound : best), undefined);
  const lower = conditions.filter((condition) => LOWER.has(condition.op));
  const upper = conditions.filter((condition) => UPPER.has(condition.op));
  const keepLower = tightest(lower, (a, b) => (a.value as number) > (b.value as number) || (a.value === b.value && a.op === '>'));
  const keepUpper = tightest(upper, (a, b) => (a.value as number) < (b.value as number) || (a.value === b.value && a.op === '<'));
  return [...lower, ...upper].filter((condition) => condition !== keepLower && condition !== keepUpper);
}

/** Whether some value of one fact meets every condition on it. Errs towards yes. */
function satisfiable(conditions: readonly PolicyCondition[], type: PolicyFactType | undefined, domain: readonly string[] | undefined): boolean {
  if (type === 'integer' || type === 'number') {
    let low = -Infinity;
    let lowOpen = false;
    let high = Infinity;
    let highOpen = false;
    const excluded: number[] = [];
    for (const { op, value } of conditions) {
      if (typeof value !== 'number') return true;
      if ((op === '>' || op === '>=' || op === '==') && (value > low || (value === low && op === '>'))) {
        low = value;
        lowOpen = op === '>';
      }
      if ((op === '<' || op === '<=' || op === '==') && (value < high || (value === high && op === '<'))) {
        high = value;
        highOpen = op === '<';
      }
      if (op === '!=') excluded.push(value);
    }
    if (type === 'integer') {
      if (lowOpen) [low, lowOpen] = [Math.floor(low) + 1, false];
      else low = Math.ceil(low);
      if (highOpen) [high, highOpen] = [Math.ceil(high) - 1, false];
      else high = Math.floor(high);
    }
    if (low > high || (low === high && (lowOpen || highOpen))) return false;
    return !(low === high && excluded.includes(low));
  }
  if (type === 'boolean' || type === 'string') {
    let allowed: Set<Scalar> | undefined = type === 'boolean' ? new Set([true, false]) : domain ? new Set(domain) : undefined;
    const excluded = new Set<Scalar>();
    for (const { op, value } of conditions) {
      const values = Array.isArray(value) ? value : [value];
      if (op === '==' || op === 'in') allowed = new Set((allowed ? [...allowed] : values).filter((v) => values.includes(v as never)));
      else if (op === '!=' || op === 'not_in') for (const v of values) excluded.add(v);
    }
    return allowed === undefined || [...allowed].some((value) => !excluded.has(value));
  }
  return true;
}
