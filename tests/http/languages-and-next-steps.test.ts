import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];
/** £300 of Apple cards for a customer in their 70s: a prompt that reassuring answers clear. */
const promptedBasket = (extra: Record<string, unknown> = {}) => aCheck({ lines: appleCards(3), customer: { ageBand: '70_79' }, ...extra });
/** £300 of Apple cards for a customer over 80: held. */
const heldBasket = (extra: Record<string, unknown> = {}) => aCheck({ lines: appleCards(3), customer: { ageBand: '80_plus' }, ...extra });

async function setUp() {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  const app = await testApp({ clock: () => now });
  const till = await app.makeKey('till', [STORE]);
  const check = (body: unknown, headers: Record<string, string> = {}) => app.call('POST', '/v1/checks', { key: till, body, headers });
  const answer = (checkId: string, answers: Record<string, string>) => app.call('POST', `/v1/checks/${checkId}/answers`, { key: till, body: { answers } });
  return { ...app, till, check, answer, advance: (ms: number) => (now += ms) };
}

describe('the language of a check', () => {
  it('is the check’s own locale first, then Accept-Language, then the rule set’s default; the response says which', async () => {
    const { check } = await setUp();
    const cases: Array<[Record<string, unknown>, Record<string, string>, string]> = [
      [{ locale: 'cy' }, { 'accept-language': 'en-US' }, 'cy-GB'],
      [{}, { 'accept-language': 'fr-FR, cy;q=0.8, en;q=0.5' }, 'cy-GB'],
      [{}, { 'accept-language': 'en-US' }, 'en-US'],
      [{}, { 'accept-language': 'de-DE' }, 'en-GB'],
      [{}, {}, 'en-GB'],
    ];
    for (const [extra, headers, locale] of cases) {
      const response = await check(promptedBasket(extra), headers);
      expect(response.status, JSON.stringify([extra, headers])).toBe(201);
      expect(response.headers.get('content-language')).toBe(locale);
      expect(response.json.locale).toBe(locale);
      expect(response.json.prompt.locale).toBe(locale);
    }
  });

  it('stays with the check when the answers come, whatever they carry', async () => {
    const { check, answer } = await setUp();
    const first = await check(promptedBasket(), { 'accept-language': 'cy-GB' });
    expect(first.json.prompt.headline).toBe('Gwiriad cyflym ar gardiau rhodd');
    const next = await answer(first.json.checkId, { codesRequested: 'no' });
    expect(next.headers.get('content-language')).toBe('cy-GB');
    expect(next.json.prompt.questions[0].text).toBe("Ar gyfer beth mae'r cardiau rhodd?");
    expect(next.json.next.say).toBe('Gofynnwch y cwestiwn, yna tapiwch yr ateb.');
  });

  it('refuses a locale that is not a language tag, naming the field', async () => {
    const { check } = await setUp();
    const response = await check(promptedBasket({ locale: 'not a tag!' }));
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toContain('locale');
  });

  it('gives every text a message id a till can translate for itself, the same in every language', async () => {
    const { check } = await setUp();
    const english = (await check(heldBasket())).json;
    const welsh = (await check(heldBasket({ locale: 'cy-GB' }))).json;
    const ids = (decision: any) => [
      ...decision.reasons.map((reason: any) => reason.messageId),
      decision.prompt.messageIds.headline,
      decision.prompt.messageIds.say,
      ...decision.prompt.advice.map((line: any) => line.messageId),
      ...decision.prompt.questions.flatMap((question: any) => [question.messageId, ...question.options.map((option: any) => option.messageId)]),
      decision.next.messageId,
    ];
    expect(ids(welsh)).toEqual(ids(english));
    expect(ids(english)).toContain('question.codesRequested.answer.yes');
    expect(english.reasons[0].message).not.toBe(welsh.reasons[0].message);
  });
});

describe('what to do now', () => {
  it('asks while questions are left, and says the sale may finish once the answers clear it', async () => {
    const { check, answer } = await setUp();
    const first = (await check(promptedBasket())).json;
    expect(first.action).toBe('prompt');
    expect(first.next).toEqual({ step: 'ask', say: 'Ask the question, then tap the answer.', messageId: 'next.ask' });
    expect(first.prompt.questions[0].id).toBe('codesRequested');
    const cleared = (await answer(first.checkId, { codesRequested: 'no', purpose: 'gift', someoneAskedYouToBuy: 'no' })).json;
    expect(cleared.next).toEqual({ step: 'finish_sale', say: 'You can finish the sale.', messageId: 'next.finish_sale' });
  });

  it('says exactly what to say and do on a refusal', async () => {
    const { check, answer } = await setUp();
    const first = (await check(promptedBasket())).json;
    const refused = (await answer(first.checkId, { codesRequested: 'yes' })).json;
    expect(refused.action).toBe('refuse');
    expect(refused.prompt.id).toBe('decline');
    expect(refused.prompt.say).toMatch(/^I'm sorry, I can't sell these today/);
    expect(refused.next).toMatchObject({ step: 'refuse', messageId: 'next.refuse' });
    expect(refused.next.say).toContain('Take the gift cards off the sale');
  });

  it('shows a hold’s review deadline', async () => {
    const { check } = await setUp();
    const held = (await check(heldBasket())).json;
    expect(held.action).toBe('hold');
    expect(held.next).toMatchObject({ step: 'wait_for_supervisor', messageId: 'next.wait_for_supervisor', deadline: held.review.deadline });
  });
});

describe('reasons a colleague reads', () => {
  it('name brands as customers know them, in plain sentences', async () => {
    const { check } = await setUp();
    const decision = (await check(aCheck({ lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 2 }, { kind: 'gift_card', brand: 'Google Play', unitAmount: 5000 }] }))).json;
    const brands = decision.reasons.find((reason: any) => reason.ruleId === 'scam-favoured-brand');
    expect(brands?.message).toBe('The basket has Apple/iTunes and Google Play gift cards, brands scammers often ask for');
  });
});
