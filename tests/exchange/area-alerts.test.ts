import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { backtest } from '../../src/backtest/backtest.js';
import { runPurge } from '../../src/cli/purge.js';
import { compileRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { OTHER_STORE, STORE, testApp, type TestAppOptions } from '../helpers/app.js';
import { appleCards, presentShopping } from '../helpers/area-baskets.js';
import { startExchange } from '../helpers/exchange.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

/** A store of the second retailer in Luton: another district. */
const LUTON_STORE = 'beds-luton-001';
const STEVENAGE = { lat: 51.9017, lon: -0.2019, district: 'SG1' };
const NEAR = { lat: 51.9194, lon: -0.2028, district: 'SG2' };
const NEAR_STORE = 'herts-stevenage-020';
const SCAM_LINE = 'A gift-card scam was stopped at a nearby shop in the last hour';

type Exchange = Awaited<ReturnType<typeof startExchange>>;


/** A retailer's service, member `memberId` of the exchange through `url` (the exchange's own unless given), with its stores' districts. */
async function member(exchange: Exchange, memberId: string, districts: Record<string, string>, options: TestAppOptions & { url?: string } = {}) {
  const { url, ...appOptions } = options;
  const app = await testApp({ exchange: exchange.member(memberId, { timeoutMs: 2_000, districts: new Map(Object.entries(districts)), ...(url ? { url } : {}) }), ...appOptions });
  const stores = [STORE, OTHER_STORE, LUTON_STORE, NEAR_STORE];
  const till = await app.makeKey('till', stores);
  const supervisor = await app.makeKey('supervisor', stores);
  const alerts = app.services.alertExchange!;
  return { ...app, till, supervisor, alerts, check: (body: unknown, key = till) => app.call('POST', '/v1/checks', { key, body }) };
}
type Member = Awaited<ReturnType<typeof member>>;

/** A sale refused at `storeId`: the customer says someone asked for the numbers on the back. */
async function refuseASale(retailer: Member, storeId: string) {
  const first = await retailer.check(appleCards(storeId));
  expect(first.json.action).toBe('prompt');
  const answered = await retailer.call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: retailer.till, body: { answers: { codesRequested: 'yes' } } });
  expect(answered.json.action).toBe('refuse');
  return first.json.checkId as string;
}

/** A held sale the supervisor refuses. */
async function refuseAHold(retailer: Member, storeId: string) {
  const held = await retailer.check(appleCards(storeId, '80_plus'));
  expect(held.json.action).toBe('hold');
  const refused = await retailer.call('POST', `/v1/checks/${held.json.checkId}/review`, { key: retailer.supervisor, body: { decision: 'refuse', supervisorRef: 'S-12' } });
  expect(refused.status, refused.text).toBe(200);
  return held.json.checkId as string;
}

const area = async (retailer: Member, checkId: string) => (await retailer.call('GET', `/v1/checks/${checkId}`, { key: retailer.adminKey })).json.evaluations.at(-1).area;
const ruleIds = (decision: { reasons: Array<{ ruleId: string }> }) => decision.reasons.map((reason) => reason.ruleId);

