import { formatMoney } from '../../src/engine/index.js';
import { type Grade, isMiss } from './grade.js';
import type { PlayedCase } from './play.js';

/** Plain-text tables for a terminal: columns padded to their widest cell. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const money = (sums: Record<string, number>) =>
  Object.keys(sums).length === 0
    ? '—'
    : Object.entries(sums)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, value]) => formatMoney(value, currency))
        .join(' + ');

export interface Evaluated {
  label: string;
  grade: Grade;
  played: PlayedCase[];
}

/** The headline figures, one column per rule set. */
export function headline(runs: readonly Evaluated[]): string[] {
  const rows: Array<[string, (g: Grade) => string]> = [
    ['rule set', (g) => g.ruleSetVersion],
    ['scams held or refused (recall at hold+)', (g) => `${g.scams.held} of ${g.scams.cases} (${percent(g.scams.recall)})`],
    ['scams at least prompted', (g) => `${g.scams.prompted} of ${g.scams.cases} (${percent(g.scams.cases ? g.scams.prompted / g.scams.cases : 0)})`],
    ['value protected', (g) => money(g.scams.valueProtected)],
    ['  of scam value at the till', (g) => money(g.scams.valueAtRisk)],
    ['legitimate interrupted (prompt+)', (g) => `${g.legitimate.interrupted} of ${g.legitimate.cases} (${percent(g.legitimate.interruptionRate)})`],
    ['legitimate held (hold+)', (g) => `${g.legitimate.held} of ${g.legitimate.cases} (${percent(g.legitimate.holdRate)})`],
    ['legitimate refused', (g) => String(g.legitimate.refused)],
  ];
  return table(['', ...runs.map((run) => run.label)], rows.map(([name, value]) => [name, ...runs.map((run) => value(run.grade))]));
}

export function byStory(run: Evaluated): string[] {
  return table(
    ['story', 'label', 'cases', 'prompted+', 'held+'],
    run.grade.byStory.map((row) => [row.story, row.label, String(row.cases), String(row.prompted), String(row.held)]),
  );
}

const decisionCells = (p: PlayedCase) => [
  p.first.action === p.final.action ? p.final.action : `${p.first.action} → ${p.final.action}`,
  String(p.final.score),
  p.final.rules.join(' ') || '—',
];

/** Every scam that got through and every legitimate customer held, with what decided it. */
export function misses(run: Evaluated): string[] {
  if (run.grade.misses.length === 0) return ['None.'];
  return table(
    ['case', 'label', 'story', 'value', 'decision', 'score', 'rules matched (final)'],
    run.grade.misses.map((p) => [p.case.id, p.case.label, p.case.story, formatMoney(p.storedValue, p.case.check.currency ?? 'GBP'), ...decisionCells(p)]),
  );
}

/** Cases decided differently by the candidate, for `--rules`. */
export function changes(baseline: Evaluated, candidate: Evaluated): string[] {
  const before = new Map(baseline.played.map((p) => [p.case.id, p]));
  const rows = candidate.played.flatMap((after) => {
    const was = before.get(after.case.id)!;
    if (was.first.action === after.first.action && was.final.action === after.final.action) return [];
    const mark = (p: PlayedCase) => `${p.first.action}→${p.final.action}${isMiss(p) ? ' (miss)' : ''}`;
    return [[after.case.id, after.case.label, mark(was), mark(after)]];
  });
  if (rows.length === 0) return ['None.'];
  return table(['case', 'label', `${baseline.label} (first→final)`, candidate.label], rows);
}
