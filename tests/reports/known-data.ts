import type { CheckInput } from '../../src/contract/check.js';
import { aCheck, testApp } from '../helpers/app.js';

/**
 * A small, known set of checks over three days in two stores, plus one the day before, sent through the
 * API, so report figures can be checked against sums worked out by hand (see the comments). The store
 * keeps UTC days here, so the edges below are plain midnights; tests/reports/store-days.test.ts has
 * the days of a store in London and elsewhere.
 */
export const NOW = Date.parse('2017-10-31T18:00:00Z');
export const STORE_A = 'herts-stevenage-012';
export const STORE_B = 'herts-buntingford-003';
export const STORE_C = 'herts-hitchin-004';
export const PERIOD = 'from=2017-10-29&to=2017-10-31';

const markyate = {
  lines: [{ kind: 'gift_card' as const, description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  customer: { ageBand: '80_plus' as const },
};
const present = { lines: [{ kind: 'gift_card' as const, brand: 'amazon', unitAmount: 2000, quantity: 1 }] };
const appleForA70s = { lines: [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 15000, quantity: 1 }], customer: { ageBand: '70_79' as const } };
const buntingford = { lines: [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 50000, quantity: 10 }], customer: { ageBand: '50_59' as const } };

export async function knownData() {
  const app = await testApp({ clock: () => NOW, timeZone: 'UTC' });
  const till = await app.makeKey('till', [STORE_A, STORE_B, STORE_C]);
  const analyst = await app.makeKey('analyst');
  const send = async (at: string, body: Partial<CheckInput>) => {
    const response = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ occurredAt: at, ...body }) });
    if (response.status >= 300 || !response.json?.checkId) throw new Error(`${response.status} ${response.text}`);
    return response.json as { checkId: string; action: string };
  };
  const outcome = async (checkId: string, body: Record<string, unknown>) => {
    const response = await app.call('POST', `/v1/checks/${checkId}/outcome`, { key: till, body });
    if (response.status !== 201) throw new Error(response.text);
  };
  const answer = async (checkId: string, answers: Record<string, string>) =>
    (await app.call('POST', `/v1/checks/${checkId}/answers`, { key: till, body: { answers } })).json as { action: string };

  const actions: string[] = [];
  // 0. The day before the period: never counted.
  const before = await send('2017-10-28T23:59:59.999Z', { storeId: STORE_A, ...markyate });
  await outcome(before.checkId, { outcome: 'scam_confirmed' });

  // 1. A, 29th: Markyate, £500, held; a confirmed scam. Warned, a stop, £500 protected.
  const one = await send('2017-10-29T00:00:00.000Z', { storeId: STORE_A, ...markyate });
  actions.push(one.action);
  await outcome(one.checkId, { outcome: 'scam_confirmed', policeReference: 'NFRC171029000001' });
  // 2. A, 29th: a £20 present, allowed, sold.
  const two = await send('2017-10-29T14:00:00.000Z', { storeId: STORE_A, ...present });
  actions.push(two.action);
  await outcome(two.checkId, { outcome: 'proceeded' });
  // 3. A, 30th: £150 of Apple for someone in their 70s, prompted; reassuring answers allow it; sold.
  //    Warned (the colleague asked), latest decision allow, warned then sold.
  const three = await send('2017-10-30T10:00:00.000Z', { storeId: STORE_A, ...appleForA70s });
  actions.push(three.action);
  actions.push((await answer(three.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' })).action);
  await outcome(three.checkId, { outcome: 'proceeded_after_warning' });
  // 4. B, 30th: Buntingford, £5,000, held; the customer walked away. A stop, £5,000 protected.
  const four = await send('2017-10-30T16:30:00.000Z', { storeId: STORE_B, ...buntingford });
  actions.push(four.action);
  await outcome(four.checkId, { outcome: 'abandoned' });
  // 5. B, 31st, self-checkout: a £20 present Vouchsafe allowed, refused by the colleague anyway.
  //    £20 protected (refused counts warned or not), not a stop (Vouchsafe did not warn).
  const five = await send('2017-10-31T09:00:00.000Z', { storeId: STORE_B, lane: 'self_checkout', ...present });
  actions.push(five.action);
  await outcome(five.checkId, { outcome: 'refused' });
  // 6. B, 31st: £150 of Apple for someone in their 70s, prompted, no outcome yet.
  const six = await send('2017-10-31T11:00:00.000Z', { storeId: STORE_B, ...appleForA70s });
  actions.push(six.action);
  // 7. A, 31st: a £20 present, allowed; the basket then changes to Markyate's and is held; walked away.
  //    Counted once, as it ended: held, £500, a stop.
  const seven = aCheck({ storeId: STORE_A, occurredAt: '2017-10-31T12:00:00.000Z', ...present });
  const first = await app.call('POST', '/v1/checks', { key: till, body: seven });
  actions.push(first.json.action);
  const changed = await app.call('POST', '/v1/checks', { key: till, body: { ...seven, ...markyate } });
  actions.push(changed.json.action);
  await outcome(changed.json.checkId, { outcome: 'abandoned' });

  return { ...app, till, analyst, actions, ids: { before, one, two, three, four, five, six, seven: changed.json } };
}

/** What the decisions above must be for the hand-worked sums to hold. */
export const EXPECTED_ACTIONS = ['hold', 'allow', 'prompt', 'allow', 'hold', 'allow', 'prompt', 'allow', 'hold'];
