import type { Facts } from '../contract/fact-schema.js';
import type { CompiledRuleSet } from '../engine/index.js';
import { seededRandom } from '../engine/seeded-random.js';

/**
 * Random facts shaped by the rule set itself: integers near the numbers its conditions name (the
 * edges of its thresholds), strings from its literals, answers from its questions. Used to find
 * rules that no plausible check would ever match.
 */
export function sampleFacts(ruleSet: CompiledRuleSet, count: number, seed = 1): Facts[] {
  const next = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const conditions = ruleSet.rules.map((rule) => rule.definition.when).join('\n');
  const numbers = [...new Set([...conditions.matchAll(/\b\d+\b/g)].map((m) => Number(m[0])))];
  const integers = [0, 1, 2, ...numbers.flatMap((n) => [n - 1, n, n + 1]).filter((n) => n >= 0)];
  const strings = [...new Set([...conditions.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]!))];

  const samples: Facts[] = [];
  for (let i = 0; i < count; i++) {
    const facts: Record<string, unknown> = {};
    for (const fact of ruleSet.facts.reference) {
      const [root, ...rest] = fact.path.split('.');
      let target = facts;
      for (const key of [root!, ...rest].slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
      const leaf = fact.path.split('.').at(-1)!;
      target[leaf] = sampleValue(fact, root!, leaf);
    }
    samples.push(facts as unknown as Facts);
  }
  return samples;

  function sampleValue(fact: CompiledRuleSet['facts']['reference'][number], root: string, leaf: string): unknown {
    if (root === 'lists') return ruleSet.lists[leaf];
    if (root === 'answers') return pick(['', ...(ruleSet.prompts.answerValues.get(leaf) ?? [])]);
    switch (fact.type) {
      case 'int':
        return next() < 0.8 ? pick(integers) : Math.floor(next() * 2 * Math.max(1, ...integers));
      case 'double':
        return next();
      case 'bool':
        return next() < 0.3;
      case 'string':
        return pick(fact.values ?? (strings.length ? strings : ['']));
      default: {
        const pool = fact.values ?? [...strings, ...Object.values(ruleSet.lists).flat()];
        return pool.filter(() => next() < 0.3);
      }
    }
  }
}
