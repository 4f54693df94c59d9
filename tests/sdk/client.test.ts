import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuthenticationError, ClosedError, createTillClient, memoryOutbox, type OutboxStorage, type TillClientOptions, ValidationError } from '../../sdk/src/index.js';
import { sqliteOutbox } from '../../sdk/src/node.js';
import { faultyNetwork } from './helpers/faults.js';
import { OTHER_STORE } from './helpers/service.js';
import { markyate as basket, type TillWorldOptions, tillWorld } from './helpers/till.js';

/** An outbox storage whose `load()` waits for `gate`, as a slow disk would. */
function slowToLoad(storage: OutboxStorage, gate: Promise<void>): OutboxStorage {
  return { ...storage, load: () => gate.then(() => storage.load()) };
}

async function setUp(options: TillWorldOptions = {}) {
  const world = await tillWorld(options);
  return { ...world, open: (more: Partial<TillClientOptions> = {}) => world.open({ tillId: 'T09', ...more }) };
}

describe('the till client against the service', () => {
  it('walks a sale: check, the colleague’s answers, the outcome — every decision from the service', async () => {
    const client = (await setUp()).open();
    const decided = await client.check(basket());
    expect(decided).toMatchObject({ source: 'service', action: 'hold', revision: 1 });
    expect(decided.checkId).toMatch(/^chk_/);
    expect(decided.prompt?.advice.map((line) => line.text).join(' ')).toContain('HMRC');
    const answered = await client.answer(decided.checkId, { purpose: 'bill_or_fine' });
    expect(answered).toMatchObject({ source: 'service', action: 'refuse', revision: 2 });
    const receipt = await client.outcome(decided.checkId, { outcome: 'scam_confirmed', policeReference: 'NFRC171030123456' });
    expect(receipt).toMatchObject({ status: 'recorded', record: { checkId: decided.checkId, outcome: 'scam_confirmed' } });
    expect(client.pending()).toBe(0);
  });

  it('refuses what breaks the contract before sending it, naming the field', async () => {
    const { service, network, open } = await setUp();
    const client = open();
    const thrown = await client.check(basket({ lines: [{ kind: 'gift_card', unitAmount: 10000, quantity: 1000 }] })).catch((error) => error);
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown.errors[0].field).toBe('lines[0].quantity');
    const decided = await client.check(basket());
    await expect(client.answer(decided.checkId, { purpose: 'a fine' })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.answer(decided.checkId, { mood: 'calm' })).rejects.toMatchObject({ errors: [{ code: 'unknown_question' }] });
    await expect(client.outcome(decided.checkId, { outcome: 'sold' as never })).rejects.toBeInstanceOf(ValidationError);
    expect(network.log.filter((exchange) => exchange.method === 'POST')).toHaveLength(1);
    expect(() => createTillClient({ baseUrl: service.baseUrl, apiKey: 'k', storeId: 'no spaces please', tillId: 'T1' })).toThrow(ValidationError);
  });

  it('refuses a basket with text no store can keep before it is sent or queued, and the next goes through', async () => {
    const { network, open } = await setUp();
    const client = open();
    for (const description of ['iTunes\u0000£100', 'iTunes \uD83D£100']) {
      const thrown = await client.check(basket({ lines: [{ kind: 'gift_card', description, brand: 'iTunes', unitAmount: 10000, quantity: 1 }] })).catch((error) => error);
      expect(thrown).toBeInstanceOf(ValidationError);
      expect(thrown.errors[0].field).toBe('lines[0].description');
    }
    expect(client.pending()).toBe(0);
    expect(network.log.filter((exchange) => exchange.method === 'POST')).toHaveLength(0);
    expect(await client.check(basket())).toMatchObject({ source: 'service', action: 'hold' });
  });

  it('decides offline when the key is refused, and keeps the refusal to be looked at', async () => {
    const client = (await setUp()).open({ apiKey: 'vsk_revoked' });
    const decided = await client.check(basket({ customer: { ageBand: '80_plus', loyaltyId: '634004000123456' } }));
    expect(decided).toMatchObject({ source: 'offline', action: 'hold' });
    expect(decided.source === 'offline' && decided.cause).toBeInstanceOf(AuthenticationError);
    expect(client.pending()).toBe(0);
    expect(client.deadLetters()).toMatchObject([{ entry: { kind: 'check' }, failure: { status: 401 } }]);
    expect(client.deadLetters()[0]?.error).toBeInstanceOf(AuthenticationError);

    // What follows for that check cannot be delivered either: it follows it into the dead letters.
    expect(await client.answer(decided.checkId, { purpose: 'bill_or_fine' })).toMatchObject({ source: 'offline', action: 'refuse' });
    expect(await client.outcome(decided.checkId, { outcome: 'scam_confirmed' })).toMatchObject({ status: 'dead_lettered' });
    expect(await client.flush()).toEqual({ delivered: 0, deadLettered: 0, pending: 0 });
    expect(client.deadLetters().map((letter) => letter.entry?.kind)).toEqual(['check', 'answers', 'outcome']);
    expect(JSON.stringify(client.deadLetters())).not.toContain('634004000123456');
  });

  it('refuses calls once closed', async () => {
    const client = (await setUp()).open();
    await client.close();
    await expect(client.check(basket())).rejects.toBeInstanceOf(ClosedError);
  });
});

