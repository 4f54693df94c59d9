import type { Decision, Prompt } from '../../src/contract/decision.js';
import type { Review, ReviewCloser } from '../../src/contract/review-state.js';
import { type CompiledRuleSet, type ReleasedBasket, releaseCovers } from '../../src/engine/index.js';
import type { Clock } from './clock.js';
import { FALLBACK_REFUSAL } from './offline/fallback.js';

/** A held sale as the till knows it: the review, and when its deadline falls on the till's clock. */
export interface Hold {
  review: Review;
  /** The deadline on the till's clock (`clock.now()`), so a virtual clock moves it like any other wait. */
  deadlineAt: number;
  /** Whose record `review` is: the service's, or the till's own (an offline hold, a release made while the service was away). */
  source: 'service' | 'till';
  /**
   * Of a release: the basket it was made for, as the till had it when it learned of the release. A
   * later basket it does not cover (`releaseCovers`, as at the service) is decided afresh offline.
   */
  covers?: ReleasedBasket;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The service's review from a decision it just made. The time left is the service's own deadline
 * less the service's own time of deciding, so the two clocks never need to agree.
 */
export function holdFrom(decision: Pick<Decision, 'evaluatedAt' | 'review'>, clock: Clock): Hold | undefined {
  if (!decision.review) return undefined;
  const left = Date.parse(decision.review.deadline) - Date.parse(decision.evaluatedAt);
  return { review: decision.review, deadlineAt: clock.now() + left, source: 'service' };
}

/** A hold the till opened itself while the service was away (at `openedAt`, wall time), with the service's deadline. */
export function localHold(clock: Clock, deadlineMs: number, openedAt = Date.now()): Hold {
  return {
    review: { status: 'open', openedAt: iso(openedAt), deadline: iso(openedAt + deadlineMs), closedAt: null, closedBy: null, reason: null },
    deadlineAt: clock.now() + deadlineMs,
    source: 'till',
  };
}

/** The review as it stands now: one still open at its deadline has expired, as at the service. */
export function reviewNow(hold: Hold, clock: Clock): Review {
  if (hold.review.status !== 'open' || clock.now() < hold.deadlineAt) return hold.review;
  return { ...hold.review, status: 'expired', closedAt: hold.review.deadline, closedBy: { kind: 'deadline', supervisorRef: null, keyId: null }, reason: null };
}

/** Closes a hold on the till (a supervisor's decision made here, or a refusal decided offline). */
export function closeHold(hold: Hold, status: 'released' | 'refused', kind: ReviewCloser, closing: { supervisorRef?: string | undefined; reason?: string | undefined; at?: number }): Hold {
  return {
    ...hold,
    source: 'till',
    review: {
      ...hold.review,
      status,
      closedAt: iso(closing.at ?? Date.now()),
      closedBy: { kind, supervisorRef: closing.supervisorRef ?? null, keyId: null },
      reason: closing.reason ?? null,
    },
  };
}

/**
 * Whether a `hold` decided on `basket` opens a hold of its own, as at the service: when there is none
 * yet, or the last was released for a basket that does not cover this one (`releaseCovers`).
 */
export function opensHold(hold: Hold | undefined, basket: ReleasedBasket): boolean {
  if (!hold) return true;
  return hold.review.status === 'released' && !(hold.covers && releaseCovers(hold.covers, basket));
}

/** Whether a sale may go ahead: nothing held it, or a supervisor released it. */
export const mayBeSold = (review: Review | undefined) => review === undefined || review.status === 'released';

/** What the colleague is shown once a hold ends without a release: the rule set's refusal script. */
export function refusalPrompt(ruleSet: CompiledRuleSet | undefined, answers: Readonly<Record<string, string>>, locale?: string): Prompt {
  if (!ruleSet) return FALLBACK_REFUSAL;
  const catalog = (locale && ruleSet.locales.get(locale)) || ruleSet.prompts;
  return catalog.render(catalog.actionPrompt('refuse') ?? catalog.defaultPrompt, answers);
}
