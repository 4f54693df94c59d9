import { ACTION_STRENGTH, type Action } from '../../src/contract/enums.js';
import type { PlayedCase } from './play.js';

/**
 * How a rule set did on the evaluation set. Each side is judged the way it is felt at the till:
 * - a scam counts as stopped only if the sale ends held or refused, after whatever the customer was
 *   coached to say (`final`);
 * - a legitimate customer counts as interrupted, or held, by the strongest decision they met: a
 *   prompt that the answers then cleared still stopped them to ask questions, and a hold that the
 *   answers lowered still fetched a supervisor.
 */
export interface Grade {
  ruleSetVersion: string;
  scams: {
    cases: number;
    prompted: number;
    held: number;
    /** held ÷ cases: recall at hold or stronger. */
    recall: number;
    /** Stored value of the scam baskets held or refused, by currency (minor units). */
    valueProtected: Record<string, number>;
    valueAtRisk: Record<string, number>;
  };
  legitimate: {
    cases: number;
    interrupted: number;
    held: number;
    refused: number;
    /** interrupted ÷ cases: prompt or stronger at any point. */
    interruptionRate: number;
    /** held ÷ cases: hold or stronger at any point. */
    holdRate: number;
  };
  byStory: Array<{ story: string; label: 'scam' | 'legitimate'; cases: number; prompted: number; held: number }>;
  /** Scams not held or refused in the end, and legitimate purchases held or refused at any point. */
  misses: PlayedCase[];
}

const atLeast = (action: Action, floor: Action) => ACTION_STRENGTH[action] >= ACTION_STRENGTH[floor];
export const strongest = (played: PlayedCase): Action =>
  ACTION_STRENGTH[played.first.action] >= ACTION_STRENGTH[played.final.action] ? played.first.action : played.final.action;

export const isStopped = (played: PlayedCase) => atLeast(played.final.action, 'hold');
export const wasPrompted = (played: PlayedCase) => atLeast(strongest(played), 'prompt');
export const wasHeld = (played: PlayedCase) => atLeast(strongest(played), 'hold');

/** Whether the case went the wrong way: a scam that got through, or a legitimate customer held. */
export const isMiss = (played: PlayedCase) => (played.case.label === 'scam' ? !isStopped(played) : wasHeld(played));

export function grade(played: readonly PlayedCase[]): Grade {
  const scams = played.filter((p) => p.case.label === 'scam');
  const legitimate = played.filter((p) => p.case.label === 'legitimate');
  const add = (sums: Record<string, number>, p: PlayedCase) => {
    const currency = p.case.check.currency ?? 'GBP';
    sums[currency] = (sums[currency] ?? 0) + p.storedValue;
    return sums;
  };
  const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

  const stories = new Map<string, Grade['byStory'][number]>();
  for (const p of played) {
    const row = stories.get(p.case.story) ?? { story: p.case.story, label: p.case.label, cases: 0, prompted: 0, held: 0 };
    row.cases += 1;
    if (wasPrompted(p)) row.prompted += 1;
    if (p.case.label === 'scam' ? isStopped(p) : wasHeld(p)) row.held += 1;
    stories.set(p.case.story, row);
  }

  const held = scams.filter(isStopped);
  const interrupted = legitimate.filter(wasPrompted);
  const legitHeld = legitimate.filter(wasHeld);
  return {
    ruleSetVersion: played[0]?.ruleSetVersion ?? '',
    scams: {
      cases: scams.length,
      prompted: scams.filter(wasPrompted).length,
      held: held.length,
      recall: ratio(held.length, scams.length),
      valueProtected: held.reduce(add, {}),
      valueAtRisk: scams.reduce(add, {}),
    },
    legitimate: {
      cases: legitimate.length,
      interrupted: interrupted.length,
      held: legitHeld.length,
      refused: legitimate.filter((p) => strongest(p) === 'refuse').length,
      interruptionRate: ratio(interrupted.length, legitimate.length),
      holdRate: ratio(legitHeld.length, legitimate.length),
    },
    byStory: [...stories.values()].sort((a, b) => (a.label === b.label ? a.story.localeCompare(b.story) : a.label === 'scam' ? -1 : 1)),
    misses: played.filter(isMiss),
  };
}