/** A loopback proxy to `target` that can be switched off: while off, every connection is dropped, as a dead exchange's would be. */
async function switchable(target: string) {
  const state = { up: false };
  const server: Server = createServer((incoming, outgoing) => {
    if (!state.up) {
      incoming.socket.destroy();
      return;
    }
    const forward = httpRequest(new URL(incoming.url!, target), { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state };
}

describe('area alerts between retailers, on SQLite', () => {
  it('a hold refused at one retailer reaches the other’s store in that district as area facts and the prompt line; another district, a test key and the first retailer itself see nothing', async () => {
    const exchange = await startExchange({ members: ['north-retail', 'south-retail', 'west-retail'] });
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' });
    const south = await member(exchange, 'south-retail', { [OTHER_STORE]: 'SG1', [LUTON_STORE]: 'LU1' });

    // Before anything is stopped, present shopping is left alone.
    expect((await south.check(presentShopping(OTHER_STORE))).json.action).toBe('allow');

    await refuseAHold(north, STORE);
    expect(await north.alerts.share()).toBe(1);
    // Shared once: the next round has nothing to send.
    expect(await north.alerts.share()).toBe(0);

    // What left north: the district, the minute, the brands, a band and what happened; nothing of the store, till or customer.
    const relayed = await exchange.store.alerts('west-retail', ['SG1'], 0);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]).toMatchObject({ district: 'SG1', brands: ['apple'], valueBand: '250_to_499', action: 'held' });
    expect(JSON.stringify(relayed)).not.toMatch(new RegExp(`${STORE}|T04|chk_|ala_`));

    expect(await south.alerts.sync()).toBe(1);
    // The same alert fetched again is kept once; north never gets its own back.
    expect(await south.alerts.sync()).toBe(0);
    expect(await north.alerts.sync()).toBe(0);

    const near = await south.check(presentShopping(OTHER_STORE));
    expect(near.json.action).toBe('prompt');
    expect(ruleIds(near.json)).toContain('scam-stopped-nearby');
    expect(near.json.prompt.say).toContain(SCAM_LINE);
    const seen = await area(south, near.json.checkId);
    // A district has no distance of its own: it counts as the alert radius (5 km by default).
    expect(seen).toEqual({ facts: { scamsStopped: 1, nearestKm: 5, minutesSince: expect.any(Number), brands: ['apple'] }, alertIds: [relayed[0]!.id] });
    expect(seen.facts.minutesSince).toBeLessThanOrEqual(1);

    // A back-test replays the check with the other retailer's alert as the check saw it.
    const rules = loadRuleDirectory('rules');
    const candidate = compileRuleSet({
      ...rules,
      files: [...rules.files, { path: 'zz-hold-nearby.yaml', content: 'rules:\n  - id: hold-when-a-scam-was-stopped-nearby\n    when: area.scamsStopped >= 1\n    action: hold\n    reason: r\n' }],
    });
    const today = new Date().toISOString().slice(0, 10);
    const replayed = await backtest(south.services.store.replay.checks({ from: 0, to: Date.now() + 1, storeIds: [OTHER_STORE] }), compileRuleSet(rules), candidate, {
      from: today,
      to: today,
      interveneAt: 'prompt',
      examples: 10,
    });
    expect(replayed.changes.examples.map((example) => [example.checkId, example.baseline.action, example.candidate.action])).toEqual([[near.json.checkId, 'prompt', 'hold']]);

    // Luton is another district; north's own stores hear nothing of their own alert through the exchange.
    const luton = await south.check(presentShopping(LUTON_STORE));
    expect(luton.json.action).toBe('allow');
    expect(await area(south, luton.json.checkId)).toBeUndefined();
    const own = await north.check(presentShopping(STORE));
    expect(own.json.action).toBe('allow');

    // Test checks never see what other retailers shared.
    const testTill = (await south.call('POST', '/v1/keys', { key: south.adminKey, body: { role: 'till', name: 'test till', mode: 'test', storeIds: [OTHER_STORE] } })).json.key;
    const test = await south.check(presentShopping(OTHER_STORE), testTill);
    expect(test.json.action).toBe('allow');
  });

  it('a test key’s refusal is never shared', async () => {
    const exchange = await startExchange();
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' });
    const testTill = (await north.call('POST', '/v1/keys', { key: north.adminKey, body: { role: 'till', name: 'test till', mode: 'test', storeIds: [STORE] } })).json.key;
    const first = await north.check(appleCards(STORE), testTill);
    const refused = await north.call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: testTill, body: { answers: { codesRequested: 'yes' } } });
    expect(refused.json.action).toBe('refuse');
    expect(await north.alerts.share()).toBe(0);
    expect(await exchange.store.alerts('south-retail', ['SG1'], 0)).toEqual([]);
  });

  it('an alert raised while the exchange is down costs the till nothing and is shared once the exchange is back', async () => {
    const exchange = await startExchange();
    const proxy = await switchable(exchange.url);
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' }, { url: proxy.url });
    const south = await member(exchange, 'south-retail', { [OTHER_STORE]: 'SG1' });

    await refuseASale(north, STORE);
    expect(await north.alerts.share()).toBe(0);
    expect(north.logLines.join('\n')).toContain('sharing an area alert with the exchange failed');
    expect(await south.alerts.sync()).toBe(0);

    proxy.state.up = true;
    expect(await north.alerts.share()).toBe(1);
    expect(await south.alerts.sync()).toBe(1);
    const [alert] = await exchange.store.alerts('south-retail', ['SG1'], 0);
    expect(alert).toMatchObject({ action: 'refused', valueBand: '250_to_499' });
    expect((await south.check(presentShopping(OTHER_STORE))).json.prompt.say).toContain(SCAM_LINE);
  });

  it('an alert no longer live when the exchange comes back is not shared late', async () => {
    let now = Date.now();
    const exchange = await startExchange();
    const proxy = await switchable(exchange.url);
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' }, { url: proxy.url, clock: () => now });
    await refuseASale(north, STORE);
    expect(await north.alerts.share()).toBe(0);
    now += 61 * 60_000;
    proxy.state.up = true;
    expect(await north.alerts.share()).toBe(0);
    expect(await exchange.store.alerts('south-retail', ['SG1'], 0)).toEqual([]);
  });
});

