import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConflictError, type TillClientOptions, UnknownCheckError } from '../../sdk/src/index.js';
import { sqliteOutbox } from '../../sdk/src/node.js';
import { faultyNetwork } from './helpers/faults.js';
import { STORE } from './helpers/service.js';
import { markyate as basket, tillWorld } from './helpers/till.js';

async function setUp(options: Partial<TillClientOptions> = {}) {
  const world = await tillWorld();
  const open = (more: Partial<TillClientOptions> = {}) => world.open({ tillId: 'T07', timeoutMs: 100, ...options, ...more });
  return { ...world, till: open(), open };
}

function tempOutbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-till-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'outbox.db');
}

describe('the outbox', () => {
  it('delivers checks, answers and outcomes recorded offline, in order, once each, when the service is back', async () => {
    const { service, network, till } = await setUp();
    network.set('down');
    const sales = [];
    for (const outcome of ['scam_confirmed', 'abandoned', 'proceeded_after_warning'] as const) {
      const sale = basket();
      const decided = await till.check(sale);
      const answered = await till.answer(decided.checkId, { purpose: outcome === 'scam_confirmed' ? 'bill_or_fine' : 'gift' });
      // The sale that goes ahead was held: the supervisor comes to the till and releases it.
      if (outcome === 'proceeded_after_warning') {
        expect(answered.review?.status).toBe('open');
        expect((await till.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' })).review.status).toBe('released');
      }
      const receipt = await till.outcome(decided.checkId, { outcome, staffRef: 'C1234' });
      expect(decided.source).toBe('offline');
      expect(answered.source).toBe('offline');
      expect(receipt.status).toBe('queued');
      sales.push({ sale, decided, outcome });
    }
    expect(till.pending()).toBe(10);
    expect(await service.outcomesRecorded()).toBe(0);

    network.set('pass');
    expect(await till.flush()).toEqual({ delivered: 10, deadLettered: 0, pending: 0 });
    const delivered = network.log.filter((exchange) => exchange.fault === 'pass' && exchange.method === 'POST').map((exchange) => exchange.path.replace(/chk_\w+/, 'chk'));
    const sent = ['/v1/checks', '/v1/checks/chk/answers', '/v1/checks/chk/outcome'];
    expect(delivered).toEqual([...sent, ...sent, '/v1/checks', '/v1/checks/chk/answers', '/v1/checks/chk/review', '/v1/checks/chk/outcome']);

    for (const { sale, decided, outcome } of sales) {
      const checkId = (await service.checkIdOf(STORE, sale.transactionId))!;
      const record = await service.record(checkId);
      expect(record.outcome?.outcome).toBe(outcome);
      expect(record.offlineDecision).toEqual({ action: decided.action, ruleSetVersion: decided.ruleSetVersion, decidedAt: decided.evaluatedAt });
      // Replayed with the till's time, so it lands in the customer's history when it happened.
      expect(Math.abs(Date.parse(record.occurredAt) - Date.parse(decided.evaluatedAt))).toBeLessThan(1000);
      expect(Date.parse(record.receivedAt)).toBeGreaterThan(Date.parse(record.occurredAt));
    }
    expect(await service.outcomesRecorded()).toBe(3);
    expect(await till.flush()).toEqual({ delivered: 0, deadLettered: 0, pending: 0 });
  });

  it('sends again, with the same transaction, what reached the service but whose answer was lost — and it counts once', async () => {
    const { service, network, till } = await setUp();
    network.set('down');
    const sale = basket({ customer: { ageBand: '80_plus', loyaltyId: '634004000123456' } });
    const decided = await till.check(sale);
    await till.outcome(decided.checkId, { outcome: 'refused' });

    network.set('pass');
    network.next('lost');
    expect(await till.flush()).toMatchObject({ delivered: 0, pending: 2 });
    network.next('pass', 'lost');
    expect(await till.flush()).toMatchObject({ delivered: 1, pending: 1 });
    expect(await till.flush()).toMatchObject({ delivered: 1, pending: 0 });

    const reached = (path: string | RegExp) => network.to(path).filter((exchange) => exchange.fault !== 'down');
    expect(reached('/v1/checks').map((exchange) => exchange.fault)).toEqual(['lost', 'pass']);
    expect(reached(/\/outcome$/).map((exchange) => exchange.fault)).toEqual(['lost', 'pass']);
    expect(new Set(reached('/v1/checks').map((exchange) => JSON.stringify(exchange.body))).size).toBe(1);
    const checkId = (await service.checkIdOf(STORE, sale.transactionId))!;
    const record = await service.record(checkId);
    expect(record.evaluations).toHaveLength(1);
    expect(record.outcome?.outcome).toBe('refused');
    expect(await service.outcomesRecorded()).toBe(1);
  });

  it('dead-letters a refusal with its problem, and goes on delivering what follows', async () => {
    const { service, network, till } = await setUp();
    // A £20 present, allowed: only the service knows its outcome is already recorded.
    const present = { lines: [{ kind: 'gift_card' as const, brand: 'amazon', unitAmount: 2000, quantity: 1 }], customer: { ageBand: '30_39' as const } };
    const decided = await till.check(basket(present));
    expect(decided.action).toBe('allow');
    expect((await till.outcome(decided.checkId, { outcome: 'abandoned' })).status).toBe('recorded');

    network.set('down');
    const conflicting = await till.outcome(decided.checkId, { outcome: 'proceeded' });
    const other = await till.check(basket());
    await till.outcome(other.checkId, { outcome: 'abandoned' });
    expect(conflicting.status).toBe('queued');

    network.set('pass');
    expect(await till.flush()).toEqual({ delivered: 2, deadLettered: 1, pending: 0 });
    const [letter] = till.deadLetters();
    expect(letter?.error).toBeInstanceOf(ConflictError);
    expect(letter?.failure.problem?.code).toBe('outcome_conflict');
    expect(letter?.entry).toMatchObject({ kind: 'outcome', checkRef: decided.checkId, body: { outcome: 'proceeded' } });
    expect((await service.record((await service.checkIdOf(STORE, other.transactionId))!)).outcome?.outcome).toBe('abandoned');
    expect((await service.record(decided.checkId)).outcome?.outcome).toBe('abandoned');
  });

  it('tells the caller at once when the service refuses an outcome it could deliver', async () => {
    const onDeadLetter = vi.fn();
    const { till } = await setUp({ onDeadLetter });
    const decided = await till.check(basket());
    expect(await till.outcome(decided.checkId, { outcome: 'refused' })).toMatchObject({ status: 'recorded', record: { outcome: 'refused' } });
    expect(await till.outcome(decided.checkId, { outcome: 'refused' })).toMatchObject({ status: 'recorded' });
    const conflict = await till.outcome(decided.checkId, { outcome: 'proceeded' });
    expect(conflict.status === 'dead_lettered' && conflict.error).toBeInstanceOf(ConflictError);
    expect(onDeadLetter).toHaveBeenCalledOnce();
  });

  it('resolves a local id to the service’s once the check is delivered, for answers and outcomes before and after', async () => {
    const { service, network, till } = await setUp();
    network.set('down');
    const decided = await till.check(basket());
    expect(decided.checkId).toMatch(/^local_/);
    network.set('pass');
    await till.flush();
    const checkId = (await service.checkIdOf(STORE, decided.transactionId))!;

    const answered = await till.answer(decided.checkId, { purpose: 'bill_or_fine' });
    expect(answered).toMatchObject({ source: 'service', checkId, action: 'refuse' });
    expect(await till.outcome(decided.checkId, { outcome: 'scam_confirmed' })).toMatchObject({ status: 'recorded', record: { checkId } });
    await expect(till.outcome('local_01m888psdy7yqz3cp2mv2b0bjm', { outcome: 'proceeded' })).rejects.toBeInstanceOf(UnknownCheckError);
  });

  it('never lets a new request for a check overtake what is queued for it', async () => {
    const { service, network, till } = await setUp();
    const sale = basket();
    network.set('down');
    await till.check(sale);
    // The basket changes while the service is away; then the service is back.
    const changed = { ...sale, lines: [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 10 }] };
    network.set('pass');
    const decided = await till.check(changed);
    expect(decided).toMatchObject({ source: 'service', revision: 2 });
    const record = await service.record(decided.checkId);
    expect(record.totals.storedValue).toBe(100000);
    expect(record.evaluations.map((evaluation) => evaluation.trigger)).toEqual(['check', 'basket_changed']);
  });

  it('delivers by itself: on the next request that succeeds, and on a timer with backoff', async () => {
    const { service, network, clock, till } = await setUp();
    network.set('down');
    const first = await till.check(basket());
    await till.outcome(first.checkId, { outcome: 'abandoned' });
    network.set('pass');
    await till.check(basket());
    // At once, not after the outbox's back-off: the successful check set it going.
    await clock.advance(0);
    expect(till.pending()).toBe(0);

    network.set('down');
    const second = await till.check(basket());
    await till.outcome(second.checkId, { outcome: 'abandoned' });
    network.set('pass');
    // Left alone, it tries again after its first back-off: 500 ms (1 s, less the pinned jitter), not before.
    await clock.advance(499);
    expect(till.pending()).toBe(2);
    await clock.advance(1);
    expect(till.pending()).toBe(0);
    expect(await service.outcomesRecorded()).toBe(2);
  });

  it('keeps queued outcomes across a till restart, and delivers each exactly once', async () => {
    const { service, network, clock, open } = await setUp();
    const path = tempOutbox();
    // This till's network stays down: it must never deliver what the next one will.
    const before = open({ outbox: sqliteOutbox(path), fetch: faultyNetwork(clock, 'down').fetch });
    const sales = [];
    for (let i = 0; i < 3; i++) {
      const decided = await before.check(basket());
      await before.answer(decided.checkId, { purpose: 'gift' });
      await before.review(decided.checkId, { decision: 'release', supervisorRef: 'S0042' });
      await before.outcome(decided.checkId, { outcome: 'proceeded_after_warning' });
      sales.push(decided);
    }
    // The till is switched off: no close(), no flush. The outbox file is all that is left.
    const after = open({ outbox: sqliteOutbox(path) });
    // It delivers on start, by itself, without waiting.
    const outcomesSent = () => network.to(/\/outcome$/).filter((exchange) => exchange.fault === 'pass');
    await clock.advance(0);
    expect(outcomesSent()).toHaveLength(3);
    expect(await after.flush()).toEqual({ delivered: 0, deadLettered: 0, pending: 0 });
    expect(outcomesSent()).toHaveLength(3);
    for (const decided of sales) {
      const record = await service.record((await service.checkIdOf(STORE, decided.transactionId))!);
      expect(record.outcome?.outcome).toBe('proceeded_after_warning');
      expect(record.answers).toEqual({ purpose: 'gift' });
      expect(record.review).toMatchObject({ status: 'released', closedBy: { kind: 'supervisor', supervisorRef: 'S0042' } });
    }
    // An outcome for a check decided before the restart, by its local id.
    expect(await after.outcome(sales[0]!.checkId, { outcome: 'proceeded_after_warning' })).toMatchObject({ status: 'recorded' });
    expect(await service.outcomesRecorded()).toBe(3);
  });
});
