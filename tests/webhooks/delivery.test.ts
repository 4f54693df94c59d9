import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aCheck, STORE, type TestAppOptions, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { startReceiver } from './receiver.js';

const HOUR = 3_600_000;
const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];
let customers = 0;
/** Held: £300 of Apple cards for a customer over 80, who has a loyalty card and pays by card (a new customer each time). */
const heldBasket = () => {
  customers += 1;
  return aCheck({ lines: appleCards(3), customer: { ageBand: '80_plus', loyaltyId: `63400400012${customers}`, paymentToken: `tok_8f14e45fceea${customers}` } });
};

async function setUp(options: TestAppOptions = {}) {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  const app = await testApp({ clock: () => now, webhooksAllowHttp: true, ...options });
  const receiver = await startReceiver();
  const till = await app.makeKey('till', [STORE]);
  const supervisor = await app.makeKey('supervisor', [STORE]);

  async function subscribe(events: string[], url = receiver.url()) {
    const response = await app.call('POST', '/v1/webhooks', { key: app.adminKey, body: { url, events } });
    expect(response.status).toBe(201);
    receiver.useSecret(response.json.secret);
    return response.json;
  }
  async function hold() {
    const response = await app.call('POST', '/v1/checks', { key: till, body: heldBasket() });
    expect(response.json.action).toBe('hold');
    return response.json;
  }
  const deliveries = async (webhookId: string) => (await app.call('GET', `/v1/webhooks/${webhookId}/deliveries`, { key: app.adminKey })).json.deliveries;
  return {
    ...app,
    receiver,
    till,
    supervisor,
    subscribe,
    hold,
    deliveries,
    deliver: () => app.services.webhooks.worker.deliverDue(),
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

describe('webhook endpoints', () => {
  it('show the signing secret once, and only to an admin', async () => {
    const { call, adminKey, makeKey, receiver } = await setUp();
    const created = await call('POST', '/v1/webhooks', { key: adminKey, body: { url: receiver.url(), events: ['check.held'], description: 'LP desk' } });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.json).toMatchObject({ url: receiver.url(), events: ['check.held'], description: 'LP desk', deletedAt: null });
    const listed = await call('GET', '/v1/webhooks', { key: adminKey });
    expect(listed.json.webhooks).toEqual([{ ...created.json, secret: undefined }].map(({ secret: _secret, ...rest }) => rest));
    expect(listed.text).not.toContain(created.json.secret);
    const audit = await call('GET', '/v1/audit?limit=1', { key: adminKey });
    expect(audit.json.entries[0]).toMatchObject({ action: 'webhook.created', subject: created.json.id });
    expect(audit.text).not.toContain(created.json.secret);
    const analyst = await makeKey('analyst');
    expect((await call('GET', '/v1/webhooks', { key: analyst })).json.code).toBe('forbidden');
  });

  it('take https:// URLs, and http:// only to this machine when the service allows it', async () => {
    // A public address for the name; nothing is sent to it.
    const webhookResolve = async (hostname: string) => (hostname === 'lp.example.com' ? ['93.184.215.14'] : ['127.0.0.1']);
    const strict = await setUp({ webhooksAllowHttp: false, webhookResolve });
    const body = (url: string) => ({ url, events: ['check.held'] });
    expect((await strict.call('POST', '/v1/webhooks', { key: strict.adminKey, body: body('https://lp.example.com/hooks') })).status).toBe(201);
    const plain = await strict.call('POST', '/v1/webhooks', { key: strict.adminKey, body: body(strict.receiver.url()) });
    expect(plain.status).toBe(400);
    expect(plain.json).toMatchObject({ field: 'url', detail: expect.stringContaining('VOUCHSAFE_WEBHOOKS_ALLOW_HTTP=1') });

    const relaxed = await setUp({ webhookResolve });
    expect((await relaxed.call('POST', '/v1/webhooks', { key: relaxed.adminKey, body: body('http://localhost:9/hooks') })).status).toBe(201);
    const remote = await relaxed.call('POST', '/v1/webhooks', { key: relaxed.adminKey, body: body('http://lp.example.com/hooks') });
    expect(remote.json).toMatchObject({ field: 'url', detail: expect.stringContaining('only for this machine') });
    const ftp = await relaxed.call('POST', '/v1/webhooks', { key: relaxed.adminKey, body: body('ftp://lp.example.com/hooks') });
    expect(ftp.json.field).toBe('url');
    const unknown = await relaxed.call('POST', '/v1/webhooks', { key: relaxed.adminKey, body: { url: 'https://lp.example.com', events: ['check.sold'] } });
    expect(unknown.json.field).toBe('events[0]');
  });

  it('stop at once when deleted: what was waiting is cancelled', async () => {
    const { subscribe, hold, call, adminKey, deliver, deliveries, receiver } = await setUp();
    const webhook = await subscribe(['check.held']);
    await hold();
    const deleted = await call('DELETE', `/v1/webhooks/${webhook.id}`, { key: adminKey });
    expect(deleted.status).toBe(200);
    expect(deleted.json.deletedAt).not.toBeNull();
    expect(await deliver()).toBe(0);
    expect(receiver.received).toEqual([]);
    expect((await call('GET', '/v1/webhooks', { key: adminKey })).json.webhooks).toEqual([]);
    expect((await call('DELETE', `/v1/webhooks/${webhook.id}`, { key: adminKey })).status).toBe(404);
    expect((await deliveries(webhook.id)) ?? []).toEqual([]);
  });
});

describe('events', () => {
  it('tell a receiver of a hold, its release and the outcome, each verified with a Standard Webhooks library', async () => {
    const { subscribe, hold, call, supervisor, till, deliver, receiver, deliveries } = await setUp();
    const webhook = await subscribe(['check.held', 'review.closed', 'outcome.recorded']);
    const held = await hold();
    await call('POST', `/v1/checks/${held.checkId}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042', reason: 'Known to the store' } });
    await call('POST', `/v1/checks/${held.checkId}/outcome`, { key: till, body: { outcome: 'proceeded_after_warning', note: 'Mrs Smith, 12 High St' } });
    expect(await deliver()).toBe(3);

    expect(receiver.received.map((r) => r.refused)).toEqual([undefined, undefined, undefined]);
    const events = receiver.received.map((r) => r.event!);
    expect(events.map((e) => e.type).sort()).toEqual(['check.held', 'outcome.recorded', 'review.closed']);
    const byType = Object.fromEntries(events.map((e) => [e.type, e.data]));
    const subject = { checkId: held.checkId, storeId: STORE, tillId: 'T04', transactionId: held.transactionId, currency: 'GBP', storedValue: 30000 };
    expect(byType['check.held']).toMatchObject({ ...subject, action: 'hold', deadline: held.review.deadline, ruleSetVersion: held.ruleSetVersion });
    expect(byType['check.held']!.ruleIds).toEqual(held.reasons.map((r: { ruleId: string }) => r.ruleId));
    expect(byType['review.closed']).toMatchObject({ ...subject, status: 'released', closedBy: 'supervisor', supervisorRef: 'S0042' });
    expect(byType['outcome.recorded']).toMatchObject({ ...subject, outcome: 'proceeded_after_warning', review: 'released' });
    for (const { body } of receiver.received) {
      expect(body).not.toContain('63400400012');
      expect(body).not.toContain('tok_8f14e45fceea');
      expect(body).not.toContain('High St');
      expect(body).not.toContain('Known to the store');
    }

    const listed = await deliveries(webhook.id);
    expect(listed).toHaveLength(3);
    expect(listed.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(new Set(listed.map((d: { eventId: string }) => d.eventId))).toEqual(new Set(receiver.received.map((r) => r.id)));
    expect(listed[0].attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 204, error: null })]);
  });

  it('send only what each webhook asked for', async () => {
    const { subscribe, hold, call, till, deliver, receiver } = await setUp();
    await subscribe(['check.refused']);
    await hold();
    const refused = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: appleCards(1), signals: { askedAboutCodes: true } }) });
    await call('POST', `/v1/checks/${refused.json.checkId}/answers`, { key: till, body: { answers: { codesRequested: 'yes' } } });
    await deliver();
    expect(receiver.received.map((r) => r.event!.type)).toEqual(['check.refused']);
    expect(receiver.received[0]!.event!.data).toMatchObject({ checkId: refused.json.checkId, action: 'refuse' });
    expect(receiver.received[0]!.event!.data.ruleIds).toEqual(expect.arrayContaining(['codes-requested', 'asked-about-codes']));
  });

  it('tell of a hold left to expire', async () => {
    const { subscribe, hold, services, deliver, receiver, advance } = await setUp({ holdDeadlineMs: 60_000 });
    await subscribe(['review.closed']);
    const held = await hold();
    advance(60_000);
    await services.reviews.sweep();
    await deliver();
    expect(receiver.received[0]!.event).toMatchObject({
      type: 'review.closed',
      data: { checkId: held.checkId, status: 'expired', closedBy: 'deadline', closedAt: held.review.deadline, supervisorRef: null },
    });
  });

  it('tell of an expiry by themselves in the running service: no request needed', async () => {
    const { subscribe, hold, receiver, advance } = await setUp({ background: true, holdDeadlineMs: 60_000, webhookDelivery: { pollMs: 10 } });
    await subscribe(['review.closed']);
    const held = await hold();
    advance(60_000);
    // The service's own sweeper writes the expiry down and its worker sends it.
    await receiver.waitFor(1);
    expect(receiver.received[0]).toMatchObject({ refused: undefined, event: { type: 'review.closed', data: { checkId: held.checkId, status: 'expired' } } });
  });

  it('tell of a rule set published and a key revoked', async () => {
    const { subscribe, call, adminKey, deliver, receiver, makeKey, services } = await setUp();
    await subscribe(['rule_set.published', 'key.revoked']);
    const previous = services.rules.current.version;
    const source = services.rules.current.source;
    const published = await call('PUT', '/v1/rules', {
      key: adminKey,
      body: { ...source, files: [...source.files, { path: 'extra.yaml', content: 'version: "2026.11.20-1"\n' }] },
    });
    expect(published.status).toBe(200);
    await makeKey('analyst', [STORE]);
    const keyId = (await call('GET', '/v1/keys', { key: adminKey })).json.keys.find((key: { role: string }) => key.role === 'analyst').id;
    await call('DELETE', `/v1/keys/${keyId}`, { key: adminKey });
    await deliver();
    const byType = Object.fromEntries(receiver.received.map((r) => [r.event!.type, r.event!.data]));
    expect(byType['rule_set.published']).toMatchObject({ version: '2026.11.20-1', previousVersion: previous, how: 'published' });
    expect(byType['key.revoked']).toMatchObject({ keyId, role: 'analyst', storeIds: [STORE] });
  });
});

describe('delivery', () => {
  it('keeps trying for more than a day with growing waits, then can be retried by hand with the same webhook-id', async () => {
    const { subscribe, hold, deliver, receiver, deliveries, advance, now, call, adminKey } = await setUp();
    const webhook = await subscribe(['check.held']);
    await hold();
    receiver.answer({ status: 503 });
    let [delivery] = await deliveries(webhook.id);
    const waits: number[] = [];
    while (delivery.status === 'pending') {
      advance(Math.max(0, Date.parse(delivery.nextAttemptAt) - now()));
      expect(await deliver()).toBe(1);
      const previous = delivery;
      [delivery] = await deliveries(webhook.id);
      if (delivery.status === 'pending') waits.push(Date.parse(delivery.nextAttemptAt) - Date.parse(previous.nextAttemptAt));
    }
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toHaveLength(14);
    expect(delivery.attempts.every((a: { statusCode: number; error: string }) => a.statusCode === 503 && a.error === 'answered 503')).toBe(true);
    const span = Date.parse(delivery.attempts.at(-1).at) - Date.parse(delivery.attempts[0].at);
    expect(span).toBeGreaterThan(24 * HOUR);
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
    expect(Math.max(...waits)).toBeLessThanOrEqual(6.6 * HOUR);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([delivery.eventId]));
    expect(await deliver()).toBe(0);
    const metrics = (await call('GET', '/metrics', { key: adminKey })).text;
    expect(metrics).toContain('vouchsafe_webhook_attempts_total{result="retrying"} 13');
    expect(metrics).toContain('vouchsafe_webhook_attempts_total{result="failed"} 1');

    receiver.answer({ status: 200 });
    const retried = await call('POST', `/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/retry`, { key: adminKey });
    expect(retried.status).toBe(202);
    expect(retried.json).toMatchObject({ status: 'pending', nextAttemptAt: new Date(now()).toISOString() });
    expect(await deliver()).toBe(1);
    [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ status: 'delivered', deliveredAt: new Date(now()).toISOString() });
    expect(receiver.received.at(-1)).toMatchObject({ id: delivery.eventId, refused: undefined });
    // Delivered, but the receiver lost it: sent once more, under the same webhook-id.
    const sent = receiver.received.length;
    advance(60_000);
    expect((await call('POST', `/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/retry`, { key: adminKey })).status).toBe(202);
    expect(await deliver()).toBe(1);
    [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ status: 'delivered', deliveredAt: new Date(now()).toISOString() });
    expect(receiver.received.slice(sent).map((r) => r.id)).toEqual([delivery.eventId]);
    expect((await call('POST', `/v1/webhooks/${webhook.id}/deliveries/dlv_00000000000000000000000000/retry`, { key: adminKey })).status).toBe(404);
  });

  it('survives a receiver that is down and a restart in between: nothing lost, nothing sent under another webhook-id', async () => {
    const first = await setUp();
    const webhook = await first.subscribe(['check.held', 'review.closed']);
    await first.receiver.down();
    const one = await first.hold();
    const two = await first.hold();
    await first.call('POST', `/v1/checks/${one.checkId}/review`, { key: first.supervisor, body: { decision: 'refuse', supervisorRef: 'S0042' } });
    expect(await first.deliver()).toBe(3);
    const before = await first.deliveries(webhook.id);
    expect(before.map((d: { status: string }) => d.status)).toEqual(['pending', 'pending', 'pending']);
    expect(before[0].attempts[0]).toMatchObject({ statusCode: null, error: 'failed' });
    await first.services.close();

    // The service starts again on the same database, with its own clock, while the receiver is still down.
    let now = first.now() + 60_000;
    const second = await testApp({ databasePath: first.databasePath, clock: () => now, webhooksAllowHttp: true });
    const deliverAgain = () => second.services.webhooks.worker.deliverDue();
    expect(await deliverAgain()).toBe(3);
    await first.receiver.up();
    now += 5 * 60_000;
    expect(await deliverAgain()).toBe(3);
    expect(await deliverAgain()).toBe(0);

    const after = (await second.call('GET', `/v1/webhooks/${webhook.id}/deliveries`, { key: first.adminKey })).json.deliveries;
    expect(after.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(after.map((d: { attempts: unknown[] }) => d.attempts.length)).toEqual([3, 3, 3]);
    const received = first.receiver.received;
    expect(received.map((r) => r.refused)).toEqual([undefined, undefined, undefined]);
    expect(received.map((r) => r.id).sort()).toEqual(before.map((d: { eventId: string }) => d.eventId).sort());
    expect(received.map((r) => r.event!.type).sort()).toEqual(['check.held', 'check.held', 'review.closed']);
    expect(received.map((r) => r.event!.data.checkId).sort()).toEqual([one.checkId, one.checkId, two.checkId].sort());
  });

  it('sends the backlog at once when a receiver answers again, without waiting out its back-off', async () => {
    const { subscribe, hold, deliver, receiver, deliveries, advance } = await setUp();
    const webhook = await subscribe(['check.held']);
    receiver.answer({ status: 500 });
    await hold();
    await deliver();
    advance(10_000);
    await hold();
    receiver.answer({ status: 204 });
    // The second answered 204; the first, due again only 30 s or so after it failed, is brought forward and goes next.
    expect(await deliver()).toBe(2);
    expect((await deliveries(webhook.id)).map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
    expect(receiver.received.map((r) => r.event!.type)).toEqual(['check.held', 'check.held', 'check.held']);
  });

  it('follows no redirect', async () => {
    const { subscribe, hold, deliver, receiver, deliveries } = await setUp();
    const webhook = await subscribe(['check.held']);
    receiver.answer({ status: 307, headers: { location: receiver.url('/elsewhere') } });
    await hold();
    await deliver();
    const [delivery] = await deliveries(webhook.id);
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 307, error: `redirected to ${receiver.url('/elsewhere')}: redirects are not followed` });
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks']);
  });

  it('gives up an attempt the receiver does not answer in time', async () => {
    const { subscribe, hold, deliver, receiver, deliveries } = await setUp({ webhookDelivery: { timeoutMs: 200 } });
    const webhook = await subscribe(['check.held']);
    receiver.answer('hang');
    await hold();
    await deliver();
    const [delivery] = await deliveries(webhook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: [expect.objectContaining({ statusCode: null, error: 'failed' })] });
  });

  it('never keeps a till waiting: a check is answered while a receiver still holds a delivery', async () => {
    const { subscribe, hold, receiver, deliveries, till, call } = await setUp({ background: true, webhookDelivery: { pollMs: 10 } });
    const webhook = await subscribe(['check.held']);
    receiver.answer('hang');
    await hold();
    await receiver.waitFor(1);
    const answered = await call('POST', '/v1/checks', { key: till, body: heldBasket() });
    expect(answered.status).toBe(201);
    // The first delivery is still waiting for the receiver: no attempt of it is recorded yet.
    expect((await deliveries(webhook.id)).map((d: { attempts: unknown[] }) => d.attempts)).toEqual([[], []]);
    receiver.answer({ status: 204 });
    receiver.release();
    await receiver.waitFor(2);
    expect(receiver.received.map((r) => r.refused)).toEqual([undefined, undefined]);
  });

  it('refuses to send over http once the service no longer allows it', async () => {
    const first = await setUp();
    const webhook = await first.subscribe(['check.held']);
    await first.services.close();
    const second = await testApp({ databasePath: first.databasePath, clock: first.now });
    await second.call('POST', '/v1/checks', { key: first.till, body: heldBasket() });
    await second.services.webhooks.worker.deliverDue();
    const [delivery] = (await second.call('GET', `/v1/webhooks/${webhook.id}/deliveries`, { key: first.adminKey })).json.deliveries;
    expect(delivery.attempts[0]).toMatchObject({ statusCode: null, error: 'refused', durationMs: 0 });
    expect(first.receiver.received).toEqual([]);
  });
});

describe('the request behind an event', () => {
  it('goes with every delivery of it as X-Request-Id, and on the log lines of its attempts', async () => {
    const { call, till, subscribe, deliver, receiver, logLines } = await setUp({ trustProxy: true });
    await subscribe(['check.held']);
    const held = await call('POST', '/v1/checks', { key: till, body: heldBasket(), headers: { 'x-request-id': 'till-T04-sale-9' } });
    expect(held.json.action).toBe('hold');
    receiver.answer({ status: 500 });
    await deliver();
    expect(receiver.received.map((r) => r.requestId)).toEqual(['till-T04-sale-9']);
    const failed = logLines.map((line) => JSON.parse(line)).find((entry) => entry.message === 'webhook delivery failed');
    expect(failed).toMatchObject({ requestId: 'till-T04-sale-9', attempt: 1 });
  });

  it('is not invented for an event no request caused', async () => {
    const { subscribe, hold, deliver, receiver, advance, services } = await setUp({ holdDeadlineMs: 60_000 });
    await hold();
    await subscribe(['review.closed']);
    advance(61_000);
    // The sweeper writes the expired hold down, as the running service does every second.
    await services.reviews.sweep();
    await deliver();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.event?.type).toBe('review.closed');
    expect(receiver.received[0]!.requestId).toBeUndefined();
  });
});
/** One delivery at a time per event, a fair share per receiver, a dead sender's lease given up: on each store. */
function leases(title: string, available: boolean, store: () => Promise<TestAppOptions>) {
  describe.skipIf(!available)(title, () => {
    it('sends each event once while a receiver that answered has more of its backlog in flight', async () => {
      const { subscribe, hold, receiver, deliveries } = await setUp({ ...(await store()), background: true, webhookDelivery: { pollMs: 10 } });
      const webhook = await subscribe(['check.held']);
      receiver.answer('hang');
      await hold();
      await hold();
      await receiver.waitFor(2);
      // The first answers: the endpoint's backlog is brought forward, but the second, in flight, is not sent again.
      receiver.release(204, 1);
      await hold();
      await receiver.waitFor(3);
      receiver.answer({ status: 204 });
      receiver.release();
      await expect.poll(async () => (await deliveries(webhook.id)).map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
      const ids = receiver.received.map((r) => r.id);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
    });

    it('lets no hanging receiver hold up another', async () => {
      const { subscribe, hold, receiver, deliveries } = await setUp({ ...(await store()), background: true, webhookDelivery: { pollMs: 10, concurrency: 4, perEndpoint: 2 } });
      const stuck = await subscribe(['check.held']);
      const healthy = await startReceiver();
      const other = await subscribe(['check.held'], healthy.url());
      healthy.useSecret(other.secret);
      receiver.answer('hang');
      for (let i = 0; i < 6; i++) await hold();
      // All six reach the healthy receiver while the stuck one holds its two; the rest wait for it alone.
      await healthy.waitFor(6);
      expect(healthy.received.map((r) => r.refused)).toEqual(Array(6).fill(undefined));
      expect(receiver.received).toHaveLength(2);
      expect((await deliveries(stuck.id)).filter((d: { attempts: unknown[] }) => d.attempts.length === 0)).toHaveLength(6);
      receiver.answer({ status: 204 });
      receiver.release();
      await receiver.waitFor(6);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(6);
    });

    it('sends what a node that went away had in flight once its lease runs out, and not before', async () => {
      const where = await store();
      const first = await setUp({ ...where, background: true, webhookDelivery: { pollMs: 10, timeoutMs: 5_000 } });
      const webhook = await first.subscribe(['check.held']);
      first.receiver.answer('hang');
      await first.hold();
      await first.receiver.waitFor(1);
      // The node goes away mid-attempt, its request still unanswered: the delivery stays leased to it.
      await first.services.close();
      first.receiver.answer({ status: 204 });

      let now = first.now();
      const second = await testApp({ ...where, databasePath: first.databasePath, clock: () => now, webhooksAllowHttp: true });
      const deliverAgain = () => second.services.webhooks.worker.deliverDue();
      now += 5_000 + 10_000 - 1;
      expect(await deliverAgain()).toBe(0);
      now += 1;
      expect(await deliverAgain()).toBe(1);
      // The first node's request is answered at last: whatever it tries to record is refused.
      first.receiver.release();
      await first.services.webhooks.worker.stop();
      const [delivery] = (await second.call('GET', `/v1/webhooks/${webhook.id}/deliveries`, { key: first.adminKey })).json.deliveries;
      expect(delivery).toMatchObject({ status: 'delivered', attempts: [expect.objectContaining({ attempt: 1, statusCode: 204 })] });
      expect(first.receiver.received.map((r) => r.id)).toEqual([delivery.eventId, delivery.eventId]);
    });
  });
}

leases('delivery under leases (SQLite)', true, async () => ({}));
leases('delivery under leases (PostgreSQL)', postgresAvailable, async () => ({ databasePath: await freshPostgresUrl(), idSecret: randomBytes(32).toString('hex') }));

/** A receiver that stops answering is probed while its deliveries wait out their back-off: on each store. */
function probes(title: string, available: boolean, store: () => Promise<TestAppOptions>) {
  describe.skipIf(!available)(title, () => {
    const SECOND = 1_000;
    const statuses = (listed: { status: string }[]) => listed.map((d) => d.status);

    it('sends the whole backlog within one probe interval of a receiver answering again after an hour, with no new event', async () => {
      // No jitter: the back-off is exactly 30 s, 1 min, 2 min... so the test knows nothing falls due by itself.
      const { subscribe, hold, deliver, receiver, deliveries, advance } = await setUp({ ...(await store()), webhookDelivery: { random: () => 0 } });
      const webhook = await subscribe(['check.held']);
      receiver.answer({ status: 503 });
      for (let minute = 0; minute < 60; minute++) {
        if (minute % 20 === 0) await hold();
        await deliver();
        advance(60 * SECOND);
      }
      expect(statuses(await deliveries(webhook.id))).toEqual(['pending', 'pending', 'pending']);
      // Each delivery's next attempt is minutes away (the soonest at 64 min, the latest at 84): only a probe can bring them now.
      receiver.answer({ status: 204 });
      for (let second = 0; second < 15; second++) {
        advance(SECOND);
        await deliver();
      }
      const after = await deliveries(webhook.id);
      expect(statuses(after)).toEqual(['delivered', 'delivered', 'delivered']);
      for (const delivery of after) expect(delivery.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });
      expect(new Set(receiver.received.filter((r) => r.refused === undefined).map((r) => r.id)).size).toBe(3);
    });

    it('records no attempt for a probe that fails: the delivery keeps its attempts and its next try', async () => {
      const { subscribe, hold, deliver, receiver, deliveries, advance } = await setUp(await store());
      const webhook = await subscribe(['check.held']);
      receiver.answer({ status: 503 });
      await hold();
      await deliver();
      const [before] = await deliveries(webhook.id);
      advance(15 * SECOND);
      await deliver();
      // The receiver heard it again, under the same webhook-id, signed as ever.
      expect(receiver.received.map((r) => [r.id, r.refused])).toEqual([
        [before.eventId, undefined],
        [before.eventId, undefined],
      ]);
      expect(await deliveries(webhook.id)).toEqual([before]);
    });

    it('probes a dead receiver no more often than the interval, and logs no warning for a probe', async () => {
      const { subscribe, hold, deliver, receiver, deliveries, advance, now, logLines } = await setUp({ ...(await store()), webhookDelivery: { random: () => 0 } });
      const webhook = await subscribe(['check.held']);
      receiver.answer({ status: 503 });
      await hold();
      const start = now();
      const sentAt: number[] = [];
      for (let second = 0; second <= 300; second++) {
        await deliver();
        while (sentAt.length < receiver.received.length) sentAt.push((now() - start) / SECOND);
        advance(SECOND);
      }
      // Attempts at 0, 30, 90 and 210 s; between them, and after, a probe every 15 s.
      expect(sentAt).toEqual(Array.from({ length: 21 }, (_, i) => i * 15));
      const [delivery] = await deliveries(webhook.id);
      expect(delivery.attempts.map((a: { at: string }) => (Date.parse(a.at) - start) / SECOND)).toEqual([0, 30, 90, 210]);
      expect(logLines.filter((line) => line.includes('"level":"warn"') && line.includes('webhook'))).toHaveLength(4);
    });

    it('probes in the background too, with no request needed', async () => {
      const { subscribe, hold, receiver, deliveries, advance } = await setUp({ ...(await store()), background: true, webhookDelivery: { pollMs: 10 } });
      const webhook = await subscribe(['check.held']);
      receiver.answer({ status: 503 });
      await hold();
      await expect.poll(async () => (await deliveries(webhook.id))[0].attempts).toHaveLength(1);
      receiver.answer({ status: 204 });
      advance(15 * SECOND);
      await expect.poll(async () => statuses(await deliveries(webhook.id))).toEqual(['delivered']);
      const [delivery] = await deliveries(webhook.id);
      expect(delivery.attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
        [1, 503],
        [2, 204],
      ]);
    });
  });
}

probes('probing a receiver that stopped answering (SQLite)', true, async () => ({}));
probes('probing a receiver that stopped answering (PostgreSQL)', postgresAvailable, async () => ({ databasePath: await freshPostgresUrl(), idSecret: randomBytes(32).toString('hex') }));
