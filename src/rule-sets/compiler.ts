import type { RuleSetSource } from '../contract/rule-file.js';
import { type CompiledRuleSet, compileRuleSetInSteps, ConditionCache, type ReadRuleSet } from '../engine/index.js';
import type { WorkerPool } from '../workers/pool.js';

/** A compiled rule set with what its own tests made of it. */
export interface PreparedRuleSet {
  ruleSet: CompiledRuleSet;
  tests: { passed: number; total: number };
  warnings: string[];
}

/** What a worker gives back for a rule set: its files read, and its tests' results. */
export interface ReadOffThread {
  read: ReadRuleSet;
  tests: { passed: number; total: number };
  warnings: string[];
}

/**
 * Compiles rule sets for the service without stalling its tills. Reading the YAML files is most of
 * a compile (tens of milliseconds, hundreds cold) and running a rule set's tests more: both happen in
 * a worker thread. The conditions are closures, which cannot cross threads, so they are built here
 * from what the worker read, in slices (inSlices), and only those not built before (ConditionCache).
 */
export interface RuleSetCompiler {
  /** A rule set offered for publishing: refused (422 `rule_set_invalid`) if it is invalid or a test fails. */
  validate(source: RuleSetSource): Promise<PreparedRuleSet>;
  /** A rule set stored earlier (accepted then): compiled, its tests counted, none of them refusing it. */
  compile(source: RuleSetSource): Promise<PreparedRuleSet>;
}

/**
 * The longest the event loop builds a rule set before it answers what is waiting: well inside the
 * 5 ms a publish may add to a till's wait (issue #25), as one condition takes up to a millisecond cold.
 */
const BUILD_SLICE_MS = 2;

/**
 * Runs a build's steps on the event loop, giving way (setImmediate: after the sockets that are
 * ready) whenever a slice has run for `sliceMs`. Checks decided meanwhile use the set still active.
 */
export async function inSlices<T>(steps: Generator<void, T, void>, sliceMs = BUILD_SLICE_MS): Promise<T> {
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

export function workerCompiler(workers: Pick<WorkerPool, 'run'>, conditions = new ConditionCache()): RuleSetCompiler {
  const build = async (source: RuleSetSource, { read, tests, warnings }: ReadOffThread): Promise<PreparedRuleSet> => ({
    ruleSet: await inSlices(compileRuleSetInSteps(source, read, conditions)),
    tests,
    warnings,
  });
  return {
    validate: async (source) => build(source, await workers.run<ReadOffThread>({ kind: 'validate-rule-set', source })),
    compile: async (source) => build(source, await workers.run<ReadOffThread>({ kind: 'read-rule-set', source })),
  };
}