describe('area alerts between retailers, in the background', () => {
  it('a running member shares its alert and the other, running too, hears it, with no one calling share or sync', async () => {
    const exchange = await startExchange();
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' }, { background: true, exchangeSyncEveryMs: 20 });
    const south = await member(exchange, 'south-retail', { [OTHER_STORE]: 'SG1' }, { background: true, exchangeSyncEveryMs: 20 });
    await refuseASale(north, STORE);
    // However long the loaded machine takes: until the next check at south is prompted.
    let decision = (await south.check(presentShopping(OTHER_STORE))).json;
    while (decision.action !== 'prompt') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      decision = (await south.check(presentShopping(OTHER_STORE))).json;
    }
    expect(decision.prompt.say).toContain(SCAM_LINE);
    expect(north.logLines.join('\n')).toContain('area alert shared with the exchange');
    expect(south.logLines.join('\n')).toContain('area alerts from other members kept');
  });
});

describe('a case raises an area alert', () => {
  async function withStores(clock: () => number) {
    const exchange = await startExchange();
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' }, { clock });
    for (const [id, location] of [[STORE, STEVENAGE], [NEAR_STORE, NEAR]] as const) {
      const made = await north.call('PUT', `/v1/stores/${id}`, { key: north.adminKey, body: { name: id, timeZone: 'Europe/London', locale: 'en-GB', currency: 'GBP', location } });
      expect(made.status).toBe(201);
    }
    return { exchange, north };
  }
  const alertsOf = async (retailer: Member) => (await retailer.call('GET', '/v1/area-alerts?hours=48', { key: retailer.adminKey })).json.alerts as Array<{ checkId: string; reason: string; storeId: string }>;

  it('when a colleague escalates a sale, once per check, and it is shared as a case', async () => {
    const { exchange, north } = await withStores(Date.now);
    const sale = await north.check(appleCards(STORE));
    expect(sale.json.action).toBe('prompt');
    for (const step of ['called_police', 'called_bank_159']) {
      const escalated = await north.call('POST', `/v1/checks/${sale.json.checkId}/escalations`, { key: north.till, body: { step, by: 'C1' } });
      expect(escalated.status, escalated.text).toBe(201);
    }
    expect((await alertsOf(north)).map(({ checkId, reason }) => [checkId, reason])).toEqual([[sale.json.checkId, 'case_opened']]);
    // The shop 2 km away hears of it.
    const near = await north.check(presentShopping(NEAR_STORE));
    expect(near.json.prompt.say).toContain(SCAM_LINE);

    expect(await north.alerts.share()).toBe(1);
    expect(await exchange.store.alerts('south-retail', ['SG1'], 0)).toEqual([expect.objectContaining({ action: 'case', brands: ['apple'] })]);
  });

  it('when a sale is reported within the alert’s hour, not when it is reported the next day; a refusal’s alert stays the only one', async () => {
    let now = Date.parse('2026-11-20T10:00:00.000Z');
    const { north } = await withStores(() => now);
    const report = { reporter: { role: 'family', ref: 'son' }, whatHappened: 'She was told by “HMRC” to buy the cards and read the numbers out.' };

    const soon = await north.check(appleCards(STORE));
    const late = await north.check(appleCards(STORE));
    const refusedId = await refuseASale(north, STORE);
    now += 40 * 60_000;
    expect((await north.call('POST', `/v1/checks/${soon.json.checkId}/reports`, { key: north.adminKey, body: report })).status).toBe(201);
    now += 24 * 3_600_000;
    const reported = await north.call('POST', `/v1/checks/${late.json.checkId}/reports`, { key: north.adminKey, body: report });
    expect(reported.status).toBe(201);
    expect(reported.json.caseId).toMatch(/^cas_/);
    expect((await north.call('POST', `/v1/checks/${refusedId}/reports`, { key: north.adminKey, body: report })).status).toBe(201);

    const alerts = await alertsOf(north);
    expect(alerts.map(({ checkId, reason }) => [checkId, reason]).sort()).toEqual(
      [
        [soon.json.checkId, 'case_opened'],
        [refusedId, 'refused_sale'],
      ].sort(),
    );
  });
});

