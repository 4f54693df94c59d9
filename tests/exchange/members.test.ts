import { createHash, createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blindCard, evaluateBlinded } from '../../src/exchange/oprf.js';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';
import { deadPort, hungServer, startExchange } from '../helpers/exchange.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

const CARD = 'tok_visa_4929_0000_1111_2222';
const OTHER_CARD = 'tok_mc_5100_3333_4444_5555';
const giftCards = (token: string, storeId = STORE) =>
  aCheck({ storeId, lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 2 }], customer: { ageBand: '40_49', paymentToken: token } });

/** A retailer's service, member `memberId` of the exchange, with a live till key. */
async function retailer(exchange: Awaited<ReturnType<typeof startExchange>>, memberId: string, options: { databasePath?: string; idSecret?: string; districts?: Record<string, string> } = {}) {
  const { districts, ...appOptions } = options;
  const app = await testApp({ exchange: exchange.member(memberId, { timeoutMs: 2_000, ...(districts ? { districts: new Map(Object.entries(districts)) } : {}) }), ...appOptions });
  const till = await app.makeKey('till', [STORE, OTHER_STORE]);
  const admin = app.adminKey;
  return { ...app, till, admin };
}

async function latestNetwork(app: Awaited<ReturnType<typeof retailer>>, checkId: string) {
  const record = await app.call('GET', `/v1/checks/${checkId}`, { key: app.admin });
  expect(record.status).toBe(200);
  return record.json.evaluations.at(-1).network;
}

/** Everything a file holds, WAL included, as text. */
const filesBeside = (path: string) => {
  const dir = join(path, '..');
  const base = path.split('/').pop()!;
  return readdirSync(dir)
    .filter((name) => name.startsWith(base))
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
};

