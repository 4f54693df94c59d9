import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConflictError, ConnectionError, type Fetch, ValidationError } from '../../sdk/src/index.js';
import { sqliteOutbox } from '../../sdk/src/node.js';
import { faultyNetwork } from './helpers/faults.js';
import { STORE } from './helpers/service.js';
import { markyate, tillWorld } from './helpers/till.js';

const MINUTE = 60_000;
const reassuring = { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' };

describe('a held sale at the till', () => {
  it('shows the deadline, and a supervisor at the till releases it', async () => {
    const { open } = await tillWorld();
    const till = open();
    const decided = await till.check(markyate());
    expect(decided).toMatchObject({ source: 'service', action: 'hold', review: { status: 'open', closedAt: null } });
    expect(Date.parse(decided.review!.deadline) - Date.parse(decided.review!.openedAt)).toBe(5 * MINUTE);

    const released = await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(released).toMatchObject({ source: 'service', prompt: null, review: { status: 'released', closedBy: { kind: 'supervisor', supervisorRef: 'S0042' } } });
    // The same decision again changes nothing.
    expect((await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' })).review).toEqual(released.review);
    expect(await till.outcome(decided.checkId, { outcome: 'proceeded_after_warning' })).toMatchObject({ status: 'recorded' });
  });

  it('learns of a release made on a supervisor’s handheld at its next look, a second later', async () => {
    const { service, network, clock, open } = await tillWorld();
    const supervisor = await service.makeKey('supervisor', [STORE]);
    let looks = 0;
    // The supervisor releases the sale on a handheld just before the till's second look.
    const fetch: Fetch = async (input, init) => {
      if ((init.method ?? 'GET') === 'GET' && /\/v1\/checks\/chk_\w+$/.test(input) && (looks += 1) === 2) {
        const checkId = input.slice(input.lastIndexOf('/') + 1);
        await clock.real(
          globalThis.fetch(`${service.baseUrl}/v1/checks/${checkId}/review`, {
            method: 'POST',
            headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
            body: JSON.stringify({ decision: 'release', supervisorRef: 'S0099' }),
          }),
        );
      }
      return network.fetch(input, init);
    };
    const till = open({ fetch });
    const decided = await till.check(markyate());
    const started = clock.now();
    const state = await till.watchReview(decided.checkId);
    expect(clock.now() - started).toBe(1000);
    expect(state).toMatchObject({ source: 'service', prompt: null, review: { status: 'released', closedBy: { kind: 'supervisor', supervisorRef: 'S0099' } } });
  });

  it('expires on the till at its deadline when nobody decides and the service is away, with the refusal script', async () => {
    const { network, clock, open } = await tillWorld();
    const till = open();
    const decided = await till.check(markyate());
    network.set('down');
    const started = clock.now();
    const state = await till.watchReview(decided.checkId);
    expect(clock.now() - started).toBe(5 * MINUTE);
    expect(state).toMatchObject({
      source: 'till',
      review: { status: 'expired', closedAt: decided.review!.deadline, closedBy: { kind: 'deadline' } },
      prompt: { id: 'decline', headline: 'Do not sell these gift cards' },
    });
    expect(state.cause).toBeInstanceOf(ConnectionError);
    // A sale now contradicts the decision: set aside at once, as the service would refuse it.
    const sold = await till.outcome(decided.checkId, { outcome: 'proceeded_after_warning' });
    expect(sold.status === 'dead_lettered' && sold.error).toBeInstanceOf(ConflictError);
    expect(sold.status === 'dead_lettered' && (sold.error as ConflictError).code).toBe('outcome_conflicts_with_decision');
    expect((await till.outcome(decided.checkId, { outcome: 'refused' })).status).toBe('queued');
  });

  it('finds the hold expired at the service when the supervisor comes too late', async () => {
    // The service reads the wall clock as the till does, so moving it moves both.
    const { open } = await tillWorld({ serviceClock: () => Date.now() });
    const till = open();
    const decided = await till.check(markyate());
    const wall = Date.now.bind(Date);
    const later = vi.spyOn(Date, 'now').mockImplementation(() => wall() + 6 * MINUTE);
    onTestFinished(() => later.mockRestore());
    const late = await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(late).toMatchObject({ source: 'service', review: { status: 'expired' }, prompt: { id: 'decline' } });
    expect(till.deadLetters()[0]?.failure.problem?.code).toBe('review_closed');
  });

  it('needs a reason to release more than the rule set’s line, and never sends a release without one', async () => {
    const { open, network } = await tillWorld();
    const till = open();
    const decided = await till.check(markyate({ lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000, quantity: 8 }] }));
    expect(decided.action).toBe('hold');
    const refused = till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ errors: [{ field: 'reason' }] });
    expect(network.to(/\/review$/)).toEqual([]);
    const released = await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042', reason: 'Club treasurer, known to the store' });
    expect(released.review).toMatchObject({ status: 'released', reason: 'Club treasurer, known to the store' });
  });
});

