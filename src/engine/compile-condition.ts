/**
 * Turns a type-checked CEL condition into a JavaScript function over the plain facts.
 *
 * cel-js stays the reference: it parses, type-checks and, for anything outside the subset below,
 * evaluates. The generated functions exist for speed (a decision runs every rule; a back-test runs
 * a year of checks twice), and agree with cel-js on this subset by construction: the type checker
 * has already ruled out mismatched operands, the compiled operators cannot fail (integer division
 * and modulo are left to cel-js), and an integer result outside the range where a JS number is
 * exact hands the evaluation back to cel-js. tests/engine/compiled-conditions.test.ts checks the
 * agreement on random facts.
 *
 * Every name and literal from the rule reaches the generated source through JSON.stringify, so a
 * rule cannot inject code. Where `new Function` is forbidden (a browser till with a strict content
 * security policy), nothing is compiled and cel-js evaluates everything.
 */

export type CompiledCondition = (facts: Record<string, unknown>) => unknown;

interface Node {
  op: string;
  args: unknown;
  checkedType?: { name: string };
}

/** Thrown when an integer leaves the range where a JS number is exact: the caller re-evaluates with cel-js. */
export const NEEDS_REFERENCE = Symbol('needs the reference evaluator');

function exactInteger(value: number): number {
  // A symbol, not an Error: the sentinel is caught by the caller, and an Error's stack would cost on the hot path.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (!Number.isSafeInteger(value)) throw NEEDS_REFERENCE;
  return value;
}

class Unsupported extends Error {}

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && 'op' in value;
const typeOf = (node: Node): string => node.checkedType?.name ?? 'dyn';
const isNumeric = (type: string) => type === 'int' || type === 'double';
const isScalar = (type: string) => isNumeric(type) || type === 'string' || type === 'bool';

class Generator {
  /** Values hoisted out of the function body, e.g. the Set behind `x in ["a", "b"]`. */
  readonly constants: unknown[] = [];
  private readonly iteration = new Map<string, string>();

  constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  expression(value: unknown): string {
    if (!isNode(value)) throw new Unsupported('not a node');
    const node = value;
    const args = node.args;
    const [left, right] = (Array.isArray(args) ? args : []) as [Node, Node];
    switch (node.op) {
      case 'value':
        return this.literal(args);
      case 'id': {
        const name = args as string;
        return this.iteration.get(name) ?? `f[${JSON.stringify(name)}]`;
      }
      case '.': {
        const [target, field] = args as [Node, string];
        if (typeOf(target) === 'dyn' || typeOf(target).startsWith('map')) throw new Unsupported('dynamic field access');
        return `${this.expression(target)}[${JSON.stringify(field)}]`;
      }
      case '&&':
        return `(${this.expression(left)} === true && ${this.expression(right)} === true)`;
      case '||':
        return `(${this.expression(left)} === true || ${this.expression(right)} === true)`;
      case '!_':
        return `!${this.expression(args)}`;
      case '?:': {
        const [condition, then, otherwise] = args as [Node, Node, Node];
        return `(${this.expression(condition)} ? ${this.expression(then)} : ${this.expression(otherwise)})`;
      }
      case '==':
      case '!=':
        if (!isScalar(typeOf(left))) throw new Unsupported('equality of non-scalars');
        return `(${this.expression(left)} ${node.op === '==' ? '===' : '!=='} ${this.expression(right)})`;
      case '<':
      case '<=':
      case '>':
      case '>=':
        // Strings order by code point in CEL but by UTF-16 unit in JS: left to cel-js.
        if (!isNumeric(typeOf(left)) || !isNumeric(typeOf(right))) throw new Unsupported('non-numeric ordering');
        return `(${this.expression(left)} ${node.op} ${this.expression(right)})`;
      case '+':
      case '-':
      case '*': {
        const type = typeOf(node);
        if (!isNumeric(type)) throw new Unsupported(`${node.op} on ${type}`);
        const sum = `(${this.expression(left)} ${node.op} ${this.expression(right)})`;
        return type === 'int' ? `X${sum}` : sum;
      }
      case '-_':
        if (!isNumeric(typeOf(node))) throw new Unsupported('negation');
        return `(-${this.expression(args)})`;
      case 'in':
        return this.membership(left, right);
      case 'call': {
        const [name, callArgs] = args as [string, Node[]];
        if (name === 'size' && callArgs.length === 1) return this.size(callArgs[0]!);
        throw new Unsupported(`call ${name}`);
      }
      case 'rcall':
        return this.method(args as [string, Node, unknown[]]);
      default:
        throw new Unsupported(`operator ${node.op}`);
    }
  }

