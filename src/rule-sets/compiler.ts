import type { RuleSetSource } from '../contract/rule-file.js';
import { type CompiledRuleSet, compileRuleSet, type ReadRuleSet } from '../engine/index.js';
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
 * from what the worker read: a few milliseconds.
 */
export interface RuleSetCompiler {
  /** A rule set offered for publishing: refused (422 `rule_set_invalid`) if it is invalid or a test fails. */
  validate(source: RuleSetSource): Promise<PreparedRuleSet>;
  /** A rule set stored earlier (accepted then): compiled, its tests counted, none of them refusing it. */
  compile(source: RuleSetSource): Promise<PreparedRuleSet>;
}

export function workerCompiler(workers: Pick<WorkerPool, 'run'>): RuleSetCompiler {
  const build = (source: RuleSetSource, { read, tests, warnings }: ReadOffThread): PreparedRuleSet => ({
    ruleSet: compileRuleSet(source, read),
    tests,
    warnings,
  });
  return {
    validate: async (source) => build(source, await workers.run<ReadOffThread>({ kind: 'validate-rule-set', source })),
    compile: async (source) => build(source, await workers.run<ReadOffThread>({ kind: 'read-rule-set', source })),
  };
}