describe('offline history', () => {
  it('once delivered, checks decided offline are in the customer’s history at other stores', async () => {
    const { clock, open } = await setUp();
    const network = faultyNetwork(clock, 'down');
    const markyate = open({ fetch: network.fetch, timeoutMs: 50 });
    const hitchin = open({ storeId: OTHER_STORE, tillId: 'T02' });
    const customer = { ageBand: '60_69' as const, loyaltyId: '634004000123456' };
    const lines = [{ kind: 'gift_card' as const, brand: 'itunes', unitAmount: 10000, quantity: 10 }];

    expect(await markyate.check(basket({ customer, lines }))).toMatchObject({ source: 'offline', action: 'hold' });
    network.set('pass');
    await markyate.flush();
    const next = await hitchin.check(basket({ customer, lines }));
    expect(next).toMatchObject({ source: 'service', action: 'refuse' });
    expect(next.reasons.map((reason) => reason.ruleId)).toEqual(expect.arrayContaining(['another-store-today', 'repeat-purchases-today']));
  });

  it('offline, a till counts its own earlier checks for the customer: back within the hour is stronger', async () => {
    const { clock, open } = await setUp({ fault: 'down' });
    const client = open({ timeoutMs: 50 });
    const customer = { ageBand: '40_49' as const, loyaltyId: '634004000999' };
    const lines = [{ kind: 'gift_card' as const, brand: 'amazon', unitAmount: 10000, quantity: 3 }];
    const first = await client.check(basket({ customer, lines }));
    // Back ten minutes later. Without this the two checks could share a millisecond of the virtual
    // clock, and a purchase at the same moment is not "earlier" (as on the service).
    await clock.advance(10 * 60_000);
    const second = await client.check(basket({ customer, lines }));
    const stranger = await client.check(basket({ customer: { ageBand: '40_49', loyaltyId: '634004000111' }, lines }));
    expect(first.action).toBe('prompt');
    expect(stranger.action).toBe('prompt');
    expect(second.action).toBe('refuse');
    expect(second.reasons.map((reason) => reason.ruleId)).toEqual(expect.arrayContaining(['back-within-the-hour', 'warned-recently']));
  });
});

describe('the rule set offline decisions use', () => {
  it('is the service’s once it has been given, and still is after a restart with the service out of reach', async () => {
    // A service whose analysts have made £200 of gift cards a hold for everyone.
    const rules = mkdtempSync(join(tmpdir(), 'vouchsafe-rules-'));
    onTestFinished(() => rmSync(rules, { recursive: true, force: true }));
    cpSync('rules', rules, { recursive: true });
    const valueRules = join(rules, 'value-and-age.yaml');
    const policy = '  - id: stricter-store-policy\n    when: giftCards.total >= 20000\n    action: hold\n    reason: Store policy\n';
    writeFileSync(valueRules, readFileSync(valueRules, 'utf8').replace('\ntests:', `\n${policy}\ntests:`));
    const { network, open } = await setUp({ rulesDirectory: rules });
    const outbox = join(rules, 'outbox.db');
    const twoHundred = { customer: { ageBand: '30_39' as const }, lines: [{ kind: 'gift_card' as const, brand: 'costa', unitAmount: 10000, quantity: 2 }] };

    const first = open({ outbox: sqliteOutbox(outbox), timeoutMs: 50 });
    await first.ready();
    const bundled = first.ruleSet()!;
    expect(bundled.origin).toBe('bundled');
    const given = await first.refreshRules();
    expect(given.origin).toBe('service');
    expect(given.version).not.toBe(bundled.version);
    network.set('down');
    expect(await first.check(basket(twoHundred))).toMatchObject({ source: 'offline', action: 'hold', ruleSetVersion: given.version });
    await first.close();

    // The restarted till reads its outbox slowly (a busy disk, IndexedDB on a cold page): until then it says it does not know.
    let readOutbox!: () => void;
    const slow = slowToLoad(sqliteOutbox(outbox), new Promise<void>((resolve) => (readOutbox = resolve)));
    const restarted = open({ outbox: slow, timeoutMs: 50 });
    let ready = false;
    const loading = restarted.ready().then(() => (ready = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ready).toBe(false);
    expect(restarted.pending()).toBeUndefined();
    expect(restarted.ruleSet()).toBeUndefined();
    readOutbox();
    await loading;
    expect(restarted.pending()).toBe(1); // The check decided offline before the restart.
    expect(restarted.ruleSet()).toEqual(given);
    const decided = await restarted.check(basket(twoHundred));
    expect(decided).toMatchObject({ source: 'offline', action: 'hold', ruleSetVersion: given.version });
    expect(restarted.ruleSet()).toEqual(given);
  });

  it('rejects ready() when its outbox storage cannot be read, and every call says why', async () => {
    const { open } = await setUp();
    const broken: OutboxStorage = { ...memoryOutbox(), load: () => Promise.reject(new Error('disk gone')) };
    const till = open({ outbox: broken });
    await expect(till.ready()).rejects.toThrow('disk gone');
    await expect(till.check(basket())).rejects.toThrow('disk gone');
    expect(till.pending()).toBeUndefined();
  });
});
