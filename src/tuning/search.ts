import type { Bands } from '../contract/rule-file.js';
import type { Matched, Observation, TestObservation, TunableRule } from './observations.js';

export interface Budgets {
  /** Most of the stored-value baskets that may be prompted or more, as a share (0.03 is 3%). */
  prompt: number;
  /** Most that may be held or refused. */
  hold: number;
}

export interface SearchOptions {
  budgets: Budgets;
  /** The bands the rule set has now: bands move from these only as far as the budgets require or more scams repay. */
  bands: Bands;
  /** The weakest action that counts as stopping a confirmed scam: 1 prompt, 2 hold, 3 refuse. */
  stopAt: number;
  /** refuse band − hold band in the baseline, kept as it is. */
  refuseGap: number;
  /** How far one step moves a score, and how many steps each way are tried. */
  step?: number;
  steps?: number;
  maxSweeps?: number;
}

/** How a set of scores and bands does on a set of observations. */
export interface Figures {
  storedValueBaskets: number;
  /** Stored-value baskets prompted or more before any answer. */
  interrupted: number;
  /** Stored-value baskets held or refused before any answer. */
  held: number;
  scams: number;
  /** Confirmed scams met with the stopping action or stronger, after the recorded answers. */
  scamsStopped: number;
  scamsHeld: number;
  ordinary: number;
  ordinaryInterrupted: number;
  ordinaryHeld: number;
  /** Stored value of the confirmed scams stopped (minor units). */
  valueProtected: number;
}

export interface SearchResult {
  scores: number[];
  bands: Bands;
  figures: Figures;
  testsPassing: number;
  /** The rules' own actions alone already interrupt (or hold) more baskets than the budget allows. */
  overBudget: { prompt: boolean; hold: boolean };
}

const sum = (matched: Matched, scores: readonly number[]) => {
  let total = 0;
  for (const i of matched.rules) total += scores[i]!;
  return total;
};

const bandAction = (score: number, bands: Bands) => (score >= bands.refuse ? 3 : score >= bands.hold ? 2 : score >= bands.prompt ? 1 : 0);

/** The action for a check under these scores and bands, never weaker than what its matched rules demand. */
function actionOf(matched: Matched, scores: readonly number[], bands: Bands): number {
  return Math.max(bandAction(sum(matched, scores), bands), matched.floor);
}

/**
 * The lowest band at or above `atLeast` that keeps the baskets reaching it within `allowance`; the
 * baskets the rules' own actions already send there count first. `counts` is baskets by score.
 */
function bandFor(counts: ReadonlyMap<number, number>, forced: number, allowance: number, atLeast: number): { band: number; over: boolean } {
  const scores = [...counts.keys()].sort((a, b) => b - a);
  const top = scores.length ? scores[0]! : 0;
  let left = allowance - forced;
  if (left < 0) return { band: Math.max(atLeast, top + 1), over: true };
  for (const score of scores) {
    if (score < atLeast) break;
    left -= counts.get(score)!;
    // Every basket on this score would pass the band: the band sits just above it.
    if (left < 0) return { band: score + 1, over: false };
  }
  return { band: atLeast, over: false };
}

const add = (counts: Map<number, number>, score: number, checks: number) => counts.set(score, (counts.get(score) ?? 0) + checks);

/**
 * Everything one set of scores gives: the bands, and the figures under them. Scores are summed once
 * per observation, so trying a set costs one pass over the history.
 *
 * Each band goes as low as the budget allows only where that stops more confirmed scams: from the
 * lowest band the budget allows, it rises back towards where it was (`start`) as far as it can
 * without letting one of those scams through. So a loose budget is not spent on customers who were
 * never shown to need it, and a tight one raises the bands just enough.
 */
