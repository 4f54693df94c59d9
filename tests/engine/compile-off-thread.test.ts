import { describe, expect, it } from 'vitest';
import { compileRuleSet, readRuleSet, type RuleSetError, type RuleSetProblem, runRuleTests } from '../../src/engine/index.js';
import { DomainError } from '../../src/errors.js';
import { workerCompiler } from '../../src/rule-sets/compiler.js';
import type { Job } from '../../src/workers/jobs.js';
import { sharedWorkerPool } from '../../src/workers/pool.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';

/** The service's worker pool, with a note of each job it is given. */
function countedPool() {
  const pool = sharedWorkerPool(2);
  const jobs: string[] = [];
  return { jobs, run: <T>(job: Job) => (jobs.push(job.kind), pool.run<T>(job)) };
}

/** What a compiled rule set decides: every rule's id and settings, and the result of each of its own tests. */
const behaviour = (ruleSet: ReturnType<typeof compileRuleSet>) => ({
  version: ruleSet.version,
  contentHash: ruleSet.contentHash,
  bands: ruleSet.bands,
  rules: ruleSet.rules.map(({ id, score, action, shadow, file, order }) => ({ id, score, action, shadow, file, order })),
  locales: [...ruleSet.locales.keys()],
  tests: runRuleTests(ruleSet).map(({ file, name, passed }) => ({ file, name, passed })),
});

describe('compiling a rule set off the event loop', () => {
  it('reads the files in a worker and builds the same rule set as compiling here', async () => {
    const source = editedRules({ file: 'zz-razer.yaml', append: RAZER_RULE });
    const pool = countedPool();
    const compiler = workerCompiler(pool);

    const published = await compiler.validate(source);
    const stored = await compiler.compile(source);
    expect(pool.jobs).toEqual(['validate-rule-set', 'read-rule-set']);

    const here = compileRuleSet(source);
    expect(behaviour(published.ruleSet)).toEqual(behaviour(here));
    expect(behaviour(stored.ruleSet)).toEqual(behaviour(here));
    const total = here.tests.length;
    expect(published.tests).toEqual({ passed: total, total });
    expect(stored.tests).toEqual({ passed: total, total });
    expect(behaviour(here).rules.map((rule) => rule.id)).toContain('razer-gold-over-50');
  });

  it('refuses an invalid rule set from the worker with every problem and its line, as compiling here would', async () => {
    const broken = editedRules({ file: 'zz-razer.yaml', append: RAZER_RULE.replace('giftCards.total >= 5000', 'giftCards.totl >= 5000') });
    const refused = await workerCompiler(countedPool()).validate(broken).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('rule_set_invalid');
    let here: RuleSetError | undefined;
    try {
      compileRuleSet(broken);
    } catch (error) {
      here = error as RuleSetError;
    }
    expect((refused as DomainError).extra?.problems).toEqual(here?.problems);
    expect(here?.problems[0]).toMatchObject({ file: 'zz-razer.yaml', ruleId: 'razer-gold-over-50', line: expect.any(Number) });
  });

  it('finds what reading the files alone cannot, with its line, when given what a worker read', () => {
    // One rule id in two files: each file reads cleanly, and the clash is found while compiling.
    const once = editedRules({ file: 'zz-razer.yaml', append: RAZER_RULE });
    const twice = { ...once, files: [...once.files, { path: 'zz-razer-again.yaml', content: RAZER_RULE }] };
    const read = structuredClone(readRuleSet(twice));
    let problems: readonly RuleSetProblem[] = [];
    try {
      compileRuleSet(twice, read);
    } catch (error) {
      problems = (error as RuleSetError).problems;
    }
    expect(problems).toContainEqual(expect.objectContaining({ file: 'zz-razer.yaml', message: expect.stringMatching(/already used/), line: expect.any(Number) }));
  });
});
