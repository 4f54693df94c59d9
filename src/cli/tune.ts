import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Action } from '../contract/enums.js';
import { ReportDate } from '../contract/reports.js';
import { startOfDay } from '../engine/business-day.js';
import { formatMoney } from '../engine/index.js';
import { dayDate, dayNumber } from '../reports/period.js';
import { openStore, type Store } from '../store/index.js';
import type { Figures } from '../tuning/search.js';
import { type TuningReport, tune } from '../tuning/tune.js';
import type { ValueBand } from '../tuning/value-bands.js';
import { periodOf, printReport } from './backtest.js';
import { baselineRuleSet } from './baseline.js';
import { UsageError } from './duration.js';
import type { Output } from './rules.js';

export interface TuneCommand {
  db: string;
  out: string;
  baseline?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  days: number;
  validateFrom?: string | undefined;
  store?: string[] | undefined;
  promptBudget: string;
  holdBudget: string;
  interveneAt: Exclude<Action, 'allow'>;
  examples: number;
  json: boolean;
}

/** `3%` or `0.03` as a share; anything else is refused with what is accepted. */
function parseShare(flag: string, text: string): number {
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const share = percent ? Number(percent[1]) / 100 : /^\s*0?\.\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(share > 0 && share < 1)) throw new UsageError(`--${flag} ${text} is not a share of baskets: use a percentage like 3% or a fraction like 0.03`);
  return share;
}

/** Whole store days (VOUCHSAFE_TIMEZONE, as the reports count them) from `fromDay` to `toDay`, both included, as times. */
const between = (fromDay: number, toDay: number, timeZone: string) => ({
  from: startOfDay(dayDate(fromDay), timeZone),
  to: startOfDay(dayDate(toDay + 1), timeZone),
});

/** The first day from which a third of the period's checks remain: what is learnt from comes before what it is checked on. */
async function splitDay(store: Store, fromDay: number, toDay: number, storeIds: readonly string[] | null, timeZone: string): Promise<number> {
  const count = (first: number, last: number) => store.replay.count({ ...between(first, last, timeZone), storeIds });
  const total = await count(fromDay, toDay);
  let low = fromDay + 1;
  let high = toDay;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await count(fromDay, middle - 1)) >= (total * 2) / 3) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** `tune`: learns scores and bands from one period's outcomes, checks them on a later one, and writes the candidate rule set. */