  private literal(value: unknown): string {
    if (typeof value === 'bigint') {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Unsupported('big literal');
      return `(${value.toString()})`;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Unsupported('non-finite literal');
      return `(${JSON.stringify(value)})`;
    }
    if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
    throw new Unsupported(`literal of type ${typeof value}`);
  }

  private membership(element: Node, collection: Node): string {
    if (!isScalar(typeOf(element)) || !typeOf(collection).startsWith('list')) throw new Unsupported('in over a non-list');
    const items = collection.op === 'list' ? (collection.args as Node[]) : undefined;
    if (items?.every((item) => item.op === 'value')) {
      const set = new Set(items.map((item) => (typeof item.args === 'bigint' ? Number(item.args) : item.args)));
      return `${this.constant(set)}.has(${this.expression(element)})`;
    }
    if (items) throw new Unsupported('list built at run time');
    return `${this.expression(collection)}.includes(${this.expression(element)})`;
  }

  private size(target: Node): string {
    // A string's size is in code points in CEL, not UTF-16 units: only lists are compiled.
    if (!typeOf(target).startsWith('list')) throw new Unsupported('size of a non-list');
    return `${this.expression(target)}.length`;
  }

  private method([name, receiver, callArgs]: [string, Node, unknown[]]): string {
    if (name === 'size' && callArgs.length === 0) return this.size(receiver);
    if ((name === 'exists' || name === 'all') && callArgs.length === 2 && typeOf(receiver).startsWith('list')) {
      const [variable, predicate] = callArgs as [Node, Node];
      const celName = variable.args as string;
      const jsName = `v${this.iteration.size}`;
      const outer = this.iteration.get(celName);
      const list = this.expression(receiver);
      this.iteration.set(celName, jsName);
      const body = this.expression(predicate);
      if (outer === undefined) this.iteration.delete(celName);
      else this.iteration.set(celName, outer);
      return `${list}.${name === 'exists' ? 'some' : 'every'}((${jsName}) => ${body} === true)`;
    }
    if (['startsWith', 'endsWith', 'contains'].includes(name) && typeOf(receiver) === 'string' && callArgs.length === 1) {
      const method = name === 'contains' ? 'includes' : name;
      return `${this.expression(receiver)}.${method}(${this.expression(callArgs[0])})`;
    }
    throw new Unsupported(`method ${name}`);
  }
}

let codeGenerationAllowed: boolean | undefined;

function canGenerateCode(): boolean {
  if (codeGenerationAllowed === undefined) {
    try {
      // Probing whether this runtime (a CSP'd page, a locked-down isolate) allows code generation at all.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      codeGenerationAllowed = (new Function('return true') as () => unknown)() === true;
    } catch {
      codeGenerationAllowed = false;
    }
  }
  return codeGenerationAllowed;
}

/** The compiled function for a checked AST, or undefined when it uses something outside the subset. */
export function compileCondition(ast: unknown): CompiledCondition | undefined {
  if (!canGenerateCode()) return undefined;
  const generator = new Generator();
  let body: string;
  try {
    body = generator.expression(ast);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  // The generator emits only the checked subset above (no identifiers but f, K and X), so this is code we
  // wrote, not code a rule author can inject.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('K', 'X', `"use strict"; return function condition(f) { return ${body}; };`) as (
    constants: unknown[],
    exact: typeof exactInteger,
  ) => CompiledCondition;
  return factory(generator.constants, exactInteger);
}
