import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

const HOUR = 60 * 60_000;
const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];

async function setUp() {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  const app = await testApp({ clock: () => now });
  const till = await app.makeKey('till', [STORE]);
  const post = (path: string, body: unknown, idempotencyKey?: string, key = till) =>
    app.call('POST', path, { key, body, ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}) });
  return { ...app, till, post, advance: (ms: number) => (now += ms) };
}

describe('Idempotency-Key', () => {
  it('replays the response first given to the same key and body, status, headers and all', async () => {
    const { post } = await setUp();
    const body = aCheck();
    const first = await post('/v1/checks', body, 'k-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const again = await post('/v1/checks', body, 'k-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.headers.get('Location')).toBe(first.headers.get('Location'));
    expect(again.json).toEqual(first.json);
  });

  it('refuses the same key with a different body as idempotency_key_reused, on each call that writes', async () => {
    const { post } = await setUp();
    const first = await post('/v1/checks', aCheck({ lines: appleCards(2), customer: { ageBand: '70_79' } }), 'k-check');
    const reused = await post('/v1/checks', aCheck(), 'k-check');
    expect(reused.status).toBe(409);
    expect(reused.json.code).toBe('idempotency_key_reused');

    const checkId = first.json.checkId;
    expect((await post(`/v1/checks/${checkId}/answers`, { answers: { purpose: 'gift' } }, 'k-answers')).status).toBe(200);
    const otherAnswers = await post(`/v1/checks/${checkId}/answers`, { answers: { purpose: 'bill_or_fine' } }, 'k-answers');
    expect(otherAnswers.json.code).toBe('idempotency_key_reused');

    expect((await post(`/v1/checks/${checkId}/outcome`, { outcome: 'abandoned' }, 'k-outcome')).status).toBe(201);
    const replayed = await post(`/v1/checks/${checkId}/outcome`, { outcome: 'abandoned' }, 'k-outcome');
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    const otherOutcome = await post(`/v1/checks/${checkId}/outcome`, { outcome: 'proceeded' }, 'k-outcome');
    expect(otherOutcome.status).toBe(409);
    expect(otherOutcome.json.code).toBe('idempotency_key_reused');
  });

  it('replays the stored response even after the check has moved on', async () => {
    const { post } = await setUp();
    const decided = await post('/v1/checks', aCheck({ lines: appleCards(2), customer: { ageBand: '70_79' } }));
    const path = `/v1/checks/${decided.json.checkId}/answers`;
    const first = await post(path, { answers: { purpose: 'gift' } }, 'k-a');
    await post(path, { answers: { someoneAskedYouToBuy: 'yes' } }, 'k-b');
    const replayed = await post(path, { answers: { purpose: 'gift' } }, 'k-a');
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replayed.json).toEqual(first.json);
  });

  it('keeps keys apart per API key', async () => {
    const { post, makeKey } = await setUp();
    const otherTill = await makeKey('till', [STORE]);
    expect((await post('/v1/checks', aCheck(), 'shared')).status).toBe(201);
    const other = await post('/v1/checks', aCheck(), 'shared', otherTill);
    expect(other.status).toBe(201);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('does not remember a request refused as malformed: the corrected retry runs', async () => {
    const { post } = await setUp();
    const malformed = await post('/v1/checks', { ...aCheck(), lines: [] }, 'k-fix');
    expect(malformed.status).toBe(400);
    expect((await post('/v1/checks', aCheck(), 'k-fix')).status).toBe(201);
  });

  it('does not remember a refusal about how things stood: a retry after the hold is released records the sale', async () => {
    const { post, makeKey } = await setUp();
    const supervisor = await makeKey('supervisor', [STORE]);
    const held = await post('/v1/checks', aCheck({ lines: appleCards(3), customer: { ageBand: '80_plus' } }));
    expect(held.json.action).toBe('hold');
    const path = `/v1/checks/${held.json.checkId}/outcome`;
    const early = await post(path, { outcome: 'proceeded' }, 'k-sale');
    expect(early.status).toBe(409);
    expect(early.json.code).toBe('outcome_conflicts_with_decision');
    // The same 409 again while nothing has changed, answered afresh.
    expect((await post(path, { outcome: 'proceeded' }, 'k-sale')).headers.get('Idempotent-Replayed')).toBeNull();

    const released = await post(`/v1/checks/${held.json.checkId}/review`, { decision: 'release', supervisorRef: 'S0042' }, 'k-release', supervisor);
    expect(released.status).toBe(200);
    const retried = await post(path, { outcome: 'proceeded' }, 'k-sale');
    expect(retried.status).toBe(201);
    expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
    // The success is what the key now stands for.
    const again = await post(path, { outcome: 'proceeded' }, 'k-sale');
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
  });

  it('keeps a key for 24 hours, then lets it go', async () => {
    const { post, advance } = await setUp();
    const body = aCheck();
    await post('/v1/checks', body, 'k-day');
    advance(23 * HOUR);
    expect((await post('/v1/checks', aCheck(), 'k-day')).json.code).toBe('idempotency_key_reused');
    advance(2 * HOUR);
    // A later request with a key of its own clears out what has aged past a day.
    await post('/v1/checks', aCheck(), 'k-later');
    expect((await post('/v1/checks', aCheck(), 'k-day')).status).toBe(201);
  });

  it('refuses a key longer than 255 characters, naming the header', async () => {
    const { post } = await setUp();
    const response = await post('/v1/checks', aCheck(), 'k'.repeat(256));
    expect(response.status).toBe(400);
    expect(response.json.field).toBe('Idempotency-Key');
  });
});
