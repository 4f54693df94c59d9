import type { Action } from '../contract/enums.js';
import type { BacktestMetrics, BacktestReport } from '../contract/rule-lifecycle.js';
import { backtest } from '../backtest/backtest.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../engine/business-day.js';
import { formatMoney } from '../engine/index.js';
import { DomainError } from '../errors.js';
import { validateRuleSet } from '../rule-sets/lifecycle.js';
import { loadRuleDirectory } from '../rule-sets/load-directory.js';
import { ReportDate } from '../contract/reports.js';
import { periodBounds, resolvePeriod } from '../reports/period.js';
import { openStore } from '../store/index.js';
import { baselineRuleSet } from './baseline.js';
import { UsageError } from './duration.js';
import { progressBar } from './progress.js';
import type { Output } from './rules.js';

export interface BacktestCommand {
  db: string;
  rules: string;
  baseline?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  days: number;
  store?: string[] | undefined;
  interveneAt: Exclude<Action, 'allow'>;
  examples: number;
  json: boolean;
}

/** The period in the store's calendar days (VOUCHSAFE_TIMEZONE), both ends included, as the service's reports take it. */
export function periodOf(options: Pick<BacktestCommand, 'from' | 'to' | 'days'>, timeZone = process.env.VOUCHSAFE_TIMEZONE || DEFAULT_TIME_ZONE) {
  if (!isTimeZone(timeZone)) throw new UsageError(`VOUCHSAFE_TIMEZONE ${timeZone} is not an IANA time zone such as Europe/London`);
  const date = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    if (!ReportDate.safeParse(value).success) throw new UsageError(`--${flag} ${value} is not a date: use YYYY-MM-DD`);
    return value;
  };
  try {
    return resolvePeriod({ from: date('from', options.from), to: date('to', options.to) }, Date.now(), timeZone, options.days);
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(error.detail ?? error.message);
    throw error;
  }
}
const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/** `backtest`: decides stored checks again with the rules in a directory, beside the active rule set (or another directory). */
export async function runBacktestCommand(options: BacktestCommand, output: Output): Promise<number> {
  let candidate;
  try {
    candidate = validateRuleSet(loadRuleDirectory(options.rules)).ruleSet;
  } catch (error) {
    if (error instanceof DomainError) {
      output.err(`The candidate rule set in ${options.rules} is refused:\n${error.detail ?? error.message}`);
      return 1;
    }
    throw error;
  }
  // Read-only, beside the service if it is running: a back-test changes nothing.
  const store = await openStore(options.db, { readonly: true });
  try {
    const baseline = await baselineRuleSet(store, options.baseline, output);
    if (!baseline) return 1;
    const days = periodOf(options);
    const period = { ...periodBounds(days), storeIds: options.store?.length ? options.store : null };
    const bar = progressBar('Back-testing', await store.replay.count(period));
    let report: BacktestReport;
    try {
      report = await backtest(store.replay.checks(period), baseline, candidate, {
        from: days.from,
        to: days.to,
        interveneAt: options.interveneAt,
        examples: options.examples,
        onProgress: bar.update,
        progressEvery: 1000,
      });
    } finally {
      bar.stop();
    }
    if (options.json) output.out(JSON.stringify(report, null, 2));
    else printReport(report, output);
    return 0;
  } finally {
    await store.close();
  }
}

export function printReport(report: BacktestReport, output: Output): void {
  const day = (iso: string) => iso.slice(0, 10);
  const { labels } = report;
  output.out(
    `Back-test ${report.from} to ${report.to} (store days, VOUCHSAFE_TIMEZONE): ${report.checks.toLocaleString('en-GB')} checks ` +
      `(${labels.scams} confirmed scams, ${labels.ordinary} ordinary, ${labels.unlabelled} unlabelled), in ${report.durationMs} ms.`,
  );
  output.out(`A sale counts as stopped or interrupted at ${report.interveneAt} or stronger.\n`);
  const rows: Array<[string, (m: BacktestMetrics) => string]> = [
    ['version', (m) => m.version],
    ['allow / prompt / hold / refuse', (m) => `${m.actions.allow} / ${m.actions.prompt} / ${m.actions.hold} / ${m.actions.refuse}`],
    ['confirmed scams stopped', (m) => `${m.scamsStopped} of ${m.scamsStopped + m.scamsMissed}`],
    ['ordinary sales interrupted', (m) => `${m.ordinaryInterrupted} of ${m.ordinaryInterrupted + m.ordinaryLeftAlone}`],
    ['precision', (m) => percent(m.precision)],
    ['recall', (m) => percent(m.recall)],
    ['value protected', (m) => formatMoney(m.valueProtected, 'GBP')],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const column = Math.max(12, report.baseline.version.length + 2);
  // Both stages for both rule sets: the summary report's "warned" is the first screen, and a prompt
  // the answers cleared is an allow after them, so one figure alone misleads (7 against 90).
  const stages: Array<[string, BacktestMetrics, BacktestMetrics]> = [
    ['At the first screen, before any answer (what the summary report counts as warned):', report.firstScreen.baseline, report.firstScreen.candidate],
    ['After the answers the colleague recorded:', report.baseline, report.candidate],
  ];
  for (const [heading, baseline, candidate] of stages) {
    output.out(heading);
    output.out(`${''.padEnd(width)}${'baseline'.padEnd(column)}candidate`);
    for (const [label, value] of rows) output.out(`${label.padEnd(width)}${value(baseline).padEnd(column)}${value(candidate)}`);
    output.out('');
  }
  if (report.candidateWithoutAnswers > 0) {
    output.out(
      `The candidate would stop ${report.candidateWithoutAnswers} ${report.candidateWithoutAnswers === 1 ? 'check' : 'checks'} the baseline never asked about: no answers were recorded, so after answers they count as at the first screen.`,
    );
  }
  output.out(`\nDecisions that would change (after answers): ${report.changes.total}`);
  for (const transition of report.changes.transitions) output.out(`  ${transition.from} → ${transition.to}: ${transition.checks}`);
  if (report.changes.examples.length > 0) output.out('\nFor example:');
  for (const example of report.changes.examples) {
    const added = example.candidate.rules.filter((rule) => !example.baseline.rules.includes(rule));
    const removed = example.baseline.rules.filter((rule) => !example.candidate.rules.includes(rule));
    output.out(
      `  ${example.checkId} ${example.storeId} ${day(example.occurredAt)} ${example.baseline.action} → ${example.candidate.action}` +
        ` (${example.outcome ?? 'no outcome'}, ${formatMoney(example.storedValue, 'GBP')})` +
        `${added.length ? ` +${added.join(' +')}` : ''}${removed.length ? ` -${removed.join(' -')}` : ''}`,
    );
  }
}