describe('a sale held while the service is away', () => {
  it('has the same deadline, is not talked down by answers, and a release made at the till reaches the service later', async () => {
    const { service, network, open } = await tillWorld({ fault: 'down' });
    const till = open();
    const decided = await till.check(markyate());
    expect(decided).toMatchObject({ source: 'offline', action: 'hold', review: { status: 'open', openedAt: decided.evaluatedAt } });
    expect(Date.parse(decided.review!.deadline) - Date.parse(decided.review!.openedAt)).toBe(5 * MINUTE);
    const answered = await till.answer(decided.checkId, reassuring);
    expect(answered).toMatchObject({ source: 'offline', action: 'hold', review: { status: 'open' } });

    const released = await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(released).toMatchObject({ source: 'till', prompt: null, review: { status: 'released', closedBy: { kind: 'supervisor', supervisorRef: 'S0042' } } });
    expect(released.cause).toBeInstanceOf(ConnectionError);
    expect((await till.watchReview(decided.checkId)).review.status).toBe('released');
    expect((await till.outcome(decided.checkId, { outcome: 'proceeded_after_warning' })).status).toBe('queued');

    network.set('pass');
    expect(await till.flush()).toEqual({ delivered: 4, deadLettered: 0, pending: 0 });
    const record = await service.record((await service.checkIdOf(STORE, decided.transactionId))!);
    expect(record.review).toMatchObject({
      status: 'released',
      openedAt: decided.evaluatedAt,
      closedAt: released.review.closedAt,
      closedBy: { kind: 'supervisor', supervisorRef: 'S0042' },
    });
    expect(record.decision.action).toBe('hold');
    expect(record.outcome?.outcome).toBe('proceeded_after_warning');
  });

  it('expires at its deadline on the till: a release after it is not taken, and nothing is queued for it', async () => {
    const { clock, open } = await tillWorld({ fault: 'down' });
    const till = open();
    const decided = await till.check(markyate());
    await clock.advance(5 * MINUTE);
    const late = await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect(late).toMatchObject({ source: 'till', review: { status: 'expired' }, prompt: { headline: 'Do not sell these gift cards' } });
    expect(till.pending()).toBe(1);
    // Decided again on the till, the expired hold's next step is the service's: refuse, not wait.
    const answered = await till.answer(decided.checkId, reassuring);
    expect(answered).toMatchObject({ source: 'offline', action: 'hold', review: { status: 'expired' }, next: { step: 'refuse' } });
  });

  it('uses the service’s deadline once the service has held a sale', async () => {
    const { network, open } = await tillWorld({ holdDeadlineMs: 90_000 });
    const till = open();
    const online = await till.check(markyate());
    expect(Date.parse(online.review!.deadline) - Date.parse(online.review!.openedAt)).toBe(90_000);
    network.set('down');
    const offline = await till.check(markyate());
    expect(offline.source).toBe('offline');
    expect(Date.parse(offline.review!.deadline) - Date.parse(offline.review!.openedAt)).toBe(90_000);
  });
});

describe('a release covers only the basket it was made for, on the till as at the service', () => {
  const itunes = (quantity: number) => [{ kind: 'gift_card' as const, description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity }];

  it('offline: a trimmed basket stays released, one that asks for more is held again, and the service agrees', async () => {
    const { service, network, open } = await tillWorld({ fault: 'down' });
    const till = open();
    const basket = markyate();
    const decided = await till.check(basket);
    expect(decided).toMatchObject({ source: 'offline', action: 'hold' });
    await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });

    const trimmed = await till.check({ ...basket, lines: itunes(3) });
    expect(trimmed).toMatchObject({ source: 'offline', review: { status: 'released' } });
    expect(trimmed.next.step).not.toBe('wait_for_supervisor');

    const bigger = await till.check({ ...basket, lines: itunes(8) });
    expect(bigger).toMatchObject({ source: 'offline', action: 'hold', next: { step: 'wait_for_supervisor' }, review: { status: 'open', openedAt: bigger.evaluatedAt } });
    const sold = await till.outcome(decided.checkId, { outcome: 'proceeded_after_warning' });
    expect(sold.status === 'dead_lettered' && (sold.error as ConflictError).code).toBe('outcome_conflicts_with_decision');

    network.set('pass');
    expect(await till.flush()).toEqual({ delivered: 4, deadLettered: 0, pending: 0 });
    const record = await service.record((await service.checkIdOf(STORE, decided.transactionId))!);
    expect(record.decision).toMatchObject({ action: 'hold', next: { step: 'wait_for_supervisor' } });
    expect(record.review).toMatchObject({ status: 'open', openedAt: bigger.review!.openedAt, deadline: bigger.review!.deadline });
  });

  it('still holds the bigger basket after the till restarts with it in the outbox', async () => {
    const { clock, open } = await tillWorld();
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-till-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const outbox = join(dir, 'outbox.db');
    // Neither till reaches the service: what the second knows, it knows from the outbox alone.
    const before = open({ outbox: sqliteOutbox(outbox), fetch: faultyNetwork(clock, 'down').fetch });
    const basket = markyate();
    const decided = await before.check(basket);
    await before.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
    expect((await before.check({ ...basket, lines: itunes(8) })).review).toMatchObject({ status: 'open' });

    const after = open({ outbox: sqliteOutbox(outbox), fetch: faultyNetwork(clock, 'down').fetch });
    const sold = await after.outcome(decided.checkId, { outcome: 'proceeded_after_warning' });
    expect(sold.status === 'dead_lettered' && (sold.error as ConflictError).code).toBe('outcome_conflicts_with_decision');
  });

  it('a release made online does not cover a bigger basket decided offline after it', async () => {
    const { network, open } = await tillWorld();
    const till = open();
    const basket = markyate();
    const decided = await till.check(basket);
    expect(decided).toMatchObject({ source: 'service', action: 'hold' });
    expect((await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' })).review.status).toBe('released');

    network.set('down');
    const bigger = await till.check({ ...basket, lines: itunes(8) });
    expect(bigger).toMatchObject({ source: 'offline', action: 'hold', review: { status: 'open' } });
    const sold = await till.outcome(decided.checkId, { outcome: 'proceeded_after_warning' });
    expect(sold.status).toBe('dead_lettered');
  });
});
