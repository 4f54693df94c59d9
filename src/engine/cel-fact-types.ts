import { Environment } from '@marcbachmann/cel-js';
import { z } from 'zod';
import { type FactReference, type Facts, StaticFacts } from '../contract/fact-schema.js';

/**
 * Declares the fact schema to CEL, so conditions are type-checked when a rule set loads, and turns a
 * plain facts object into the typed values CEL evaluates (declared object types, integers as bigint).
 */

type CelScalar = 'int' | 'double' | 'bool' | 'string' | 'list<string>';

type Node =
  | { kind: 'scalar'; cel: CelScalar; description: string; values?: string[] }
  | { kind: 'object'; typeName: string; description: string; fields: Record<string, Node> };

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

function describeNode(schema: z.ZodType, typeName: string): Node {
  const description = schema.description ?? unwrap(schema).description ?? '';
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const fields: Record<string, Node> = {};
    for (const [key, field] of Object.entries<z.ZodType>(inner.shape)) {
      fields[key] = describeNode(field, typeName + key[0]!.toUpperCase() + key.slice(1));
    }
    return { kind: 'object', typeName, description, fields };
  }
  if (inner instanceof z.ZodNumber) return { kind: 'scalar', cel: inner.format === 'safeint' ? 'int' : 'double', description };
  if (inner instanceof z.ZodBoolean) return { kind: 'scalar', cel: 'bool', description };
  if (inner instanceof z.ZodEnum) return { kind: 'scalar', cel: 'string', description, values: inner.options.map(String) };
  if (inner instanceof z.ZodString) return { kind: 'scalar', cel: 'string', description };
  if (inner instanceof z.ZodArray) {
    const element = unwrap(inner.element as z.ZodType);
    if (element instanceof z.ZodString || element instanceof z.ZodEnum) {
      const values = element instanceof z.ZodEnum ? element.options.map(String) : undefined;
      return { kind: 'scalar', cel: 'list<string>', description, ...(values ? { values } : {}) };
    }
  }
  throw new Error(`The fact schema has a field CEL cannot declare: ${typeName}`);
}

const staticRoots = (() => {
  const node = describeNode(StaticFacts, 'Facts');
  if (node.kind !== 'object') throw new Error('StaticFacts must be an object');
  return node.fields;
})();

export interface FactTypes {
  readonly environment: Environment;
  /** Turns plain facts into the context CEL evaluates. */
  toContext(facts: Facts): Record<string, unknown>;
  readonly reference: readonly FactReference[];
  /** Every readable path, e.g. `giftCards.total`, `answers.purpose`: what reason templates may name. */
  readonly paths: ReadonlySet<string>;
}

export function buildFactTypes(questionIds: readonly string[], listNames: readonly string[]): FactTypes {
  const answers: Node = {
    kind: 'object',
    typeName: 'FactsAnswers',
    description: 'The colleague’s answers to the prompt questions, "" until answered',
    fields: Object.fromEntries(
      questionIds.map((id) => [id, { kind: 'scalar', cel: 'string', description: `Answer to the question "${id}"` }]),
    ),
  };
  const lists: Node = {
    kind: 'object',
    typeName: 'FactsLists',
    description: 'Named lists from the rule set’s `lists:`',
    fields: Object.fromEntries(
      listNames.map((name) => [name, { kind: 'scalar', cel: 'list<string>', description: `The list "${name}"` }]),
    ),
  };
  const roots: Record<string, Node> = { ...staticRoots, answers, lists };

  const environment = new Environment({ limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 500 } });
  const converters: Record<string, (value: unknown) => unknown> = {};
  const reference: FactReference[] = [];
  const paths = new Set<string>();

  const declare = (node: Node, path: string): (value: unknown) => unknown => {
    if (node.kind === 'scalar') {
      paths.add(path);
      reference.push({ path, type: node.cel, description: node.description, ...(node.values ? { values: node.values } : {}) });
      return node.cel === 'int' ? (value) => BigInt(value as number) : (value) => value;
    }
    const fieldConverters = Object.entries(node.fields).map(([key, field]) => [key, declare(field, `${path}.${key}`)] as const);
    // A named class per object type: CEL checks field access against the declared fields at load,
    // and at run time accepts only instances of the declared type.
    const ctor = { [node.typeName]: class {} }[node.typeName]!;
    const fields = Object.fromEntries(
      Object.entries(node.fields).map(([key, field]) => [key, field.kind === 'scalar' ? field.cel : field.typeName]),
    );
    environment.registerType(node.typeName, { ctor, fields });
    return (value) => {
      const source = value as Record<string, unknown>;
      const instance = new ctor() as Record<string, unknown>;
      for (const [key, convert] of fieldConverters) instance[key] = convert(source[key]);
      return instance;
    };
  };

  for (const [name, node] of Object.entries(roots)) {
    converters[name] = declare(node, name);
    environment.registerVariable(name, node.kind === 'scalar' ? node.cel : node.typeName);
  }
  const entries = Object.entries(converters);

  return {
    environment,
    reference,
    paths,
    toContext(facts) {
      const context: Record<string, unknown> = {};
      for (const [name, convert] of entries) context[name] = convert((facts as unknown as Record<string, unknown>)[name]);
      return context;
    },
  };
}