export function evaluateScores(
  observations: readonly Observation[],
  scores: readonly number[],
  options: Pick<SearchOptions, 'budgets' | 'refuseGap' | 'stopAt'>,
  start: Bands,
  fixedBands?: Bands,
) {
  const asked = new Int32Array(observations.length);
  const promptCounts = new Map<number, number>();
  const holdCounts = new Map<number, number>();
  const scams: Array<{ score: number; floor: number }> = [];
  let baskets = 0;
  let forcedPrompt = 0;
  let forcedHold = 0;
  observations.forEach((o, j) => {
    const score = sum(o.asked, scores);
    asked[j] = score;
    if (o.label === 'scam') scams.push({ score: sum(o.answered, scores), floor: o.answered.floor });
    if (!o.basket) return;
    baskets += o.checks;
    if (o.asked.floor >= 1) forcedPrompt += o.checks;
    else add(promptCounts, score, o.checks);
    if (o.asked.floor >= 2) forcedHold += o.checks;
    else add(holdCounts, score, o.checks);
  });
  /** The highest band from `low` up to `high` that still meets every scam that `low` meets by its score with `action` or stronger. */
  const raise = (low: number, high: number, action: number) => {
    let band = high;
    for (const scam of scams) if (scam.floor < action && scam.score >= low) band = Math.min(band, scam.score);
    return Math.max(low, band);
  };
  let bands = fixedBands;
  let overBudget = { prompt: false, hold: false };
  if (!bands) {
    const promptLow = bandFor(promptCounts, forcedPrompt, Math.floor(options.budgets.prompt * baskets), 1);
    const prompt = raise(promptLow.band, Math.max(promptLow.band, start.prompt), 1);
    const holdLow = bandFor(holdCounts, forcedHold, Math.floor(options.budgets.hold * baskets), prompt + 1);
    const hold = raise(holdLow.band, Math.max(holdLow.band, start.hold), 2);
    bands = { prompt, hold, refuse: hold + Math.max(1, options.refuseGap) };
    overBudget = { prompt: promptLow.over, hold: holdLow.over };
  }

  const figures: Figures = {
    storedValueBaskets: baskets,
    interrupted: 0,
    held: 0,
    scams: 0,
    scamsStopped: 0,
    scamsHeld: 0,
    ordinary: 0,
    ordinaryInterrupted: 0,
    ordinaryHeld: 0,
    valueProtected: 0,
  };
  observations.forEach((o, j) => {
    const first = Math.max(bandAction(asked[j]!, bands), o.asked.floor);
    if (o.basket) {
      if (first >= 1) figures.interrupted += o.checks;
      if (first >= 2) figures.held += o.checks;
    }
    if (o.label === 'scam') {
      const last = actionOf(o.answered, scores, bands);
      figures.scams += o.checks;
      if (last >= options.stopAt) {
        figures.scamsStopped += o.checks;
        figures.valueProtected += o.storedValue;
      }
      if (last >= 2) figures.scamsHeld += o.checks;
    } else if (o.label === 'ordinary') {
      figures.ordinary += o.checks;
      if (first >= 1) figures.ordinaryInterrupted += o.checks;
      if (first >= 2) figures.ordinaryHeld += o.checks;
    }
  });
  return { bands, overBudget, figures };
}

const passing = (tests: readonly TestObservation[], scores: readonly number[], bands: Bands) =>
  tests.filter((test) => actionOf(test.matched, scores, bands) === test.expected).length;

/** Compares rank vectors: the first place they differ decides. */
function better(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/**
 * Coordinate ascent on the rule scores: one rule at a time, a few steps up or down, keeping a change
 * only if it does better. Better is, in order: more of the rule set's own tests kept (they are its
 * requirements: the seed stories, the shopping it must leave alone), more confirmed scams stopped,
 * more held, fewer ordinary customers interrupted, then held, fewer baskets interrupted, then held,
 * and the smallest change from where it started. The bands follow the budgets after every change
 * (see evaluateScores), so no candidate tried interrupts more baskets than allowed. A rule keeps its
 * sign, within −100 to 100.
 */
export function searchScores(rules: readonly TunableRule[], observations: readonly Observation[], tests: readonly TestObservation[], options: SearchOptions): SearchResult {
  const step = options.step ?? 5;
  const steps = options.steps ?? 4;
  const start = rules.map((rule) => rule.score);
  const evaluate = (scores: number[]) => {
    const { bands, overBudget, figures } = evaluateScores(observations, scores, options, options.bands);
    const testsPassing = passing(tests, scores, bands);
    const distance = scores.reduce((total, score, i) => total + Math.abs(score - start[i]!), 0);
    const rank = [
      testsPassing,
      figures.scamsStopped,
      figures.scamsHeld,
      -figures.ordinaryInterrupted,
      -figures.ordinaryHeld,
      -figures.interrupted,
      -figures.held,
      -distance,
    ];
    return { scores, bands, overBudget, figures, testsPassing, rank };
  };

  let best = evaluate(start);
  for (let sweep = 0; sweep < (options.maxSweeps ?? 6); sweep++) {
    let improved = false;
    for (let i = 0; i < rules.length; i++) {
      const sign = Math.sign(start[i]!);
      const from = best.scores[i]!;
      for (let k = -steps; k <= steps; k++) {
        const value = from + k * step;
        if (k === 0 || (sign > 0 ? value < 0 || value > 100 : value > 0 || value < -100)) continue;
        const scores = [...best.scores];
        scores[i] = value;
        const tried = evaluate(scores);
        if (better(tried.rank, best.rank)) {
          best = tried;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  const { scores, bands, overBudget, figures, testsPassing } = best;
  return { scores, bands, overBudget, figures, testsPassing };
}
