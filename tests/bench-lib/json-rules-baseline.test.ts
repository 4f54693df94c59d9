import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRuleSet, decide, deriveFacts, type CompiledRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { basketMix } from '../bench/lib/baskets.js';
import { combine, jsonRulesBaseline, type Outcome } from '../bench/lib/json-rules-baseline.js';

// The benchmark races the engine against json-rules-engine built from the rule files: the race is
// only fair if the two decide alike, including for rules whose CEL the translation does not cover.
const source = loadRuleDirectory('rules');
const withArithmetic = compileRuleSet({
  ...source,
  files: [
    ...source.files,
    {
      path: 'zz-bench-extra.yaml',
      content: [
        'rules:',
        '  - id: top-ups-and-cards',
        '    when: giftCards.total - giftCards.withoutTopUps >= 1000 && giftCards.withoutTopUps > 0',
        '    score: 20',
        '    reason: Top-ups beside gift cards',
        '  - id: not-answered-or-staffed',
        '    when: \'!(answers.purpose in ["gift", "own_use"]) || (lane == "staffed" && 50000 > customerTotal.h24)\'',
        '    score: 5',
        '    reason: Unanswered',
      ].join('\n'),
    },
  ],
});

async function agree(ruleSet: CompiledRuleSet, seed: number): Promise<void> {
  const { engine } = jsonRulesBaseline(ruleSet);
  for (const inputs of basketMix(40, seed)) {
    const ours = decide(ruleSet, inputs);
    const { events } = await engine.run(deriveFacts(inputs, ruleSet.prompts.questionIds, ruleSet.lists));
    expect(events.map((event) => event.type).sort()).toEqual([...ours.reasons, ...ours.shadowReasons].map((r) => r.ruleId).sort());
    expect(combine(ruleSet, events.map((event) => event.params as Outcome))).toEqual({ score: ours.score, action: ours.action });
  }
}

describe('the json-rules-engine baseline built from rule files', () => {
  it('translates every condition of the default rules', () => {
    expect(jsonRulesBaseline(compileRuleSet(source)).viaCel).toEqual([]);
  });

  it('matches the engine on the default rules', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), (seed) => agree(compileRuleSet(source), seed)), { numRuns: 10 });
  });

  it('leaves only what it cannot translate to cel-js, and still matches the engine', async () => {
    expect(jsonRulesBaseline(withArithmetic).viaCel).toEqual(['top-ups-and-cards']);
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), (seed) => agree(withArithmetic, seed)), { numRuns: 10 });
  });
});
