import { describe, expect, it } from 'vitest';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

const MINUTE = 60_000;
const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];
/** £300 of Apple cards for a customer over 80: held on score alone, and under the £500 reason line. */
const heldBasket = () => aCheck({ lines: appleCards(3), customer: { ageBand: '80_plus' } });
/** £300 of Apple cards for a customer in their 70s: a prompt that reassuring answers clear. */
const promptedBasket = () => aCheck({ lines: appleCards(3), customer: { ageBand: '70_79' } });
/** £800 for a customer over 80: held, and above the line. */
const largeHeldBasket = () => aCheck({ lines: appleCards(8), customer: { ageBand: '80_plus' } });
const reassuring = { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' };

async function setUp(options: { holdDeadlineMs?: number } = {}) {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  const app = await testApp({ clock: () => now, ...options });
  const till = await app.makeKey('till', [STORE]);
  const supervisor = await app.makeKey('supervisor', [STORE]);
  const check = async (body = heldBasket()) => {
    const response = await app.call('POST', '/v1/checks', { key: till, body });
    expect(response.status).toBe(201);
    return response.json;
  };
  const review = (checkId: string, body: Record<string, unknown>, key = supervisor) => app.call('POST', `/v1/checks/${checkId}/review`, { key, body });
  const outcome = (checkId: string, body: Record<string, unknown>) => app.call('POST', `/v1/checks/${checkId}/outcome`, { key: till, body });
  const read = async (checkId: string) => (await app.call('GET', `/v1/checks/${checkId}`, { key: till })).json;
  return {
    ...app,
    till,
    supervisor,
    check,
    review,
    outcome,
    read,
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

describe('a hold opens a review', () => {
  it('with a deadline five minutes on, shown on the decision and on the check', async () => {
    const { check, read, now } = await setUp();
    const decided = await check();
    expect(decided.action).toBe('hold');
    const expected = {
      status: 'open',
      openedAt: new Date(now()).toISOString(),
      deadline: new Date(now() + 5 * MINUTE).toISOString(),
      closedAt: null,
      closedBy: null,
      reason: null,
    };
    expect(decided.review).toEqual(expected);
    expect((await read(decided.checkId)).review).toEqual(expected);
  });

  it('and only a hold does: other decisions have no review', async () => {
    const { check, read } = await setUp();
    const allowed = await check(aCheck());
    expect(allowed.action).toBe('allow');
    expect(allowed.review).toBeUndefined();
    expect((await read(allowed.checkId)).review).toBeNull();
  });

  it('takes its deadline from VOUCHSAFE_HOLD_DEADLINE', async () => {
    const { check, now } = await setUp({ holdDeadlineMs: 90_000 });
    expect((await check()).review.deadline).toBe(new Date(now() + 90_000).toISOString());
  });
});

describe('POST /v1/checks/{checkId}/review', () => {
  it('lets a supervisor of the store release a hold, once, and audits it', async () => {
    const { check, review, read, call, adminKey, now } = await setUp();
    const decided = await check();
    const released = await review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(released.status).toBe(200);
    expect(released.json).toMatchObject({
      checkId: decided.checkId,
      storeId: STORE,
      storedValue: 30000,
      currency: 'GBP',
      status: 'released',
      closedAt: new Date(now()).toISOString(),
      closedBy: { kind: 'supervisor', supervisorRef: 'S0042' },
      reason: null,
    });
    expect(released.json.reasons.map((r: { ruleId: string }) => r.ruleId)).toContain('older-customer-80-plus');

    const again = await review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(released.json);

    const changed = await review(decided.checkId, { decision: 'refuse', supervisorRef: 'S0042' });
    expect(changed.status).toBe(409);
    expect(changed.json).toMatchObject({ code: 'review_closed', review: { status: 'released' } });

    const record = await read(decided.checkId);
    expect(record.review.status).toBe('released');
    expect(record.decision.review.status).toBe('released');
    const audit = await call('GET', '/v1/audit?limit=5', { key: adminKey });
    expect(audit.json.entries[0]).toMatchObject({ action: 'review.released', subject: decided.checkId, detail: { supervisorRef: 'S0042', closedBy: 'supervisor' } });
  });

  it('lets the till of that store decide too (the supervisor at the till), and nobody else', async () => {
    const { check, review, till, makeKey } = await setUp();
    const decided = await check();
    const otherSupervisor = await makeKey('supervisor', [OTHER_STORE]);
    const otherTill = await makeKey('till', [OTHER_STORE]);
    const analyst = await makeKey('analyst');
    // Another store's keys are told of no such check, as for every check route: ids cannot be probed.
    expect((await review(decided.checkId, { decision: 'refuse' }, otherSupervisor)).json.code).toBe('not_found');
    expect((await review(decided.checkId, { decision: 'refuse' }, otherTill)).json.code).toBe('not_found');
    expect((await review(decided.checkId, { decision: 'refuse' }, analyst)).json.code).toBe('forbidden');
    const refused = await review(decided.checkId, { decision: 'refuse', supervisorRef: 'S0007', reason: 'Customer on the phone to "HMRC"' }, till);
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ status: 'refused', closedBy: { kind: 'supervisor', supervisorRef: 'S0007' }, reason: 'Customer on the phone to "HMRC"' });
  });

  it('needs the supervisor’s reference to release, and a reason above the value line', async () => {
    const { check, review } = await setUp();
    const small = await check();
    const noRef = await review(small.checkId, { decision: 'release' });
    expect(noRef.status).toBe(400);
    expect(noRef.json).toMatchObject({ code: 'validation_failed', field: 'supervisorRef' });

    const large = await check(largeHeldBasket());
    expect(large.action).toBe('hold');
    const noReason = await review(large.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(noReason.status).toBe(400);
    expect(noReason.json).toMatchObject({ code: 'validation_failed', field: 'reason' });
    expect(noReason.json.detail).toContain('£800.00');
    expect(noReason.json.detail).toContain('£500.00');
    const withReason = await review(large.checkId, { decision: 'release', supervisorRef: 'S0042', reason: 'Youth club prizes; treasurer known to the store' });
    expect(withReason.json.status).toBe('released');

    // Refusing never needs a reference or a reason: it is the safe side.
    const another = await check(largeHeldBasket());
    expect((await review(another.checkId, { decision: 'refuse' })).json.status).toBe('refused');
  });

  it('answers 409 not_held for a check that was never held, and 404 for one that does not exist', async () => {
    const { check, review } = await setUp();
    const allowed = await check(aCheck());
    const response = await review(allowed.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(response.status).toBe(409);
    expect(response.json.code).toBe('not_held');
    expect((await review('chk_00000000000000000000000000', { decision: 'refuse' })).status).toBe(404);
  });

  it('validates the body', async () => {
    const { check, review } = await setUp();
    const decided = await check();
    const bad = await review(decided.checkId, { decision: 'approve', supervisorRef: 'S0042' });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('decision');
    const extra = await review(decided.checkId, { decision: 'refuse', supervisorName: 'Jo' });
    expect(extra.json.field).toBe('supervisorName');
  });
});

describe('the deadline', () => {
  it('expires a hold nobody decided, which counts as refused, without any background job', async () => {
    const { check, review, read, outcome, advance, now, call, supervisor } = await setUp();
    const decided = await check();
    const deadline = now() + 5 * MINUTE;
    advance(5 * MINUTE);
    expect((await read(decided.checkId)).review).toMatchObject({
      status: 'expired',
      closedAt: new Date(deadline).toISOString(),
      closedBy: { kind: 'deadline', supervisorRef: null, keyId: null },
    });
    const open = await call('GET', `/v1/reviews?storeId=${STORE}`, { key: supervisor });
    expect(open.json.reviews).toEqual([]);
    const expired = await call('GET', `/v1/reviews?status=expired&storeId=${STORE}`, { key: supervisor });
    expect(expired.json.reviews.map((r: { checkId: string }) => r.checkId)).toEqual([decided.checkId]);

    const late = await review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ code: 'review_closed', review: { status: 'expired' } });

    const sold = await outcome(decided.checkId, { outcome: 'proceeded_after_warning' });
    expect(sold.status).toBe(409);
    expect(sold.json.code).toBe('outcome_conflicts_with_decision');
    expect((await outcome(decided.checkId, { outcome: 'refused' })).status).toBe(201);
  });

  it('is written down by the sweeper, audited as the system', async () => {
    const { check, services, advance, call, adminKey } = await setUp();
    const decided = await check();
    advance(5 * MINUTE - 1);
    expect(await services.reviews.sweep()).toBe(0);
    advance(1);
    expect(await services.reviews.sweep()).toBe(1);
    expect(await services.reviews.sweep()).toBe(0);
    const audit = await call('GET', '/v1/audit?limit=1', { key: adminKey });
    expect(audit.json.entries[0]).toMatchObject({ actor: 'system', action: 'review.expired', subject: decided.checkId });
  });

  it('lets a decision made before the deadline stand when the till’s outbox brings it later, even after the sweeper', async () => {
    const { check, review, services, advance, now, till } = await setUp();
    const first = await check();
    const second = await check();
    const decidedAt = new Date(now() + 4 * MINUTE).toISOString();
    advance(20 * MINUTE);
    await services.reviews.sweep();
    const replayed = await review(first.checkId, { decision: 'release', supervisorRef: 'S0042', decidedAt }, till);
    expect(replayed.status).toBe(200);
    expect(replayed.json).toMatchObject({ status: 'released', closedAt: decidedAt });

    const tooLate = await review(second.checkId, { decision: 'release', supervisorRef: 'S0042', decidedAt: new Date(now() - 14 * MINUTE).toISOString() }, till);
    expect(tooLate.status).toBe(409);
    expect(tooLate.json.review.status).toBe('expired');

    const future = await review(second.checkId, { decision: 'refuse', decidedAt: new Date(now() + 10 * MINUTE).toISOString() }, till);
    expect(future.status).toBe(400);
    expect(future.json.field).toBe('decidedAt');
  });

  it('believes a back-dated decision only within bounds: not before the hold, only from a till, only for a day', async () => {
    const { check, review, outcome, advance, now, till } = await setUp();
    const opened = now();
    const inTime = new Date(opened + 2 * MINUTE).toISOString();
    const [longAgo, fromHandheld, dayLate, skewed] = [await check(), await check(), await check(), await check()];

    // Long before the hold opened: no clock is that wrong, whoever sends it.
    const ancient = await review(longAgo.checkId, { decision: 'release', supervisorRef: 'S0042', decidedAt: '2000-01-01T00:00:00.000Z' }, till);
    expect(ancient.status).toBe(400);
    expect(ancient.json.errors).toEqual([expect.objectContaining({ field: 'decidedAt', code: 'too_small' })]);

    // A till's clock a minute behind the service's: the decision is taken as made when the hold opened.
    const behind = await review(skewed.checkId, { decision: 'release', supervisorRef: 'S0042', decidedAt: new Date(opened - MINUTE).toISOString() }, till);
    expect(behind.json).toMatchObject({ status: 'released', closedAt: new Date(opened).toISOString() });

    advance(10 * MINUTE);
    // A handheld decides live: after the deadline, its claim to have decided in time is not believed.
    const late = await review(fromHandheld.checkId, { decision: 'release', supervisorRef: 'S0042', decidedAt: inTime });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ code: 'review_closed', review: { status: 'expired' } });
    expect((await outcome(fromHandheld.checkId, { outcome: 'proceeded' })).status).toBe(409);

    // A till's outbox a day after the deadline: too long after for the claim to be believed.
    advance(24 * 60 * MINUTE);
    const stale = await review(dayLate.checkId, { decision: 'release', supervisorRef: 'S0042', decidedAt: inTime }, till);
    expect(stale.status).toBe(409);
    expect(stale.json.review.status).toBe('expired');
    expect((await outcome(dayLate.checkId, { outcome: 'proceeded' })).status).toBe(409);
    expect((await outcome(longAgo.checkId, { outcome: 'proceeded' })).status).toBe(409);
  });

  it('believes a late decision from a till token only for its own till: a token is the till that holds the check', async () => {
    const { check, review, call, advance, now, till } = await setUp();
    const opened = now();
    const [mine, another] = [await check(), await check()];
    advance(10 * MINUTE);
    const mint = async (tillId: string) => (await call('POST', '/v1/till-tokens', { key: till, body: { storeId: STORE, tillId } })).json.token as string;
    const body = { decision: 'release', supervisorRef: 'S0042', decidedAt: new Date(opened + 2 * MINUTE).toISOString() };
    expect((await review(another.checkId, body, await mint('T09'))).json.code).toBe('not_found');
    const replayed = await review(mine.checkId, body, await mint('T04'));
    expect(replayed.status).toBe(200);
    expect(replayed.json).toMatchObject({ status: 'released', closedAt: body.decidedAt });
  });
});

