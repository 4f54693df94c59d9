import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/engine/index.js';
import { runRuleTest } from '../../src/engine/rule-tests.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

// Every `tests:` case in every rule file, as its own test: `npm test` fails, naming the case, when a
// rule change breaks one of the stories the rule set must stop or the shopping it must leave alone.
const ruleSet = compileRuleSet(loadRuleDirectory('rules'));

describe('the default rule set', () => {
  it('has tests for the seed stories, the impostor patterns and ordinary shopping', () => {
    const names = ruleSet.tests.map(({ test }) => test.name).join('\n');
    for (const story of ['Markyate', 'Stevenage', 'Buntingford', 'bank or police', 'grandchild', 'prize', 'boss', 'romance', 'ordinary']) {
      expect(names).toContain(story);
    }
  });

  for (const { file, test } of ruleSet.tests) {
    it(`${file}: ${test.name}`, () => {
      const result = runRuleTest(ruleSet, file, test);
      expect(result.failures).toEqual([]);
    });
  }
});
