import { describe, expect, it } from 'vitest';
import { compileRuleSet, RuleSetError, runRuleTests } from '../../src/engine/index.js';
import type { RuleSetSource } from '../../src/contract/rule-file.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

const defaults = loadRuleDirectory('rules');
// The rules' own tests need one language; a rule set with several must name its default (tests/engine/locales).
const prompts = defaults.prompts.filter((file) => file.path === 'prompts/en-GB.yaml');

function withRules(content: string, extra: RuleSetSource['files'] = []): RuleSetSource {
  return { files: [{ path: 'custom.yaml', content }, ...extra], prompts };
}

function problemsOf(source: RuleSetSource) {
  try {
    compileRuleSet(source);
  } catch (error) {
    if (error instanceof RuleSetError) return error.problems;
    throw error;
  }
  throw new Error('expected the rule set to be refused');
}

describe('compiling a rule set', () => {
  it('refuses a misspelt fact with the file, rule id and line', () => {
    const problems = problemsOf(
      withRules(`rules:
  - id: fine
    when: giftCards.total > 0
    score: 10
    reason: fine
  - id: typo
    when: giftCards.totl > 10000
    score: 10
    reason: misspelt
`),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'custom.yaml', ruleId: 'typo', line: 7 });
    expect(problems[0]!.message).toContain('totl');
  });

  it('refuses an answer to a question that does not exist', () => {
    const problems = problemsOf(withRules(`rules:\n  - id: a\n    when: answers.somebodyAsked == "yes"\n    action: refuse\n    reason: r\n`));
    expect(problems[0]!.message).toContain('somebodyAsked');
  });

  it('refuses a condition that is not true or false', () => {
    const problems = problemsOf(withRules(`rules:\n  - id: a\n    when: giftCards.total + 1\n    score: 1\n    reason: r\n`));
    expect(problems[0]!.message).toMatch(/true or false.*int/);
  });

  it('refuses a comparison of mismatched types', () => {
    const problems = problemsOf(withRules(`rules:\n  - id: a\n    when: customer.ageBand > 70\n    score: 1\n    reason: r\n`));
    expect(problems[0]).toMatchObject({ ruleId: 'a' });
  });

  it('refuses unknown prompts, unknown facts in reasons and repeated ids, all at once', () => {
    const problems = problemsOf(
      withRules(`rules:
  - id: a
    when: giftCards.total > 0
    score: 1
    reason: worth {giftCards.totl|money}
    prompt: no-such-prompt
  - id: a
    when: giftCards.total > 0
    score: 1
    reason: twice
`),
    );
    const messages = problems.map((p) => p.message).join('\n');
    expect(messages).toContain('giftCards.totl');
    expect(messages).toContain('no-such-prompt');
    expect(messages).toContain('already used');
  });

  it('refuses a rule with neither score nor action, and unknown keys, naming the field', () => {
    const problems = problemsOf(withRules(`rules:\n  - id: a\n    when: true\n    reason: r\n    scroe: 5\n`));
    const messages = problems.map((p) => p.message).join('\n');
    expect(messages).toContain('score');
    expect(messages).toContain('scroe');
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(withRules(`rules:\n  - id: a\n    when: [unclosed\n`));
    expect(problems[0]).toMatchObject({ file: 'custom.yaml' });
    expect(problems[0]!.line).toBeGreaterThan(0);
  });

  it('refuses bands that do not rise, and bands declared twice', () => {
    const problems = problemsOf(
      withRules(`bands: { prompt: 50, hold: 20, refuse: 80 }\nrules: []\n`, [{ path: 'more.yaml', content: 'bands: { prompt: 1, hold: 2, refuse: 3 }\n' }]),
    );
    expect(problems.map((p) => p.message).join('\n')).toContain('prompt < hold < refuse');
  });

  it('uses a declared version, or else a fingerprint of the content', () => {
    const declared = compileRuleSet(withRules(`version: 2026.11.25-1\nrules:\n  - id: a\n    when: true\n    score: 1\n    reason: r\n`));
    expect(declared.version).toBe('2026.11.25-1');
    const hashed = compileRuleSet(withRules(`rules:\n  - id: a\n    when: true\n    score: 1\n    reason: r\n`));
    const changed = compileRuleSet(withRules(`rules:\n  - id: a\n    when: true\n    score: 2\n    reason: r\n`));
    expect(hashed.version).toMatch(/^sha-[0-9a-f]{16}$/);
    expect(changed.version).not.toBe(hashed.version);
  });

  it('reports a failing rule test with what differed', () => {
    const ruleSet = compileRuleSet(
      withRules(`rules:
  - id: any-gift-card
    when: giftCards.total > 0
    score: 30
    reason: r
tests:
  - name: expects the wrong thing
    check: { lines: [{ kind: gift_card, unitAmount: 100 }] }
    expect: { action: allow, notRules: [any-gift-card] }
`),
    );
    const [result] = runRuleTests(ruleSet);
    expect(result!.passed).toBe(false);
    expect(result!.failures.join('\n')).toContain('expected allow, got prompt');
    expect(result!.failures.join('\n')).toContain('any-gift-card not to match');
  });

  it('loads the default rule set from rules/', () => {
    const ruleSet = compileRuleSet(defaults);
    expect(ruleSet.rules.length).toBeGreaterThan(20);
    expect(ruleSet.rules.some((rule) => rule.shadow)).toBe(true);
    expect(ruleSet.bands).toEqual({ prompt: 20, hold: 50, refuse: 80 });
  });
});