describe('two retailers and an exchange, on SQLite', () => {
  it('the second retailer’s till sees the first’s card; another card and the first retailer itself see nothing', async () => {
    const exchange = await startExchange();
    const north = await retailer(exchange, 'north-retail');
    const south = await retailer(exchange, 'south-retail');

    const first = await north.call('POST', '/v1/checks', { key: north.till, body: giftCards(CARD) });
    expect(first.status).toBe(201);
    expect(first.json.action).toBe('allow');
    expect(await latestNetwork(north, first.json.checkId)).toEqual({
      status: 'answered',
      facts: { answered: true, otherRetailersToday: 0, valueBand: 'none', minutesSince: 1440 },
    });

    const second = await south.call('POST', '/v1/checks', { key: south.till, body: giftCards(CARD, OTHER_STORE) });
    expect(second.status).toBe(201);
    expect(second.json.action).toBe('prompt');
    expect(second.json.reasons.map((reason: { ruleId: string }) => reason.ruleId)).toContain('card-at-another-retailer-today');
    expect(second.json.prompt.say).toMatch(/^This card bought gift cards at another shop today\./);
    expect(await latestNetwork(south, second.json.checkId)).toEqual({
      status: 'answered',
      facts: { answered: true, otherRetailersToday: 1, valueBand: '100_to_249', minutesSince: 0 },
    });

    // Another card at the second retailer, and the first retailer's own card again: nothing.
    const stranger = await south.call('POST', '/v1/checks', { key: south.till, body: giftCards(OTHER_CARD, OTHER_STORE) });
    expect(stranger.json.action).toBe('allow');
    expect((await latestNetwork(south, stranger.json.checkId)).facts.otherRetailersToday).toBe(0);
    const again = await north.call('POST', '/v1/checks', { key: north.till, body: giftCards(OTHER_CARD) });
    expect((await latestNetwork(north, again.json.checkId)).facts.otherRetailersToday).toBe(1);
    const own = await north.call('POST', '/v1/checks', { key: north.till, body: giftCards(CARD) });
    // The card was seen at south since: one other retailer, never north itself.
    expect((await latestNetwork(north, own.json.checkId)).facts.otherRetailersToday).toBe(1);

    // Answers are decided with what the exchange said for the basket, without asking it again.
    const answered = await south.call('POST', `/v1/checks/${second.json.checkId}/answers`, { key: south.till, body: { answers: { someoneAskedYouToBuy: 'no' } } });
    expect(answered.status).toBe(200);
    expect((await latestNetwork(south, second.json.checkId)).facts.otherRetailersToday).toBe(1);
  });

  it('a test key’s checks never reach the exchange', async () => {
    const exchange = await startExchange();
    const north = await retailer(exchange, 'north-retail');
    const testKey = async (role: string) => (await north.call('POST', '/v1/keys', { key: north.admin, body: { role, name: `test ${role}`, storeIds: [STORE], mode: 'test' } })).json.key;
    const [testTill, testAnalyst] = [await testKey('till'), await testKey('analyst')];
    const check = await north.call('POST', '/v1/checks', { key: testTill, body: giftCards(CARD) });
    expect(check.status).toBe(201);
    const record = await north.call('GET', `/v1/checks/${check.json.checkId}`, { key: testAnalyst });
    expect(record.json.evaluations.at(-1).network.status).toBe('not_asked');
    expect(exchange.logLines.join('')).not.toContain('north-retail');
  });

  it('a captured member database and the exchange’s files and logs hold no card token, no unkeyed hash of one, and members keep no linking id', async () => {
    const exchange = await startExchange();
    const north = await retailer(exchange, 'north-retail');
    const south = await retailer(exchange, 'south-retail');
    await north.call('POST', '/v1/checks', { key: north.till, body: giftCards(CARD) });
    await south.call('POST', '/v1/checks', { key: south.till, body: giftCards(CARD, OTHER_STORE) });
    await north.call('POST', '/v1/checks', { key: north.till, body: giftCards(OTHER_CARD) });

    const linkIdOf = (token: string) => {
      const card = blindCard(token);
      return card.finish(evaluateBlinded(exchange.oprfKey, [card.blinded])[0]!);
    };
    const traces = (token: string) => [
      token,
      token.replace(/^tok_/, ''),
      ...['hex', 'base64', 'base64url'].map((encoding) => createHash('sha256').update(token).digest(encoding as 'hex')),
      ...['hex', 'base64url'].map((encoding) => createHash('sha512').update(token).digest(encoding as 'hex')),
    ];
    const memberFiles = [filesBeside(north.databasePath), filesBeside(south.databasePath), ...north.logLines, ...south.logLines].join('\n');
    const exchangeFiles = [filesBeside(exchange.databasePath), ...exchange.logLines].join('\n');
    for (const token of [CARD, OTHER_CARD]) {
      for (const trace of traces(token)) {
        expect(memberFiles).not.toContain(trace);
        expect(exchangeFiles).not.toContain(trace);
      }
      // A member's database cannot be matched with the exchange's: it keeps no linking id at all.
      expect(memberFiles).not.toContain(linkIdOf(token));
    }
    // The exchange's log names no linking id either, not even of the card seen at both.
    expect(exchange.logLines.join('\n')).not.toContain(linkIdOf(CARD));
    expect(exchange.logLines.join('\n')).not.toContain(linkIdOf(OTHER_CARD));
    // What the member keeps instead is its own keyed hash, useless without its identity secret.
    const secret = readFileSync(`${north.databasePath}.id-secret`, 'utf8').trim();
    expect(filesBeside(north.databasePath)).toContain(createHmac('sha256', secret).update(`payment:${CARD}`).digest('base64url'));
  });
});

describe('area alerts from refused sales', () => {
  it('a sale refused on the colleague’s answers reaches the other retailer’s stores in that district, not one far away, and says nothing of the customer', async () => {
    const exchange = await startExchange({ members: ['north-retail', 'south-retail', 'west-retail'] });
    const north = await retailer(exchange, 'north-retail', { districts: { [STORE]: 'SG1' } });
    const big = aCheck({ lines: [{ kind: 'gift_card', brand: 'Google Play', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '70_79', paymentToken: CARD } });
    const check = await north.call('POST', '/v1/checks', { key: north.till, body: big });
    expect(check.json.action).not.toBe('refuse');
    const refused = await north.call('POST', `/v1/checks/${check.json.checkId}/answers`, { key: north.till, body: { answers: { codesRequested: 'yes' } } });
    expect(refused.json.action).toBe('refuse');

    // Shared by the background round, after the refusal committed.
    expect(await north.services.alertExchange!.share()).toBe(1);
    const south = exchange.member('south-retail', { timeoutMs: 5_000 });
    const since = Date.now() - 3_600_000;
    const alerts = await south.alerts(['SG1'], since);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ district: 'SG1', brands: ['google_play'], valueBand: '250_to_499', action: 'refused' });
    expect(alerts[0]!.at).toMatch(/:00(\.000)?Z$/);
    expect(JSON.stringify(alerts)).not.toContain(CARD);
    expect(await exchange.member('west-retail', { timeoutMs: 5_000 }).alerts(['TR18'], since)).toEqual([]);

    // Answering again keeps it refused: no second alert.
    await north.call('POST', `/v1/checks/${check.json.checkId}/answers`, { key: north.till, body: { answers: { purpose: 'gift' } } });
    expect(await north.services.alertExchange!.share()).toBe(0);
    expect(await south.alerts(['SG1'], since)).toHaveLength(1);
  });
});

