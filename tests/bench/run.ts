import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { backtestSection } from './backtest.js';
import { engineSection } from './engine.js';
import { heavyWorkSection } from './heavy-work.js';
import { historySection } from './history-growth.js';
import { httpSection } from './http.js';
import { nodesSection } from './nodes.js';
import { reportsSection } from './reports.js';
import { sdkSection } from './sdk.js';
import { machine } from './lib/measure.js';
import type { Section, SectionResult } from './section.js';

// `npm run bench [-- --only engine,http] [-- --quick]`: every figure beside a baseline measured in
// the same run on the same machine. Results go to tests/bench/results.json.
const sections: Section[] = [engineSection, httpSection, historySection, reportsSection, backtestSection, sdkSection, heavyWorkSection, nodesSection];

const args = process.argv.slice(2);
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const quick = args.includes('--quick');
const chosen = sections.filter((section) => !only || only.includes(section.name));

const RESULTS = 'tests/bench/results.json';
// A run of some sections updates just those in the results; the others keep their last figures.
const earlier = only && existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : undefined;
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: machine(),
  quick,
  sections: { ...((earlier?.sections) ?? {}) },
};
const targets: SectionResult['targets'] = [];
for (const section of chosen) {
  process.stderr.write(`… ${section.title}\n`);
  const result = await section.run({ quick, log: (line) => process.stderr.write(`${line}\n`) });
  (report.sections as Record<string, unknown>)[section.name] = { ...result.results, measuredAt: new Date().toISOString(), targets: result.targets };
  targets.push(...result.targets);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...result.rows.map((row) => (row[column] ?? '').length)));
  process.stdout.write(`\n${section.title}\n`);
  for (const row of result.rows) process.stdout.write(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('   ')}\n`);
}
report.targets = Object.values(report.sections as Record<string, { targets?: SectionResult['targets'] }>).flatMap((section) => section.targets ?? []);
process.stdout.write('\nTargets\n');
for (const target of targets) process.stdout.write(`  ${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.value}\n`);
const m = report.machine as ReturnType<typeof machine>;
process.stdout.write(`\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}\n`);
if (!quick) writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
