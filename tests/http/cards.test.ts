import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { purgeExpiredCardSecrets } from '../../src/checks/cards.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { startReceiver } from '../webhooks/receiver.js';

const DAY = 24 * 60 * 60_000;
const SERIAL = '6039531234567890';
const ACTIVATION = 'inc-7f3a9c21e0d84b5a';
const cardKey = () => ({ current: randomBytes(32), retired: [] });

async function sold(options: { capture?: boolean; clock?: () => number; webhooksAllowHttp?: boolean; postgres?: boolean } = {}) {
  const app = await testApp({
    cards: { capture: options.capture ?? true, keys: cardKey() },
    ...(options.postgres ? { databasePath: await freshPostgresUrl(), idSecret: 'cards-test-secret-0123456789abcdefghij' } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.webhooksAllowHttp ? { webhooksAllowHttp: true } : {}),
  });
  const till = await app.makeKey('till', [STORE]);
  const check = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ occurredAt: '2017-10-30T11:59:00.000Z' }) });
  expect(check.json.action).toBe('allow');
  const checkId: string = check.json.checkId;
  const outcome = (body: unknown, headers: Record<string, string> = {}) =>
    app.call('POST', `/v1/checks/${checkId}/outcome`, { key: till, body, headers });
  return { ...app, till, checkId, outcome };
}

const CARDS = [
  { brand: 'Apple', amount: 10000, serial: '6039 5312 3456 7890' },
  { brand: 'Steam', amount: 5000, activationId: ACTIVATION },
];

