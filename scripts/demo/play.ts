import type { App } from '../../src/http/app.js';
import { CLOSING_HOUR, HOUR, MINUTE, OPENING_HOUR, ordinaryVisit, SCAMS, STORES, supervisorRef, type Visit } from './shopping.js';
import { type Random, seededRandom } from './random.js';
import { christmasVisit, seasonOf, staffVouchersVisit } from './season.js';

const DAY_MS = 24 * HOUR;
/** How much more likely each scam story is than the others: the Markyate one is the commonest pattern. */
const SCAM_WEIGHTS = [3, 1, 1, 2, 2];

/**
 * Every visit on the given UTC days, in time order: everyday shopping (Christmas presents and office
 * staff vouchers in the season; see season.ts) and, on some days, a scam.
 */
export function planVisits(random: Random, days: readonly number[], scamChance = 0.45, loyaltyPool = 5000): Visit[] {
  const visits: Visit[] = [];
  for (const day of days) {
    const season = seasonOf(day);
    if (season.closed) continue;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    const busy = (weekday === 0 || weekday === 6 ? 1.4 : 1) * season.busy;
    const openAt = day * DAY_MS + OPENING_HOUR * HOUR;
    const during = () => openAt + random.int(0, (CLOSING_HOUR - OPENING_HOUR) * 60 - 1) * MINUTE + random.int(0, 59_999);
    for (const storeId of STORES) {
      const count = Math.round(random.int(10, 24) * busy);
      for (let n = 0; n < count; n++) {
        visits.push(random.chance(season.christmas) ? christmasVisit(random, storeId, during(), loyaltyPool) : ordinaryVisit(random, storeId, during(), loyaltyPool));
      }
      if (random.chance(season.staffVouchers)) visits.push(staffVouchersVisit(random, storeId, during()));
    }
    if (random.chance(scamChance)) {
      const scam = random.weighted(SCAMS.map((story, index) => [story, SCAM_WEIGHTS[index]!] as const));
      visits.push(...scam(random, during()));
    }
  }
  return visits.sort((a, b) => a.at - b.at);
}

/** UTC day numbers from `first` to `last`, both included. */
export function dayRange(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

export interface Played {
  visit: Visit;
  /** The first decision, and the last after any answers; undefined if the service refused the check. */
  first?: string;
  last?: string;
  problem?: string;
}

const SALES = new Set(['proceeded', 'proceeded_after_warning']);
/** How often nobody comes to a held sale before its deadline. */
const NOBODY_COMES = 0.08;

/**
 * Plays each visit through the service's HTTP routes as a till would: the basket, the customer's
 * answers if the till prompts, the supervisor if it holds, then the outcome; `setClock` puts the
 * service's clock at each moment. A request the service refuses is reported as the visit's problem.
 */
export async function playVisits(app: App, tillKey: string, visits: readonly Visit[], setClock: (ms: number) => void, onPlayed: (played: Played) => void = () => {}): Promise<Played[]> {
  async function post(path: string, body: unknown) {
    const response = await app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${tillKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  }
  // Supervisors' timing has its own seeded sequence, so the visits planned are the same with or without holds.
  const supervisors = seededRandom(visits.length);
  const results: Played[] = [];
  for (const visit of visits) {
    const played = await playVisit(visit);
    results.push(played);
    onPlayed(played);
  }
  return results;

  async function playVisit(visit: Visit): Promise<Played> {
    const failed = (what: string, response: { status: number; json: Record<string, any> }): Played => ({
      visit,
      problem: `${visit.check.transactionId} ${what}: ${response.status} ${response.json.detail ?? ''}`,
    });
    setClock(visit.at + 1_500);
    const decided = await post('/v1/checks', visit.check);
    if (decided.status >= 300) return failed('check', decided);
    const checkId: string = decided.json.checkId;
    const first: string = decided.json.action;
    let last = first;
    let review: string | undefined = decided.json.review?.status;
    let outcomeAt = visit.at + 105_000;
    if (first !== 'allow' && visit.answers) {
      setClock(visit.at + 45_000);
      const answered = await post(`/v1/checks/${checkId}/answers`, { answers: visit.answers });
      if (answered.status >= 300) return failed('answers', answered);
      last = answered.json.action;
      review = answered.json.review?.status;
    }
    if (review !== undefined) {
      // Drawn for every held visit, decided already or not, so a rerun of the demo draws the same.
      const nobodyComes = supervisors.chance(NOBODY_COMES);
      const afterMs = supervisors.int(60, 280) * 1000;
      const ref = supervisorRef(supervisors);
      if (review === 'open' && nobodyComes) {
        review = 'expired';
        outcomeAt = visit.at + 7 * MINUTE;
      } else if (review === 'open') {
        // A supervisor comes to the till within the deadline and decides there.
        setClock(visit.at + 1_500 + afterMs);
        const { decision, reason } = visit.supervisor ?? { decision: 'release', reason: 'Customer known to the store; buying presents' };
        const decided = await post(`/v1/checks/${checkId}/review`, { decision, supervisorRef: ref, ...(reason ? { reason } : {}) });
        if (decided.status >= 300) return failed('review', decided);
        review = decided.json.status;
        outcomeAt = visit.at + 31_500 + afterMs;
      }
    }
    let outcome = visit.outcome(last, first !== 'allow');
    // The till will not sell what was refused, or held and not released: the colleague records the refusal.
    if (outcome && SALES.has(outcome) && (last === 'refuse' || (review !== undefined && review !== 'released'))) outcome = 'refused';
    if (outcome) {
      setClock(outcomeAt);
      const recorded = await post(`/v1/checks/${checkId}/outcome`, { outcome, ...(visit.policeReference ? { policeReference: visit.policeReference } : {}) });
      if (recorded.status >= 300) return failed('outcome', recorded);
    }
    return { visit, first, last };
  }
}
