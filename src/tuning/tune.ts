import type { Action } from '../contract/enums.js';
import { ACTION_STRENGTH } from '../contract/enums.js';
import type { Bands, RuleSetSource } from '../contract/rule-file.js';
import type { BacktestReport } from '../contract/rule-lifecycle.js';
import { backtest } from '../backtest/backtest.js';
import { type CompiledRuleSet, compileRuleSet, runRuleTests } from '../engine/index.js';
import type { ReplayRow } from '../store/index.js';
import { withScores } from './candidate.js';
import { observe, observeTests, tunableRules } from './observations.js';
import { type Budgets, evaluateScores, type Figures, searchScores } from './search.js';
import { type ValueBand, valueBands } from './value-bands.js';

export interface Days {
  from: string;
  to: string;
}

export interface TuneOptions {
  budgets: Budgets;
  /** The weakest action that counts as stopping a confirmed scam. */
  interveneAt: Exclude<Action, 'allow'>;
  learn: Days;
  validate: Days;
  /** Changed decisions to show in the back-test of the validation period. */
  examples: number;
}

export interface TuningReport {
  budgets: Budgets;
  interveneAt: Exclude<Action, 'allow'>;
  learn: Days;
  validate: Days;
  baselineVersion: string;
  candidateVersion: string;
  bands: { baseline: Bands; candidate: Bands };
  /** Every rule with a score, before and after. */
  scores: Array<{ ruleId: string; baseline: number; candidate: number }>;
  /** What the scores and bands mean in money, for a plain basket of £50 cards. */
  valueBands: { baseline: ValueBand[]; candidate: ValueBand[] };
  learning: { baseline: Figures; candidate: Figures };
  validation: { baseline: Figures; candidate: Figures };
  /** The rules' own actions already interrupt more baskets than the budget: no scores can meet it. */
  overBudget: { prompt: boolean; hold: boolean };
  /** The candidate's own tests (the rule files' `tests:`); a publish refuses it while any fails. */
  tests: { passed: number; total: number; failed: Array<{ file: string; name: string; failures: string[] }> };
  /** The validation period decided again under both rule sets: src/backtest's report. */
  backtest: BacktestReport;
}

export interface Tuned {
  candidate: RuleSetSource;
  report: TuningReport;
}

/**
 * Recommends the scores and bands that stop the most confirmed scams within an interruption budget,
 * learnt from one period's recorded checks and outcomes and checked on a later one: the rules'
 * conditions and actions stay as written; only `score:` and `bands:` change.
 */
export async function tune(
  baseline: CompiledRuleSet,
  learnRows: AsyncIterable<ReplayRow> | Iterable<ReplayRow>,
  validationRows: () => AsyncIterable<ReplayRow> | Iterable<ReplayRow>,
  options: TuneOptions,
): Promise<Tuned> {
  const rules = tunableRules(baseline);
  const learning = await observe(baseline, learnRows);
  const stopAt = ACTION_STRENGTH[options.interveneAt];
  const refuseGap = baseline.bands.refuse - baseline.bands.hold;
  const found = searchScores(rules, learning, observeTests(baseline), { budgets: options.budgets, bands: baseline.bands, stopAt, refuseGap });

  const scores = new Map(rules.map((rule, i) => [rule.id, found.scores[i]!]));
  const note =
    `Scores and bands tuned by \`vouchsafe tune\`: at most ${percent(options.budgets.prompt)} of gift-card baskets prompted and ` +
    `${percent(options.budgets.hold)} held, learnt from ${options.learn.from} to ${options.learn.to}, checked on ${options.validate.from} to ${options.validate.to}.`;
  const candidateSource = withScores(baseline.source, scores, found.bands, note);
  const candidate = compileRuleSet(candidateSource);
  const tests = runRuleTests(candidate);

  const baselineScores = rules.map((rule) => rule.score);
  const settings = { budgets: options.budgets, refuseGap, stopAt };
  const validation = await observe(baseline, validationRows());
  return {
    candidate: candidateSource,
    report: {
      budgets: options.budgets,
      interveneAt: options.interveneAt,
      learn: options.learn,
      validate: options.validate,
      baselineVersion: baseline.version,
      candidateVersion: candidate.version,
      bands: { baseline: baseline.bands, candidate: found.bands },
      scores: rules.map((rule, i) => ({ ruleId: rule.id, baseline: rule.score, candidate: found.scores[i]! })),
      valueBands: { baseline: valueBands(baseline), candidate: valueBands(candidate) },
      learning: {
        baseline: evaluateScores(learning, baselineScores, settings, baseline.bands, baseline.bands).figures,
        candidate: found.figures,
      },
      validation: {
        baseline: evaluateScores(validation, baselineScores, settings, baseline.bands, baseline.bands).figures,
        candidate: evaluateScores(validation, found.scores, settings, found.bands, found.bands).figures,
      },
      overBudget: found.overBudget,
      tests: {
        passed: tests.filter((test) => test.passed).length,
        total: tests.length,
        failed: tests.filter((test) => !test.passed).map(({ file, name, failures }) => ({ file, name, failures })),
      },
      backtest: await backtest(validationRows(), baseline, candidate, {
        from: options.validate.from,
        to: options.validate.to,
        interveneAt: options.interveneAt,
        examples: options.examples,
      }),
    },
  };
}

const percent = (share: number) => `${Number((share * 100).toFixed(2))}%`;