describe('the cards sold in an outcome', () => {
  it('are recorded with a stable id, shown whole to admin and processor keys and masked to every other key', async () => {
    const app = await sold();
    const recorded = await app.outcome({ outcome: 'proceeded', cards: CARDS });
    expect(recorded.status).toBe(201);
    expect(recorded.json.cards).toEqual([
      { cardId: expect.stringMatching(/^card_/), brand: 'apple', amount: 10000, serialLast4: '7890', purged: false },
      { cardId: expect.stringMatching(/^card_/), brand: 'steam', amount: 5000, activationIdLast4: '4b5a', purged: false },
    ]);
    const processor = await app.makeKey('processor');
    const whole = await app.call('GET', `/v1/checks/${app.checkId}`, { key: processor });
    expect(whole.status).toBe(200);
    expect(whole.json.outcome.cards).toEqual([
      { ...recorded.json.cards[0], serial: SERIAL },
      { ...recorded.json.cards[1], activationId: ACTIVATION },
    ]);
    const admin = await app.call('GET', `/v1/checks/${app.checkId}`, { key: app.adminKey });
    expect(admin.json.outcome.cards).toEqual(whole.json.outcome.cards);
    for (const role of ['supervisor', 'analyst'] as const) {
      const key = await app.makeKey(role, [STORE]);
      const read = await app.call('GET', `/v1/checks/${app.checkId}`, { key });
      expect(read.json.outcome.cards, role).toEqual(recorded.json.cards);
    }
    const tillRead = await app.call('GET', `/v1/checks/${app.checkId}`, { key: app.till });
    expect(tillRead.json.outcome.cards).toEqual(recorded.json.cards);
    // The processor/admin path the freeze requests will use: the serials, decrypted, per card.
    const principal = (await app.services.keys.resolve(processor))!;
    expect((await app.services.checks.cards(principal, app.checkId)).map((card) => card.serial ?? card.activationId)).toEqual([SERIAL, ACTIVATION]);
  });

  it('a retry with the same cards is the same outcome; different cards are a conflict', async () => {
    const app = await sold();
    expect((await app.outcome({ outcome: 'proceeded', cards: CARDS })).status).toBe(201);
    const retry = await app.outcome({ outcome: 'proceeded', cards: CARDS });
    expect(retry.status).toBe(200);
    expect(retry.json.cards).toHaveLength(2);
    const other = await app.outcome({ outcome: 'proceeded', cards: [{ ...CARDS[0], serial: '6039531234561111' }, CARDS[1]] });
    expect(other.status).toBe(409);
    expect(other.json.code).toBe('outcome_conflict');
  });

  it.each([
    ['a PIN in the serial', { brand: 'apple', amount: 100, serial: '1234' }, 'cards[0].serial', 'looks_like_pin'],
    ['an Apple-style code in the serial', { brand: 'apple', amount: 100, serial: 'X4RT9QWE7YHN2K3M' }, 'cards[0].serial', 'looks_like_redemption_code'],
    ['a Steam-style code as activation id', { brand: 'steam', amount: 100, activationId: 'AB12C-3DE45-F6G7H' }, 'cards[0].activationId', 'looks_like_redemption_code'],
    ['a grouped code as activation id', { brand: 'amazon', amount: 100, activationId: 'AQ9X 7HJK 2LMN 4PQR' }, 'cards[0].activationId', 'looks_like_redemption_code'],
    ['a PIN key', { brand: 'apple', amount: 100, serial: SERIAL, pin: '4321' }, 'cards[0].pin', 'secret_field'],
    ['a redemption_code key', { brand: 'apple', amount: 100, serial: SERIAL, redemption_code: 'X' }, 'cards[0].redemption_code', 'secret_field'],
    ['neither serial nor activation id', { brand: 'apple', amount: 100 }, 'cards[0]', 'card_unidentified'],
    ['a serial too long to be one', { brand: 'apple', amount: 100, serial: '1234567890123456789012' }, 'cards[0].serial', 'invalid_serial'],
  ])('refuses %s with a problem naming the field, and records nothing', async (_name, card, field, code) => {
    const app = await sold();
    const refused = await app.outcome({ outcome: 'proceeded', cards: [card] });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('validation_failed');
    expect(refused.json.errors).toContainEqual(expect.objectContaining({ field, code }));
    // The value is never repeated back.
    for (const value of Object.values(card)) if (typeof value === 'string' && value.length > 3) expect(refused.text).not.toContain(value);
    const check = await app.call('GET', `/v1/checks/${app.checkId}`, { key: app.adminKey });
    expect(check.json.outcome).toBeNull();
  });

  it('refuses cards on an outcome that is not a sale', async () => {
    const app = await sold();
    const refused = await app.outcome({ outcome: 'abandoned', cards: [CARDS[0]] });
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toContainEqual(expect.objectContaining({ field: 'cards', code: 'cards_without_sale' }));
  });

  it('refuses cards with card_capture_off when capture is off, and records nothing', async () => {
    const app = await sold({ capture: false });
    const refused = await app.outcome({ outcome: 'proceeded', cards: CARDS });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('card_capture_off');
    expect(refused.json.field).toBe('cards');
    expect((await app.outcome({ outcome: 'proceeded' })).status).toBe(201);
  });

  it('never leaves a serial in the database file, the CSV export, webhooks, the log or a response kept for Idempotency-Key', async () => {
    const now = Date.parse('2017-10-30T12:00:00.000Z');
    const app = await sold({ clock: () => now, webhooksAllowHttp: true });
    const receiver = await startReceiver();
    const subscribed = await app.call('POST', '/v1/webhooks', { key: app.adminKey, body: { url: receiver.url(), events: ['outcome.recorded'] } });
    expect(subscribed.status).toBe(201);
    const recorded = await app.outcome({ outcome: 'proceeded', cards: CARDS }, { 'Idempotency-Key': 'outcome-with-cards-1' });
    expect(recorded.status).toBe(201);
    const replayed = await app.outcome({ outcome: 'proceeded', cards: CARDS }, { 'Idempotency-Key': 'outcome-with-cards-1' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const analyst = await app.makeKey('analyst');
    const csv = await app.call('GET', '/v1/reports/checks.csv?from=2017-10-29&to=2017-10-31', { key: analyst });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(app.checkId);
    const channels = {
      'outcome response': recorded.text,
      'replayed response': replayed.text,
      'CSV export': csv.text,
      'log': app.logLines.join('\n'),
      'audit log': JSON.stringify((await app.call('GET', '/v1/audit', { key: app.adminKey })).json),
    };
    for (const [channel, text] of Object.entries(channels)) {
      expect(text, channel).not.toContain(SERIAL);
      expect(text, channel).not.toContain(ACTIVATION);
    }
    // Everything at rest: the idempotency table, webhook events and deliveries, evaluations, the audit log.
    await app.services.stopBackground();
    await app.services.close();
    for (const file of [app.databasePath, `${app.databasePath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      expect(bytes.includes(SERIAL), file).toBe(false);
      expect(bytes.includes(ACTIVATION), file).toBe(false);
      expect(bytes.includes('6039 5312'), file).toBe(false);
    }
  });

  it('purges serials and activation ids after the card retention, keeping brand, value and last four', async () => {
    let now = Date.parse('2026-12-01T10:00:00.000Z');
    const app = await sold({ clock: () => now });
    expect((await app.outcome({ outcome: 'proceeded', cards: CARDS })).status).toBe(201);
    now += 89 * DAY;
    expect(await purgeExpiredCardSecrets(app.services.store, app.services.cards, now)).toBe(0);
    now += 2 * DAY;
    expect(await purgeExpiredCardSecrets(app.services.store, app.services.cards, now)).toBe(2);
    const read = await app.call('GET', `/v1/checks/${app.checkId}`, { key: app.adminKey });
    expect(read.json.outcome.cards).toEqual([
      { cardId: expect.any(String), brand: 'apple', amount: 10000, serialLast4: '7890', purged: true },
      { cardId: expect.any(String), brand: 'steam', amount: 5000, activationIdLast4: '4b5a', purged: true },
    ]);
  });
});

describe.skipIf(!postgresAvailable)('the cards sold, on PostgreSQL', () => {
  it('are recorded, shown whole to a processor key, masked to an analyst, and purged after the retention', async () => {
    let now = Date.parse('2026-12-01T10:00:00.000Z');
    const app = await sold({ clock: () => now, postgres: true });
    expect((await app.outcome({ outcome: 'proceeded', cards: CARDS })).status).toBe(201);
    expect((await app.outcome({ outcome: 'proceeded', cards: CARDS })).status).toBe(200);
    const processor = await app.makeKey('processor');
    const analyst = await app.makeKey('analyst');
    const whole = await app.call('GET', `/v1/checks/${app.checkId}`, { key: processor });
    expect(whole.json.outcome.cards.map((card: { serial?: string; activationId?: string }) => card.serial ?? card.activationId)).toEqual([SERIAL, ACTIVATION]);
    const masked = await app.call('GET', `/v1/checks/${app.checkId}`, { key: analyst });
    expect(masked.text).not.toContain(SERIAL);
    expect(masked.json.outcome.cards[0].serialLast4).toBe('7890');
    now += 91 * DAY;
    expect(await purgeExpiredCardSecrets(app.services.store, app.services.cards, now)).toBe(2);
    const purged = await app.call('GET', `/v1/checks/${app.checkId}`, { key: processor });
    expect(purged.json.outcome.cards.map((card: { purged: boolean; serial?: string }) => [card.purged, card.serial])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });
});

describe('delayed activation for a released hold', () => {
  const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];

  it('is recommended in the decision once a supervisor releases a hold above the line, and only then', async () => {
    const app = await testApp();
    const till = await app.makeKey('till', [STORE]);
    const supervisor = await app.makeKey('supervisor', [STORE]);
    const held = async (quantity: number) => {
      const decided = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: appleCards(quantity), customer: { ageBand: '80_plus' } }) });
      expect(decided.json.action).toBe('hold');
      expect(decided.json.activation).toBeUndefined();
      return decided.json.checkId as string;
    };
    const decision = async (checkId: string) => (await app.call('GET', `/v1/checks/${checkId}`, { key: till })).json.decision;

    // £800 of Apple cards, above the £500 line of rules/settings.yaml.
    const large = await held(8);
    expect((await decision(large)).activation).toBeUndefined();
    const released = await app.call('POST', `/v1/checks/${large}/review`, {
      key: supervisor,
      body: { decision: 'release', supervisorRef: 'S0042', reason: 'Known customer; buys for the grandchildren every Christmas' },
    });
    expect(released.status).toBe(200);
    expect((await decision(large)).activation).toEqual({
      delayMinutes: 60,
      reason: expect.stringContaining('£800.00 of stored value, above £500.00'),
    });

    // £300: released, but under the line.
    const small = await held(3);
    await app.call('POST', `/v1/checks/${small}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042' } });
    expect((await decision(small)).activation).toBeUndefined();

    // Refused: no sale, nothing to activate.
    const refused = await held(8);
    await app.call('POST', `/v1/checks/${refused}/review`, { key: supervisor, body: { decision: 'refuse', supervisorRef: 'S0042' } });
    expect((await decision(refused)).activation).toBeUndefined();
  });
});
