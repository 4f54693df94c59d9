import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { startReceiver } from '../webhooks/receiver.js';

const MINUTE = 60_000;
const SERIAL = '6039531234567890';
const ACTIVATION = 'inc-7f3a9c21e0d84b5a';
const CARDS = [
  { brand: 'Apple', amount: 10000, serial: '6039 5312 3456 7890' },
  { brand: 'Steam', amount: 5000, activationId: ACTIVATION },
];
const report = { reporter: { role: 'family', ref: 'son' }, whatHappened: 'She was told by “HMRC” to buy the cards and read the numbers out.', policeReference: 'NFRC261206000042' };

/**
 * A sale with its cards captured, an admin's receivers for the freeze requests (the processor
 * integration) and for case.opened (loss prevention), each verifying with a Standard Webhooks library.
 */
async function setUp(options: { databasePath?: string; idSecret?: string } = {}) {
  let now = Date.parse('2026-12-05T10:00:00.000Z');
  const app = await testApp({ clock: () => now, webhooksAllowHttp: true, cards: { capture: true, keys: { current: randomBytes(32), retired: [] } }, ...options });
  const till = await app.makeKey('till', [STORE]);
  const otherTill = await app.makeKey('till', [OTHER_STORE]);
  const analyst = await app.makeKey('analyst');
  const processor = await app.makeKey('processor');
  const subscribe = async (events: string[]) => {
    const receiver = await startReceiver();
    const created = await app.call('POST', '/v1/webhooks', { key: app.adminKey, body: { url: receiver.url(), events } });
    expect(created.status).toBe(201);
    receiver.useSecret(created.json.secret);
    return { receiver, webhookId: created.json.id as string };
  };
  const freezeHook = await subscribe(['cards.freeze_requested']);
  const lossPrevention = await subscribe(['case.opened', 'outcome.recorded']);
  const sell = async (cards: unknown = CARDS) => {
    const check = await app.call('POST', '/v1/checks', { key: till, body: aCheck() });
    expect(check.json.action).toBe('allow');
    const outcome = await app.call('POST', `/v1/checks/${check.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded', ...(cards === null ? {} : { cards }) } });
    expect(outcome.status).toBe(201);
    return { checkId: check.json.checkId as string, cards: outcome.json.cards as { cardId: string }[] };
  };
  const results = (caseId: string, body: unknown, key = processor) => app.call('POST', `/v1/cases/${caseId}/freeze-results`, { key, body });
  const deliver = () => app.services.webhooks.worker.deliverDue();
  return { ...app, till, otherTill, analyst, processor, freezeHook, lossPrevention, sell, results, deliver, advance: (ms: number) => (now += ms) };
}

type App = Awaited<ReturnType<typeof setUp>>;

async function reportedADayLater(app: App) {
  const sale = await app.sell();
  app.advance(24 * 60 * MINUTE);
  const reported = await app.call('POST', `/v1/checks/${sale.checkId}/reports`, { key: app.analyst, body: report });
  expect(reported.status).toBe(201);
  await app.deliver();
  await app.freezeHook.receiver.waitFor(1);
  return { ...sale, caseId: reported.json.caseId as string };
}

async function theWholeStory(app: App) {
  const { checkId, caseId, cards } = await reportedADayLater(app);
  // The freeze request reached the processor's receiver, verified, with the cards whole.
  const [request] = app.freezeHook.receiver.received;
  expect(request!.refused).toBeUndefined();
  expect(request!.event).toMatchObject({
    type: 'cards.freeze_requested',
    data: {
      caseId,
      checkId,
      storeId: STORE,
      soldAt: '2026-12-05T10:00:00.000Z',
      requestedAt: '2026-12-06T10:00:00.000Z',
      cards: [
        { cardId: cards[0]!.cardId, brand: 'apple', amount: 10000, serial: SERIAL },
        { cardId: cards[1]!.cardId, brand: 'steam', amount: 5000, activationId: ACTIVATION },
      ],
    },
  });
  const opened = await app.call('GET', `/v1/cases/${caseId}`, { key: app.analyst });
  expect(opened.json).toMatchObject({ status: 'freeze_requested', freezeRequestedAt: '2026-12-06T10:00:00.000Z', valueFrozen: 0 });

  // The processor answers the Apple card: some value held, the rest unanswered.
  const first = await app.results(caseId, { results: [{ cardId: cards[0]!.cardId, result: 'frozen', reference: 'BHN-FRZ-0042' }] });
  expect(first.status).toBe(200);
  expect(first.json).toMatchObject({ status: 'partly_frozen', valueFrozen: 10000, valueLost: null });
  // A retry changes nothing; a different answer for the same card is refused.
  const retry = await app.results(caseId, { results: [{ cardId: cards[0]!.cardId, result: 'frozen', reference: 'BHN-FRZ-0042' }] });
  expect(retry.status).toBe(200);
  expect(retry.json.timeline.length).toBe(first.json.timeline.length);
  const contradicted = await app.results(caseId, { results: [{ cardId: cards[0]!.cardId, result: 'already_redeemed' }] });
  expect(contradicted.status).toBe(409);
  expect(contradicted.json.code).toBe('freeze_result_conflict');

  // The Steam card was drained first.
  const second = await app.results(caseId, { results: [{ cardId: cards[1]!.cardId, result: 'already_redeemed' }] });
  expect(second.json).toMatchObject({ status: 'partly_frozen', valueFrozen: 10000, valueLost: 5000 });
  expect(second.json.timeline.filter((entry: { kind: string }) => entry.kind === 'freeze_result')).toHaveLength(2);

  // The evidence pack shows each card masked, with the processor's answer.
  const pack = await app.call('GET', `/v1/cases/${caseId}/evidence`, { key: app.analyst });
  expect(pack.json.cards).toEqual([
    { brand: 'apple', valueMinor: 10000, currency: 'GBP', serialMasked: '••••••••7890', freezeResult: 'frozen' },
    { brand: 'steam', valueMinor: 5000, currency: 'GBP', serialMasked: 'activation id ••••4b5a', freezeResult: 'already_redeemed' },
  ]);
  expect(pack.text).not.toContain(SERIAL);
  return { checkId, caseId, cards, pack };
}

describe('freeze requests for the cards of a sale seen as a scam', () => {
  it('go signed to the processor’s receiver when the sale is reported a day later, and its answers move the case', async () => {
    const app = await setUp();
    const { caseId } = await theWholeStory(app);

    // Serials went to the freeze receiver only: not to loss prevention's events, not into the outbox as
    // stored (the delivery log shows what was stored), not into the log.
    await app.lossPrevention.receiver.waitFor(2);
    for (const delivered of app.lossPrevention.receiver.received) expect(delivered.body).not.toContain(SERIAL);
    const stored = await app.call('GET', `/v1/webhooks/${app.freezeHook.webhookId}/deliveries`, { key: app.adminKey });
    expect(stored.status).toBe(200);
    expect(stored.text).toContain(caseId);
    expect(stored.text).not.toContain(SERIAL);
    expect(stored.text).not.toContain(ACTIVATION);
    expect(app.logLines.join('\n')).not.toContain(SERIAL);
    await app.services.stopBackground();
    await app.services.close();
    for (const file of [app.databasePath, `${app.databasePath}-wal`]) {
      let bytes: string;
      try {
        bytes = readFileSync(file).toString('latin1');
      } catch {
        continue;
      }
      expect(bytes, file).not.toContain(SERIAL);
      expect(bytes, file).not.toContain(ACTIVATION);
    }
  });

  it('refuse results for a card not in the case, from the wrong key, or beyond the card’s value, and change nothing', async () => {
    const app = await setUp();
    const { caseId, cards } = await reportedADayLater(app);
    const other = await app.sell();
    const before = await app.call('GET', `/v1/cases/${caseId}`, { key: app.analyst });

    const stranger = await app.results(caseId, {
      results: [
        { cardId: cards[0]!.cardId, result: 'frozen' },
        { cardId: other.cards[0]!.cardId, result: 'frozen' },
      ],
    });
    expect(stranger.status).toBe(422);
    expect(stranger.json.code).toBe('card_not_in_case');
    expect(stranger.json.errors).toEqual([expect.objectContaining({ field: 'results[1].cardId', code: 'card_not_in_case' })]);

    const tooMuch = await app.results(caseId, { results: [{ cardId: cards[1]!.cardId, result: 'already_redeemed', amountRedeemed: 4000, amountFrozen: 2000 }] });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.errors).toEqual([expect.objectContaining({ field: 'results[0]' })]);

    const malformed = await app.results(caseId, { results: [{ cardId: cards[0]!.cardId, result: 'melted' }] });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0].field).toBe('results[0].result');

    for (const key of [app.till, app.analyst]) expect((await app.results(caseId, { results: [{ cardId: cards[0]!.cardId, result: 'frozen' }] }, key)).status).toBe(403);

    const after = await app.call('GET', `/v1/cases/${caseId}`, { key: app.analyst });
    expect(after.json).toEqual(before.json);
  });

  it('are not sent for a sale without captured cards, and each case asks once', async () => {
    const app = await setUp();
    const sale = await app.sell(null);
    const reported = await app.call('POST', `/v1/checks/${sale.checkId}/reports`, { key: app.analyst, body: report });
    expect(reported.status).toBe(201);
    const withCards = await reportedADayLater(app);
    // A second report and an escalation on the same case ask nothing more.
    await app.call('POST', `/v1/checks/${withCards.checkId}/reports`, { key: app.analyst, body: report });
    await app.call('POST', `/v1/checks/${withCards.checkId}/escalations`, { key: app.till, body: { step: 'called_card_issuer', by: 'C1234' } });
    await app.deliver();
    expect(app.freezeHook.receiver.received.map((delivered) => delivered.event?.data.checkId)).toEqual([withCards.checkId]);
    const noCards = await app.call('GET', `/v1/cases/${reported.json.caseId}`, { key: app.analyst });
    expect(noCards.json).toMatchObject({ status: 'open', freezeRequestedAt: null });
  });

  it('are flagged on the dashboard when the processor has not answered in time', async () => {
    const app = await setUp();
    const { caseId } = await reportedADayLater(app);
    const signIn = await app.call('POST', '/dashboard/sign-in', {
      body: new URLSearchParams({ key: app.analyst }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const dashboard = async () => (await app.call('GET', '/dashboard', { headers: { cookie } })).text;
    app.advance(10 * MINUTE);
    expect(await dashboard()).not.toContain('data-overdue');
    app.advance(6 * MINUTE);
    const page = await dashboard();
    expect(page).toContain(`data-case="${caseId}"`);
    expect(page).toMatch(/data-overdue="freeze"[^]*no answer from the processor for 16 min/);
  });

  it.skipIf(!postgresAvailable)('work the same on PostgreSQL', async () => {
    const app = await setUp({ databasePath: await freshPostgresUrl(), idSecret: 'freeze-test-secret-0123456789abcdefghij' });
    await theWholeStory(app);
  });
});
