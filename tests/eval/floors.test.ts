import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaseFileError, LEGITIMATE_STORIES, loadCases, SCAM_STORIES } from '../../scripts/eval/cases.js';
import { type Grade, grade, isStopped, strongest } from '../../scripts/eval/grade.js';
import { playCases, type PlayedCase } from '../../scripts/eval/play.js';

// The default rules against the published cases in tests/eval/cases.yaml, played through the
// service's routes as `npm run eval` plays them. These are floors, not targets: a rule change that
// lets a scam story through or starts holding ordinary customers fails here, naming the cases.
const cases = loadCases('tests/eval/cases.yaml');
let played: PlayedCase[];
let result: Grade;

beforeAll(async () => {
  played = await playCases(cases, 'rules');
  result = grade(played);
}, 120_000);

const names = (list: PlayedCase[]) => list.map((p) => `${p.case.id}: ${p.first.action} → ${p.final.action} (${p.final.rules.join(' ')})`);

describe('the evaluation set', () => {
  it('has at least 80 cases, each citing its source, covering every scam story and every look-alike', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const stories = new Set(cases.map((c) => c.story));
    for (const story of [...SCAM_STORIES, ...LEGITIMATE_STORIES]) expect(stories, story).toContain(story);
    for (const c of cases) expect(c.source, c.id).toMatch(/https?:\/\/|seed|research/);
    expect(cases.filter((c) => c.earlier.length > 0).every((c) => c.story === 'several_shops' || c.label === 'legitimate' || c.story === 'romance')).toBe(true);
  });

  it('names the case and field that are wrong in a broken case file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-cases-'));
    try {
      const path = join(dir, 'cases.yaml');
      writeFileSync(path, 'cases:\n  - id: no-source\n    label: scam\n    story: christmas\n    summary: s\n    source: x\n    check: { lines: [] }\n');
      expect(() => loadCases(path)).toThrow(CaseFileError);
      expect(() => loadCases(path)).toThrow(/no-source: source/);
      expect(() => loadCases(path)).toThrow(/story "christmas" is not a scam story/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the default rules on the evaluation set', () => {
  it('at least prompt every scam', () => {
    expect(names(played.filter((p) => p.case.label === 'scam' && strongest(p) === 'allow'))).toEqual([]);
  });

  it('hold or refuse at least 90% of scams, after the answers the customer gives', () => {
    const missed = played.filter((p) => p.case.label === 'scam' && !isStopped(p));
    expect(result.scams.recall, names(missed).join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('refuse no legitimate customer', () => {
    expect(names(played.filter((p) => p.case.label === 'legitimate' && strongest(p) === 'refuse'))).toEqual([]);
  });

  it('hold at most 10% of legitimate customers, counting any hold they met', () => {
    const held = played.filter((p) => p.case.label === 'legitimate' && (strongest(p) === 'hold' || strongest(p) === 'refuse'));
    expect(result.legitimate.holdRate, names(held).join('\n')).toBeLessThanOrEqual(0.1);
  });

  it('ask every question a case has an answer for before deciding it, so the answers are heard', () => {
    const unheard = played.filter((p) => p.final.action !== 'allow' && p.final.action !== 'refuse' && p.neverAsked.length > 0);
    expect(unheard.map((p) => `${p.case.id}: ${p.neverAsked.join(', ')}`)).toEqual([]);
  });

  it('count value protected from the scams stopped', () => {
    const gbp = played.filter((p) => p.case.label === 'scam' && isStopped(p) && (p.case.check.currency ?? 'GBP') === 'GBP');
    expect(result.scams.valueProtected.GBP).toBe(gbp.reduce((sum, p) => sum + p.storedValue, 0));
  });
});
