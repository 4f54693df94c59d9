/**
 * Decides the evaluation set (published scam stories and the legitimate purchases that look like
 * them) with a rule set, through the service's own routes, and prints how it did:
 *
 *   npm run eval                          # the rules the service would load (VOUCHSAFE_RULES, ./rules)
 *   npm run eval -- --rules my-rules/     # a candidate beside them, with every case it decides differently
 *   npm run eval -- --cases other.yaml --json
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { CaseFileError, loadCases } from './eval/cases.js';
import { grade } from './eval/grade.js';
import { playCases } from './eval/play.js';
import { byStory, changes, type Evaluated, headline, misses } from './eval/report.js';

const { values } = parseArgs({
  options: {
    rules: { type: 'string' },
    cases: { type: 'string', default: 'tests/eval/cases.yaml' },
    json: { type: 'boolean', default: false },
  },
});

async function evaluate(label: string, directory: string, cases: ReturnType<typeof loadCases>): Promise<Evaluated> {
  const played = await playCases(cases, directory);
  return { label, played, grade: grade(played) };
}

try {
  const cases = loadCases(values.cases);
  const activeDirectory = loadConfig().rulesDirectory;
  const runs = [await evaluate(activeDirectory, activeDirectory, cases)];
  if (values.rules) runs.push(await evaluate(values.rules, values.rules, cases));
  const last = runs.at(-1)!;

  if (values.json) {
    console.log(JSON.stringify(runs.map(({ label, grade: g }) => ({ rules: label, ...g, misses: g.misses.map((p) => ({ id: p.case.id, label: p.case.label, story: p.case.story, first: p.first, final: p.final })) })), null, 2));
  } else {
    const scams = last.grade.scams.cases;
    const out = [
      `Evaluation set ${values.cases}: ${cases.length} cases (${scams} scams, ${cases.length - scams} legitimate), played through the service's routes with the colleague's answers.`,
      'A scam counts as stopped if the sale ends held or refused; a legitimate customer counts as interrupted or held by the strongest decision they met.',
      '',
      ...headline(runs),
      '',
      `By story (${last.label}):`,
      ...byStory(last),
      '',
      `Misses (${last.label}): scams not held or refused, legitimate customers held or refused`,
      ...misses(last),
    ];
    if (runs.length === 2) out.push('', `Cases decided differently by ${last.label}:`, ...changes(runs[0]!, last));
    console.log(out.join('\n'));
  }
} catch (error) {
  if (!(error instanceof CaseFileError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
