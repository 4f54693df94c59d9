import type { App } from '../../src/http/app.js';
import { CLOSING_HOUR, HOUR, MINUTE, OPENING_HOUR, ordinaryVisit, SCAMS, STORES, type Visit } from './shopping.js';
import type { Random } from './random.js';
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

/**
 * Plays each visit through the service's HTTP routes as a till would: the basket, the customer's
 * answers if the till prompts, then the outcome; `setClock` puts the service's clock at each moment.
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
  const results: Played[] = [];
  for (const visit of visits) {
    setClock(visit.at + 1_500);
    const decided = await post('/v1/checks', visit.check);
    let played: Played;
    if (decided.status >= 300) {
      played = { visit, problem: `${visit.check.transactionId}: ${decided.status} ${decided.json.detail ?? ''}` };
    } else {
      const first: string = decided.json.action;
      let last = first;
      if (first !== 'allow' && visit.answers) {
        setClock(visit.at + 45_000);
        const answered = await post(`/v1/checks/${decided.json.checkId}/answers`, { answers: visit.answers });
        if (answered.status < 300) last = answered.json.action;
      }
      const outcome = visit.outcome(last, first !== 'allow');
      if (outcome) {
        setClock(visit.at + 105_000);
        await post(`/v1/checks/${decided.json.checkId}/outcome`, { outcome, ...(visit.policeReference ? { policeReference: visit.policeReference } : {}) });
      }
      played = { visit, first, last };
    }
    results.push(played);
    onPlayed(played);
  }
  return results;
}
