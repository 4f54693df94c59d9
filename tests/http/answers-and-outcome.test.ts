import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];

async function setUp() {
  const app = await testApp();
  const till = await app.makeKey('till', [STORE]);
  const check = async (body: Parameters<typeof aCheck>[0]) => (await app.call('POST', '/v1/checks', { key: till, body: aCheck(body) })).json;
  const answer = (checkId: string, answers: Record<string, string>) =>
    app.call('POST', `/v1/checks/${checkId}/answers`, { key: till, body: { answers } });
  const outcome = (checkId: string, body: Record<string, unknown>) => app.call('POST', `/v1/checks/${checkId}/outcome`, { key: till, body });
  return { ...app, till, check, answer, outcome };
}

describe('POST /v1/checks/{checkId}/answers', () => {
  it('refuses when someone asked for the numbers to be read out, whatever else the customer says', async () => {
    const { check, answer } = await setUp();
    const decided = await check({ lines: appleCards(2), customer: { ageBand: '70_79' } });
    expect(decided.action).toBe('prompt');
    const answered = await answer(decided.checkId, { purpose: 'gift', codesRequested: 'yes' });
    expect(answered.status).toBe(200);
    expect(answered.json).toMatchObject({ checkId: decided.checkId, revision: 2, action: 'refuse' });
    expect(answered.json.prompt.id).toBe('decline');
    expect(answered.json.reasons[0].ruleId).toBe('codes-requested');
  });

  it('does not refuse on "someone asked me" alone', async () => {
    const { check, answer } = await setUp();
    const decided = await check({ lines: appleCards(2), customer: { ageBand: '70_79' } });
    const answered = await answer(decided.checkId, { someoneAskedYouToBuy: 'yes' });
    expect(answered.json.action).toBe('prompt');
    expect(answered.json.prompt.questions.map((q: { id: string }) => q.id)).toEqual(['codesRequested', 'purpose']);
  });

  it('tells a manager buying staff vouchers in person from a "boss" who texted', async () => {
    const { check, answer } = await setUp();
    const staffVouchers = { lines: [{ kind: 'gift_card' as const, brand: 'love2shop', unitAmount: 5000, quantity: 20 }], tender: 'credit' as const, customer: { ageBand: '40_49' as const } };
    const manager = await check(staffVouchers);
    const texted = await check(staffVouchers);
    expect([manager.action, texted.action]).toEqual(['prompt', 'prompt']);

    const work = { someoneAskedYouToBuy: 'yes', purpose: 'work_request', codesRequested: 'no' };
    const managerAsked = await answer(manager.checkId, work);
    expect(managerAsked.json.prompt.id).toBe('work-request');
    expect(managerAsked.json.prompt.questions.map((q: { id: string }) => q.id)).toEqual(['askedHow', 'companyCard']);
    expect((await answer(manager.checkId, { askedHow: 'in_person', companyCard: 'yes' })).json.action).toBe('allow');

    await answer(texted.checkId, work);
    const bossTexted = await answer(texted.checkId, { askedHow: 'message', companyCard: 'no' });
    expect(bossTexted.json).toMatchObject({ action: 'hold', prompt: { id: 'work-request' } });
    expect((await answer(texted.checkId, { codesRequested: 'yes' })).json.action).toBe('refuse');
  });

  it('lets a reassuring answer clear a prompt raised by age and value alone', async () => {
    const { check, answer } = await setUp();
    const decided = await check({ lines: appleCards(2), customer: { ageBand: '70_79' } });
    expect(decided.action).toBe('prompt');
    const answered = await answer(decided.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' });
    expect(answered.json.action).toBe('allow');
  });

  it('does not let a "no" clear strong signs', async () => {
    const { check, answer } = await setUp();
    const decided = await check({ lines: appleCards(3), customer: { ageBand: '40_49' }, signals: { phoneInUse: true } });
    expect(decided.action).toBe('hold');
    const answered = await answer(decided.checkId, { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' });
    expect(answered.json.action).toBe('hold');
  });

  it('keeps earlier answers and drops answered questions from the prompt', async () => {
    const { check, answer, call, till } = await setUp();
    const decided = await check({ lines: appleCards(5), customer: { ageBand: '80_plus' } });
    await answer(decided.checkId, { someoneAskedYouToBuy: 'no' });
    const second = await answer(decided.checkId, { purpose: 'gift' });
    expect(second.json.prompt.questions.map((q: { id: string }) => q.id)).toEqual(['codesRequested']);
    const record = await call('GET', `/v1/checks/${decided.checkId}`, { key: till });
    expect(record.json.answers).toEqual({ someoneAskedYouToBuy: 'no', purpose: 'gift' });
    expect(record.json.evaluations.map((e: { trigger: string }) => e.trigger)).toEqual(['check', 'answers', 'answers']);
  });

  it('treats the same answers again as a retry', async () => {
    const { check, answer, services } = await setUp();
    const decided = await check({ lines: appleCards(2), customer: { ageBand: '70_79' } });
    const first = await answer(decided.checkId, { purpose: 'gift' });
    const again = await answer(decided.checkId, { purpose: 'gift' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    expect(await services.store.checks.evaluations(decided.checkId)).toHaveLength(2);
  });

  it('names the unknown question or the answer that is not allowed', async () => {
    const { check, answer } = await setUp();
    const decided = await check({ lines: appleCards(2) });
    const unknown = await answer(decided.checkId, { somebodyAsked: 'yes' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ code: 'unknown_question', field: 'answers.somebodyAsked' });
    const invalid = await answer(decided.checkId, { someoneAskedYouToBuy: 'maybe' });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: 'invalid_answer', field: 'answers.someoneAskedYouToBuy' });
    expect(invalid.json.detail).toContain('yes, no, unsure');
    const empty = await answer(decided.checkId, {});
    expect(empty.status).toBe(400);
  });

  it('answers 404 for a check that does not exist and 409 once there is an outcome', async () => {
    const { check, answer, outcome } = await setUp();
    expect((await answer('chk_00000000000000000000000000', { purpose: 'gift' })).status).toBe(404);
    const decided = await check({ lines: appleCards(2) });
    await outcome(decided.checkId, { outcome: 'abandoned' });
    const late = await answer(decided.checkId, { purpose: 'gift' });
    expect(late.status).toBe(409);
    expect(late.json.code).toBe('check_closed');
  });
});

describe('POST /v1/checks/{checkId}/outcome', () => {
  it('records the outcome once, and shows it on the check', async () => {
    const { check, outcome, call, till } = await setUp();
    const decided = await check({ lines: appleCards(5), customer: { ageBand: '80_plus' } });
    const body = { outcome: 'scam_confirmed', staffRef: 'C1234', policeReference: 'NFRC171030123456', note: 'Caller claimed to be HMRC.' };
    const recorded = await outcome(decided.checkId, body);
    expect(recorded.status).toBe(201);
    expect(recorded.json).toMatchObject({ checkId: decided.checkId, ...body });
    const retry = await outcome(decided.checkId, body);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toEqual(recorded.json);
    const record = await call('GET', `/v1/checks/${decided.checkId}`, { key: till });
    expect(record.json.outcome).toEqual(recorded.json);
  });

  it('refuses a different outcome for a check that has one', async () => {
    const { check, outcome } = await setUp();
    const decided = await check({});
    await outcome(decided.checkId, { outcome: 'proceeded' });
    const conflicting = await outcome(decided.checkId, { outcome: 'abandoned' });
    expect(conflicting.status).toBe(409);
    expect(conflicting.json.code).toBe('outcome_conflict');
  });

  it('validates the outcome body', async () => {
    const { check, outcome } = await setUp();
    const decided = await check({});
    const bad = await outcome(decided.checkId, { outcome: 'sold' });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('outcome');
    const long = await outcome(decided.checkId, { outcome: 'proceeded', note: 'x'.repeat(501) });
    expect(long.json.field).toBe('note');
    expect((await outcome('chk_00000000000000000000000000', { outcome: 'proceeded' })).status).toBe(404);
  });
});