export async function runTuneCommand(options: TuneCommand, output: Output): Promise<number> {
  const budgets = { prompt: parseShare('prompt-budget', options.promptBudget), hold: parseShare('hold-budget', options.holdBudget) };
  if (budgets.hold > budgets.prompt) throw new UsageError('--hold-budget cannot be more than --prompt-budget: every hold is also an interruption');
  if (existsSync(options.out) && readdirSync(options.out).length > 0) {
    throw new UsageError(`${options.out} is not empty: give a new directory for the candidate rule set`);
  }
  const period = periodOf(options);
  const store = await openStore(options.db, { readonly: true });
  try {
    const baseline = await baselineRuleSet(store, options.baseline, output);
    if (!baseline) return 1;

    const storeIds = options.store?.length ? options.store : null;
    if (options.validateFrom !== undefined && !ReportDate.safeParse(options.validateFrom).success) {
      throw new UsageError(`--validate-from ${options.validateFrom} is not a date: use YYYY-MM-DD`);
    }
    const validateDay = options.validateFrom !== undefined ? dayNumber(options.validateFrom) : await splitDay(store, period.fromDay, period.toDay, storeIds, period.timeZone);
    if (validateDay <= period.fromDay || validateDay > period.toDay) {
      throw new UsageError(`--validate-from must fall after ${period.from} and no later than ${period.to}, so there is a period to learn from and one to check on`);
    }
    const learn = { from: period.from, to: dayDate(validateDay - 1) };
    const validate = { from: dayDate(validateDay), to: period.to };
    const rows = (days: { from: string; to: string }) => () => store.replay.checks({ ...between(dayNumber(days.from), dayNumber(days.to), period.timeZone), storeIds });
    const learnRows = rows(learn);
    const validateRows = rows(validate);
    for (const [what, days] of [['learn from', learn], ['check on', validate]] as const) {
      if ((await store.replay.count({ ...between(dayNumber(days.from), dayNumber(days.to), period.timeZone), storeIds })) === 0) {
        output.err(`No checks were recorded from ${days.from} to ${days.to}: nothing to ${what}`);
        return 1;
      }
    }

    const { candidate, report } = await tune(baseline, learnRows(), validateRows, { budgets, interveneAt: options.interveneAt, learn, validate, examples: options.examples });

    const text: string[] = [];
    describe(report, { out: (line) => text.push(line), err: (line) => text.push(line) }, options.out);
    for (const file of [...candidate.files, ...candidate.prompts]) {
      const path = join(options.out, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
    writeFileSync(join(options.out, 'tuning-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(options.out, 'tuning-report.txt'), `${text.join('\n')}\n`);
    if (options.json) output.out(JSON.stringify(report, null, 2));
    else for (const line of text) output.out(line);
    return 0;
  } finally {
    await store.close();
  }
}

const share = (part: number, whole: number) => (whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)}%`);
const money = (value: number | null) => (value === null ? '—' : formatMoney(value, 'GBP').replace(/\.00$/, ''));
const AGE_WORDS: Record<string, string> = { '40_49': '40s', '60_69': '60s', '70_79': '70s', '80_plus': '80+' };

function describe(report: TuningReport, output: Output, out: string): void {
  const { learning, validation } = report;
  output.out(
    `Tuned on ${report.learn.from} to ${report.learn.to}, checked on ${report.validate.from} to ${report.validate.to} (store days, VOUCHSAFE_TIMEZONE): ` +
      `at most ${(report.budgets.prompt * 100).toFixed(2).replace(/\.?0+$/, '')}% of gift-card baskets prompted and ` +
      `${(report.budgets.hold * 100).toFixed(2).replace(/\.?0+$/, '')}% held; a confirmed scam counts as stopped at ${report.interveneAt} or stronger.`,
  );
  if (report.overBudget.prompt || report.overBudget.hold) {
    output.out(`The rules' own actions (rules with action: ${report.overBudget.prompt ? 'prompt' : 'hold'} or stronger) already go over this budget; no score can bring them under it.`);
  }
  output.out('');
  const rows: Array<[string, (f: Figures) => string]> = [
    ['baskets prompted or more', (f) => `${share(f.interrupted, f.storedValueBaskets)} (${f.interrupted})`],
    ['baskets held or refused', (f) => `${share(f.held, f.storedValueBaskets)} (${f.held})`],
    ['confirmed scams stopped', (f) => `${f.scamsStopped} of ${f.scams}`],
    ['confirmed scams held', (f) => `${f.scamsHeld} of ${f.scams}`],
    ['ordinary sales interrupted', (f) => `${f.ordinaryInterrupted} of ${f.ordinary}`],
    ['ordinary sales held', (f) => `${f.ordinaryHeld} of ${f.ordinary}`],
    ['value protected', (f) => money(f.valueProtected)],
  ];
  const table = [
    ['', 'learnt on: baseline', 'candidate', 'checked on: baseline', 'candidate'],
    ...rows.map(([label, cell]) => [label, cell(learning.baseline), cell(learning.candidate), cell(validation.baseline), cell(validation.candidate)]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table) output.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());

  const { baseline: b, candidate: c } = report.bands;
  output.out(`\nBands: prompt ${b.prompt} → ${c.prompt}, hold ${b.hold} → ${c.hold}, refuse ${b.refuse} → ${c.refuse}`);
  const changed = report.scores.filter((score) => score.baseline !== score.candidate);
  output.out(changed.length ? 'Scores changed:' : 'No score changed.');
  for (const score of changed) output.out(`  ${score.ruleId.padEnd(36)} ${String(score.baseline).padStart(4)} → ${score.candidate}`);

  output.out('\nValue bands: a basket of £50 cards, nothing seen, no history; prompted from / held from');
  const band = (v: ValueBand) => `${money(v.promptFrom)} / ${money(v.holdFrom)}`;
  report.valueBands.baseline.forEach((before, i) => {
    const after = report.valueBands.candidate[i]!;
    output.out(`  ${`${AGE_WORDS[before.ageBand] ?? before.ageBand}, ${before.tender}`.padEnd(14)} ${band(before).padEnd(22)} → ${band(after)}`);
  });

  output.out(`\nThe candidate's own tests: ${report.tests.passed} of ${report.tests.total} pass.`);
  if (report.tests.failed.length > 0) {
    output.out('These fail, so publishing refuses it until they are updated or the budget is raised:');
    for (const failed of report.tests.failed) output.out(`  ✗ ${failed.file}: ${failed.name}\n      ${failed.failures.join('\n      ')}`);
  }
  output.out('\nThe checking period decided again under both rule sets, with the answers recorded at the time, as vouchsafe backtest');
  output.out('reports it (the table above counts interruptions before any answer):');
  printReport(report.backtest, output);
  output.out(`\nWritten to ${out}: the rule files and prompts/ (only score: and bands: changed), tuning-report.json and tuning-report.txt.`);
  output.out(`Compare it on the published cases (npm run eval -- --rules ${out}) and on other periods (vouchsafe backtest --rules ${out}); publish it with PUT /v1/rules.`);
}