describe('area alerts are purged with the checks', () => {
  it('vouchsafe purge deletes this retailer’s alerts and those relayed to it older than the retention period, and keeps the rest', async () => {
    let now = Date.now() - 500 * 86_400_000;
    const exchange = await startExchange();
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' }, { clock: () => now });
    await refuseASale(north, STORE);
    const relayed = (at: number, id: string) => ({ id, district: 'SG1', raisedAt: at, receivedAt: at, expiresAt: at + 3_600_000, brands: ['apple'], valueBand: '100_to_249', action: 'refused' });
    await north.services.store.areaAlerts.addRelayed(relayed(now, 'alert_old'));
    now = Date.now();
    const recent = await refuseASale(north, STORE);
    await north.services.store.areaAlerts.addRelayed(relayed(now, 'alert_new'));
    await north.services.close();

    const lines: string[] = [];
    expect(await runPurge({ db: north.databasePath, olderThan: '400d', dryRun: false }, { out: (line) => lines.push(line), err: (line) => lines.push(line) })).toBe(0);
    expect(lines.join('\n')).toContain('and 2 area alerts from before then');

    const after = await testApp({ databasePath: north.databasePath });
    const left = (await after.call('GET', '/v1/area-alerts?hours=24', { key: north.adminKey })).json.alerts;
    expect(left.map((alert: { checkId: string }) => alert.checkId)).toEqual([recent]);
    expect(await after.services.store.areaAlerts.relayedCursor()).toBe(now);
    expect(await after.services.store.areaAlerts.relayedLiveIn('SG1', now, 10)).toEqual([expect.objectContaining({ id: 'alert_new' })]);
  });
});

describe.skipIf(!postgresAvailable)('area alerts between retailers, on PostgreSQL', () => {
  it('one node’s fetch reaches every node’s checks and a restarted node’s; the store purges them with the checks', async () => {
    const exchange = await startExchange({ databasePath: await freshPostgresUrl() });
    const north = await member(exchange, 'north-retail', { [STORE]: 'SG1' }, { databasePath: await freshPostgresUrl(), idSecret: 'n'.repeat(40) });
    const southUrl = await freshPostgresUrl();
    const southA = await member(exchange, 'south-retail', { [OTHER_STORE]: 'SG1' }, { databasePath: southUrl, idSecret: 's'.repeat(40) });
    const southB = await testApp({
      exchange: exchange.member('south-retail', { timeoutMs: 2_000, districts: new Map([[OTHER_STORE, 'SG1']]) }),
      databasePath: southUrl,
      idSecret: 's'.repeat(40),
    });

    const refusedId = await refuseAHold(north, STORE);
    expect(await north.alerts.share()).toBe(1);
    expect((await north.call('GET', '/v1/area-alerts', { key: north.adminKey })).json.alerts).toEqual([expect.objectContaining({ checkId: refusedId })]);
    expect(await southA.alerts.sync()).toBe(1);
    expect(await southB.services.alertExchange!.sync()).toBe(0);

    const onB = await southB.call('POST', '/v1/checks', { key: southA.till, body: presentShopping(OTHER_STORE) });
    expect(onB.json.action).toBe('prompt');
    expect(onB.json.prompt.say).toContain(SCAM_LINE);
    await southB.services.stopBackground();
    await southB.services.close();
    const restarted = await testApp({
      exchange: exchange.member('south-retail', { timeoutMs: 2_000, districts: new Map([[OTHER_STORE, 'SG1']]) }),
      databasePath: southUrl,
      idSecret: 's'.repeat(40),
    });
    const afterRestart = await restarted.call('POST', '/v1/checks', { key: southA.till, body: presentShopping(OTHER_STORE) });
    expect(ruleIds(afterRestart.json)).toContain('scam-stopped-nearby');

    // Purged with the checks' retention, own alerts and relayed ones alike.
    expect(await restarted.services.store.retention.purgeAreaAlertsBefore(Date.now() - 86_400_000)).toBe(0);
    expect(await restarted.services.store.retention.purgeAreaAlertsBefore(Date.now() + 60_000)).toBe(1);
    expect(await north.services.store.retention.purgeAreaAlertsBefore(Date.now() + 60_000)).toBe(1);
    expect((await restarted.call('POST', '/v1/checks', { key: southA.till, body: presentShopping(OTHER_STORE) })).json.action).toBe('allow');
  });
});
