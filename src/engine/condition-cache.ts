import type { Environment } from '@marcbachmann/cel-js';
import { buildFactTypes, type FactTypes } from './cel-fact-types.js';
import type { CompiledCondition } from './compile-condition.js';

/** A rule's condition parsed and type-checked by cel-js (the reference) and compiled to a closure. */
export interface BuiltCondition {
  readonly reference: ReturnType<Environment['parse']>;
  readonly fast: CompiledCondition | undefined;
}

/** The fact types of one schema (the prompts' questions and the lists' names), and the conditions built against them. */
export interface SchemaConditions {
  readonly facts: FactTypes;
  built(when: string): BuiltCondition | undefined;
  remember(when: string, condition: BuiltCondition): void;
}

/** Schemas kept: a rule set's schema changes only when a question or a list is added or renamed. */
const MOST_SCHEMAS = 8;
/** Conditions kept per schema: a rule set has about fifty, so this is dozens of versions' worth. */
const MOST_CONDITIONS = 2_000;

/** A Map that forgets its least recently used entry past `most`. */
function touch<K, V>(map: Map<K, V>, key: K, value: V, most: number): V {
  map.delete(key);
  map.set(key, value);
  if (map.size > most) map.delete(map.keys().next().value!);
  return value;
}

/**
 * Conditions built before, so building a rule set again builds only what it has not seen: a rollback
 * to an earlier version, a node following a change whose rules it already has, a publish that adds
 * one rule to fifty. A condition is kept with the fact types it was checked against (cel-js ties it
 * to their declared types), and a schema is found by its questions' and lists' names, so the same
 * text under another schema is parsed and checked afresh. Both are bounded, least recently used out
 * first; a condition that does not check is never kept.
 */
export class ConditionCache {
  private readonly schemas = new Map<string, SchemaConditions>();

  schema(questionIds: readonly string[], listNames: readonly string[]): SchemaConditions {
    const key = JSON.stringify([questionIds, listNames]);
    return touch(this.schemas, key, this.schemas.get(key) ?? newSchema(buildFactTypes(questionIds, listNames)), MOST_SCHEMAS);
  }
}

function newSchema(facts: FactTypes): SchemaConditions {
  const conditions = new Map<string, BuiltCondition>();
  return {
    facts,
    built(when) {
      const condition = conditions.get(when);
      return condition && touch(conditions, when, condition, MOST_CONDITIONS);
    },
    remember(when, condition) {
      touch(conditions, when, condition, MOST_CONDITIONS);
    },
  };
}
