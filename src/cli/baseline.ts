import { type CompiledRuleSet, compileRuleSet, formatProblem, RuleSetError } from '../engine/index.js';
import { loadRuleDirectory } from '../rule-sets/load-directory.js';
import type { Store } from '../store/index.js';
import type { Output } from './rules.js';

/**
 * The rule set a back-test or a tuning run compares against: the directory given, or the database's
 * active rule set. Undefined, with the reason printed, when it is refused or there is none.
 */
export async function baselineRuleSet(store: Store, directory: string | undefined, output: Output): Promise<CompiledRuleSet | undefined> {
  let baseline: CompiledRuleSet | undefined;
  try {
    const active = await store.ruleSets.active();
    baseline = directory ? compileRuleSet(loadRuleDirectory(directory)) : active && compileRuleSet((await store.ruleSets.find(active.version))!.source);
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    output.err(`The baseline rule set is refused:\n${error.problems.map(formatProblem).join('\n')}`);
    return undefined;
  }
  if (!baseline) output.err('The database has no active rule set yet; give one with --baseline <dir>');
  return baseline;
}