describe('answers and a hold', () => {
  it('cannot talk a hold down: only a release does', async () => {
    const { check, call, till, review } = await setUp();
    const decided = await check();
    const answered = await call('POST', `/v1/checks/${decided.checkId}/answers`, { key: till, body: { answers: reassuring } });
    expect(answered.status).toBe(200);
    expect(answered.json).toMatchObject({ action: 'hold', review: { status: 'open' } });
    expect(answered.json.reasons.map((r: { ruleId: string }) => r.ruleId)).toContain('answers-raise-no-concern');
    await review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    // After the release the answers count again: the reassuring ones lower it to the script alone.
    const later = await call('POST', `/v1/checks/${decided.checkId}/answers`, { key: till, body: { answers: { purpose: 'own_use' } } });
    expect(later.json).toMatchObject({ action: 'prompt', review: { status: 'released' } });
  });

  it('can still raise a hold to a refusal, which closes the review', async () => {
    const { check, call, till, read, review } = await setUp();
    const decided = await check();
    const answered = await call('POST', `/v1/checks/${decided.checkId}/answers`, { key: till, body: { answers: { codesRequested: 'yes' } } });
    expect(answered.json).toMatchObject({ action: 'refuse', review: { status: 'refused', closedBy: { kind: 'decision', supervisorRef: null } } });
    expect((await read(decided.checkId)).review.status).toBe('refused');
    expect((await review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' })).json.code).toBe('review_closed');
  });

  it('still lowers a prompt', async () => {
    const { check, call, till } = await setUp();
    const decided = await check(promptedBasket());
    expect(decided.action).toBe('prompt');
    const answered = await call('POST', `/v1/checks/${decided.checkId}/answers`, { key: till, body: { answers: reassuring } });
    expect(answered.json.action).toBe('allow');
    expect(answered.json.review).toBeUndefined();
  });

  it('is not talked down by trimming the basket either', async () => {
    const { check, call, till } = await setUp();
    const body = heldBasket();
    const decided = await check(body);
    const trimmed = await call('POST', '/v1/checks', { key: till, body: { ...body, lines: appleCards(1) } });
    expect(trimmed.json).toMatchObject({ checkId: decided.checkId, revision: 2, action: 'hold', review: { status: 'open' } });
  });
});

describe('outcomes must agree with the decision', () => {
  it('follows the table: no sale after a refusal or an unreleased hold', async () => {
    const { check, outcome, review, call, till } = await setUp();

    const refused = await check(aCheck({ lines: appleCards(1) }));
    await call('POST', `/v1/checks/${refused.checkId}/answers`, { key: till, body: { answers: { codesRequested: 'yes' } } });
    const soldAfterRefuse = await outcome(refused.checkId, { outcome: 'proceeded' });
    expect(soldAfterRefuse.status).toBe(409);
    expect(soldAfterRefuse.json).toMatchObject({
      code: 'outcome_conflicts_with_decision',
      action: 'refuse',
      allowedOutcomes: ['abandoned', 'scam_confirmed', 'refused'],
    });

    const open = await check();
    const soldWhileOpen = await outcome(open.checkId, { outcome: 'proceeded' });
    expect(soldWhileOpen.status).toBe(409);
    expect(soldWhileOpen.json.review.status).toBe('open');

    const released = await check();
    await review(released.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect((await outcome(released.checkId, { outcome: 'proceeded_after_warning' })).status).toBe(201);

    const prompted = await check(promptedBasket());
    expect(prompted.action).toBe('prompt');
    expect((await outcome(prompted.checkId, { outcome: 'proceeded' })).status).toBe(201);
  });

  it('closes an open hold when the sale does not go ahead', async () => {
    const { check, outcome, read, call, supervisor } = await setUp();
    const decided = await check();
    expect((await outcome(decided.checkId, { outcome: 'abandoned' })).status).toBe(201);
    expect((await read(decided.checkId)).review).toMatchObject({ status: 'refused', closedBy: { kind: 'outcome' }, reason: 'Outcome recorded: abandoned' });
    expect((await call('GET', '/v1/reviews', { key: supervisor })).json.reviews).toEqual([]);
  });
});

describe('GET /v1/reviews', () => {
  it('lists a store’s open holds oldest first, for its supervisors, analysts and admins only', async () => {
    const { check, call, supervisor, till, makeKey, advance, adminKey, now } = await setUp();
    const first = await check();
    advance(MINUTE);
    const second = await check(largeHeldBasket());
    advance(MINUTE);
    await check(aCheck());

    const listed = await call('GET', `/v1/reviews?status=open&storeId=${STORE}`, { key: supervisor });
    expect(listed.status).toBe(200);
    expect(listed.json.asOf).toBe(new Date(now()).toISOString());
    expect(listed.json.reviews.map((r: { checkId: string }) => r.checkId)).toEqual([first.checkId, second.checkId]);
    expect(listed.json.reviews[1]).toMatchObject({ storeId: STORE, tillId: 'T04', storedValue: 80000, status: 'open', deadline: second.review.deadline });

    const analyst = await makeKey('analyst');
    expect((await call('GET', '/v1/reviews', { key: analyst })).json.reviews).toHaveLength(2);
    expect((await call('GET', '/v1/reviews', { key: adminKey })).json.reviews).toHaveLength(2);
    expect((await call('GET', `/v1/reviews?storeId=${OTHER_STORE}`, { key: supervisor })).json.code).toBe('store_forbidden');
    expect((await call('GET', '/v1/reviews', { key: till })).json.code).toBe('forbidden');
    expect((await call('GET', '/v1/reviews?status=pending', { key: supervisor })).json.field).toBe('query.status');
  });
});

describe('supervisor keys', () => {
  it('must name their stores, and may read their stores’ checks but not send them', async () => {
    const { call, adminKey, supervisor, check } = await setUp();
    const unbound = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'supervisor', name: 'Handheld' } });
    expect(unbound.status).toBe(400);
    expect(unbound.json.field).toBe('storeIds');
    const decided = await check();
    expect((await call('GET', `/v1/checks/${decided.checkId}`, { key: supervisor })).status).toBe(200);
    expect((await call('POST', '/v1/checks', { key: supervisor, body: heldBasket() })).json.code).toBe('forbidden');
  });
});