describe('an exchange that is down or slow', () => {
  it('a dead exchange: the check is decided without the facts, recorded as unreachable, then not asked while the breaker is open', async () => {
    const port = await deadPort();
    const exchange = await startExchange();
    const app = await testApp({ exchange: exchange.member('north-retail', { url: `http://127.0.0.1:${port}`, timeoutMs: 2_000 }) });
    const till = await app.makeKey('till', [STORE]);
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      // A new card each time, so the customer's own history plays no part.
      const check = await app.call('POST', '/v1/checks', { key: till, body: giftCards(`${CARD}-${i}`) });
      expect(check.status).toBe(201);
      expect(check.json.action).toBe('allow');
      const record = await app.call('GET', `/v1/checks/${check.json.checkId}`, { key: app.adminKey });
      statuses.push(record.json.evaluations.at(-1).network.status);
      expect(record.json.evaluations.at(-1).network.facts.answered).toBe(false);
    }
    expect(statuses).toEqual(['unreachable', 'unreachable', 'unreachable', 'circuit_open', 'circuit_open']);
    const metrics = await app.call('GET', '/metrics', { key: app.adminKey });
    expect(metrics.text).toMatch(/vouchsafe_exchange_asked_total\{status="circuit_open"\} 2/);
  });

  it('a hung exchange: the check is decided once the timeout passes, recorded as timed out', async () => {
    const port = await hungServer();
    const exchange = await startExchange();
    const app = await testApp({ exchange: exchange.member('north-retail', { url: `http://127.0.0.1:${port}`, timeoutMs: 100 }) });
    const till = await app.makeKey('till', [STORE]);
    const check = await app.call('POST', '/v1/checks', { key: till, body: giftCards(CARD) });
    expect(check.status).toBe(201);
    const record = await app.call('GET', `/v1/checks/${check.json.checkId}`, { key: app.adminKey });
    expect(record.json.evaluations.at(-1).network).toEqual({
      status: 'timed_out',
      facts: { answered: false, otherRetailersToday: 0, valueBand: 'none', minutesSince: 1440 },
    });
  });
});

describe.skipIf(!postgresAvailable)('two retailers and an exchange, on PostgreSQL', () => {
  it('the second retailer sees the first’s card, with every database on PostgreSQL', async () => {
    const exchange = await startExchange({ databasePath: await freshPostgresUrl() });
    expect(exchange.store.kind).toBe('postgres');
    const north = await retailer(exchange, 'north-retail', { databasePath: await freshPostgresUrl(), idSecret: 'n'.repeat(40) });
    const south = await retailer(exchange, 'south-retail', { databasePath: await freshPostgresUrl(), idSecret: 's'.repeat(40) });
    await north.call('POST', '/v1/checks', { key: north.till, body: giftCards(CARD) });
    const second = await south.call('POST', '/v1/checks', { key: south.till, body: giftCards(CARD, OTHER_STORE) });
    expect(second.json.action).toBe('prompt');
    expect(await latestNetwork(south, second.json.checkId)).toMatchObject({ status: 'answered', facts: { otherRetailersToday: 1 } });
    const stranger = await south.call('POST', '/v1/checks', { key: south.till, body: giftCards(OTHER_CARD, OTHER_STORE) });
    expect((await latestNetwork(south, stranger.json.checkId)).facts.otherRetailersToday).toBe(0);
  });
});
