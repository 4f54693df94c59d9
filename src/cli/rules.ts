import type { RuleSetSource } from '../contract/rule-file.js';
import { compileRuleSet, formatProblem, RuleSetError, runRuleTests } from '../engine/index.js';
import { lintRuleSet } from '../rule-sets/lint.js';
import { loadRuleDirectory } from '../rule-sets/load-directory.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

function load(directory: string, output: Output): RuleSetSource | undefined {
  try {
    return loadRuleDirectory(directory);
  } catch (error) {
    output.err(`Cannot read rules from ${directory}: ${(error as Error).message}`);
    return undefined;
  }
}

function compile(source: RuleSetSource, output: Output) {
  try {
    return compileRuleSet(source);
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    for (const problem of error.problems) output.out(`error  ${formatProblem(problem)}`);
    output.out(`\n${error.problems.length} error(s): the rule set would be refused.`);
    return undefined;
  }
}

/** `rules check`: parse, type-check and lint. Exit code 1 on errors (and on warnings with --strict). */
export function checkRules(directory: string, { strict = false } = {}, output: Output): number {
  const source = load(directory, output);
  const ruleSet = source && compile(source, output);
  if (!ruleSet) return 1;
  const findings = lintRuleSet(ruleSet, runRuleTests(ruleSet));
  for (const finding of findings) output.out(`warning  ${finding.file}${finding.ruleId ? ` [${finding.ruleId}]` : ''}: ${finding.message}`);
  output.out(
    `${ruleSet.rules.length} rules (${ruleSet.rules.filter((rule) => rule.shadow).length} shadow), version ${ruleSet.version}: ` +
      (findings.length ? `${findings.length} warning(s).` : 'no problems found.'),
  );
  return findings.length > 0 && strict ? 1 : 0;
}

/** `rules test`: every test in every rule file, with what differed for each failure. Exit code 1 if any fail. */
export function testRules(directory: string, output: Output): number {
  const source = load(directory, output);
  const ruleSet = source && compile(source, output);
  if (!ruleSet) return 1;
  const results = runRuleTests(ruleSet);
  const failed = results.filter((result) => !result.passed);
  for (const result of results) {
    output.out(`${result.passed ? '  ✓' : '  ✗'} ${result.file}: ${result.name}`);
    if (!result.passed) for (const failure of result.failures) output.out(`      ${failure}`);
  }
  output.out(`\n${results.length - failed.length} passed, ${failed.length} failed (${results.length} tests, version ${ruleSet.version}).`);
  return failed.length > 0 ? 1 : 0;
}
