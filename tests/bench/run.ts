import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { backtestSection } from './backtest.js';
import { engineSection } from './engine.js';
import { exchangeSection } from './exchange.js';
import { heavyWorkSection } from './heavy-work.js';
import { historySection } from './history-growth.js';
import { httpSection } from './http.js';
import { nodesSection } from './nodes.js';
import { publishSection } from './publish.js';
import { reportsSection } from './reports.js';
import { sdkSection } from './sdk.js';
import { tracingSection } from './tracing.js';
import { webhooksSection } from './webhooks.js';
import { machine } from './lib/measure.js';
import type { Scale, Section, SectionResult } from './section.js';

// `npm run bench [-- --only=engine,http] [-- --quick | --smoke]`: every figure beside a baseline
// measured in the same run on the same machine. Results go to tests/bench/results.json, from a full
// run only. --smoke runs every section at its smallest, to prove each still runs (CI): its figures
// are printed, never kept, and it exits non-zero if any section failed.
const sections: Section[] = [engineSection, httpSection, historySection, reportsSection, backtestSection, sdkSection, heavyWorkSection, nodesSection, tracingSection, webhooksSection, publishSection, exchangeSection];

const args = process.argv.slice(2);
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const scale: Scale = args.includes('--smoke') ? 'smoke' : args.includes('--quick') ? 'quick' : 'full';
const unknown = only?.filter((name) => !sections.some((section) => section.name === name)) ?? [];
if (unknown.length) throw new Error(`No section ${unknown.join(', ')}: the sections are ${sections.map((section) => section.name).join(', ')}`);
const chosen = sections.filter((section) => !only || only.includes(section.name));

const RESULTS = 'tests/bench/results.json';
// A run of some sections updates just those in the results; the others keep their last figures.
const earlier = only && existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : undefined;
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: machine(),
  sections: { ...((earlier?.sections) ?? {}) },
};
const targets: SectionResult['targets'] = [];
const failed: string[] = [];
const started = performance.now();
for (const section of chosen) {
  process.stderr.write(`… ${section.title}\n`);
  const sectionStarted = performance.now();
  let result: SectionResult;
  try {
    result = await section.run({ scale, sized: (choices) => choices[scale], log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    // The other sections still run: one broken section should not hide whether the rest work.
    failed.push(section.name);
    process.stdout.write(`\n${section.title}\n  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    continue;
  }
  (report.sections as Record<string, unknown>)[section.name] = { ...result.results, measuredAt: new Date().toISOString(), targets: result.targets };
  targets.push(...result.targets);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...result.rows.map((row) => (row[column] ?? '').length)));
  process.stdout.write(`\n${section.title}${scale === 'full' ? '' : ` (${scale}: ${((performance.now() - sectionStarted) / 1000).toFixed(0)} s)`}\n`);
  for (const row of result.rows) process.stdout.write(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('   ')}\n`);
}
report.targets = Object.values(report.sections as Record<string, { targets?: SectionResult['targets'] }>).flatMap((section) => section.targets ?? []);
process.stdout.write(`\nTargets${scale === 'smoke' ? ' (smoke sizes: not comparable with a full run)' : ''}\n`);
for (const target of targets) process.stdout.write(`  ${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.value}\n`);
const m = report.machine as ReturnType<typeof machine>;
process.stdout.write(`\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}\n`);
process.stdout.write(`${chosen.length - failed.length} of ${chosen.length} sections ran in ${((performance.now() - started) / 1000).toFixed(0)} s${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}\n`);
if (failed.length) process.exitCode = 1;
else if (scale === 'full') writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
