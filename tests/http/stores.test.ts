import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/backtest/backtest.js';
import { compileRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';
import { appleCards, presentShopping } from '../helpers/area-baskets.js';

/** Stevenage town centre, a shop about 2 km away in the same town, and one in Luton, about 15 km off. */
const STEVENAGE = { lat: 51.9017, lon: -0.2019, district: 'SG1' };
const NEAR = { lat: 51.9194, lon: -0.2028, district: 'SG2' };
const LUTON = { lat: 51.8787, lon: -0.42, district: 'LU1' };
const NEAR_STORE = 'herts-stevenage-020';
const FAR_STORE = 'beds-luton-001';

const ALL_STORES = [STORE, OTHER_STORE, NEAR_STORE, FAR_STORE, 'unregistered-001', 'unregistered-007'];

const aStore = (extra: Record<string, unknown> = {}) => ({ name: 'Stevenage Town Centre', timeZone: 'Europe/London', locale: 'en-GB', currency: 'GBP', location: STEVENAGE, ...extra });


async function setUp(options: Parameters<typeof testApp>[0] = {}) {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  const app = await testApp({ clock: () => now, ...options });
  const till = await app.makeKey('till', ALL_STORES);
  const put = (id: string, body: unknown, key = app.adminKey) => app.call('PUT', `/v1/stores/${id}`, { key, body });
  const check = (body: unknown, headers: Record<string, string> = {}) => app.call('POST', '/v1/checks', { key: till, body, headers });
  return { ...app, till, put, check, advance: (ms: number) => (now += ms), now: () => now };
}

/** Three stores: two in Stevenage about 2 km apart, one in Luton. */
async function withStores(options: Parameters<typeof testApp>[0] = {}) {
  const context = await setUp(options);
  expect((await context.put(STORE, aStore())).status).toBe(201);
  expect((await context.put(NEAR_STORE, aStore({ name: 'Stevenage Old Town', location: NEAR }))).status).toBe(201);
  expect((await context.put(FAR_STORE, aStore({ name: 'Luton Arndale', location: LUTON }))).status).toBe(201);
  return context;
}

/** A sale refused at `storeId`: the customer says someone asked for the numbers on the back. */
async function refuseASale(context: Awaited<ReturnType<typeof setUp>>, storeId: string) {
  const first = await context.check(appleCards(storeId));
  expect(first.json.action).toBe('prompt');
  const answered = await context.call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: context.till, body: { answers: { codesRequested: 'yes' } } });
  expect(answered.json.action).toBe('refuse');
  return first.json.checkId as string;
}

describe('stores as records', () => {
  it('are made, read, replaced and deleted by an admin, each change in the audit log', async () => {
    const { put, call, adminKey, makeKey } = await setUp();
    const made = await put(STORE, aStore());
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ id: STORE, timeZone: 'Europe/London', locale: 'en-GB', currency: 'GBP', location: STEVENAGE, source: 'api' });

    const replaced = await put(STORE, aStore({ name: 'Stevenage Westgate', locale: 'cy-gb' }));
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ name: 'Stevenage Westgate', locale: 'cy-GB', createdAt: made.json.createdAt });
    // The same again changes nothing, so records nothing.
    expect((await put(STORE, aStore({ name: 'Stevenage Westgate', locale: 'cy-GB' }))).status).toBe(200);

    const analyst = await makeKey('analyst');
    expect((await call('GET', `/v1/stores/${STORE}`, { key: analyst })).json.name).toBe('Stevenage Westgate');
    expect((await call('GET', '/v1/stores', { key: analyst })).json.stores.map((store: { id: string }) => store.id)).toEqual([STORE]);
    expect((await put(OTHER_STORE, aStore(), analyst)).status).toBe(403);
    expect((await call('DELETE', `/v1/stores/${STORE}`, { key: analyst })).status).toBe(403);

    expect((await call('DELETE', `/v1/stores/${STORE}`, { key: adminKey })).status).toBe(200);
    expect((await call('GET', `/v1/stores/${STORE}`, { key: analyst })).status).toBe(404);
    expect((await call('DELETE', `/v1/stores/${STORE}`, { key: adminKey })).status).toBe(404);

    const audit = (await call('GET', '/v1/audit', { key: adminKey })).json.entries.filter((entry: { action: string }) => entry.action.startsWith('store.'));
    expect(audit.map((entry: { action: string; subject: string }) => [entry.action, entry.subject])).toEqual([
      ['store.deleted', STORE],
      ['store.updated', STORE],
      ['store.created', STORE],
    ]);
    expect(audit[1].detail).toMatchObject({ name: 'Stevenage Westgate', locale: 'cy-GB' });
  });

  it.each([
    ['a latitude off the globe', { location: { lat: 91, lon: 0 } }, 'location.lat'],
    ['a longitude off the globe', { location: { lat: 51, lon: -181 } }, 'location.lon'],
    ['coordinates that are not numbers', { location: { lat: '51.9', lon: -0.2 } }, 'location.lat'],
    ['an unknown time zone', { timeZone: 'Europe/Stevenage' }, 'timeZone'],
    ['a language the rules have no prompts in', { locale: 'fr-FR' }, 'locale'],
    ['a locale that is no language tag', { locale: 'English please' }, 'locale'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ['a field the API does not know', { manager: 'Sam' }, ''],
  ])('refuses %s, naming the field, and changes nothing', async (_what, change, field) => {
    const { put, call, adminKey } = await setUp();
    const response = await put(STORE, aStore(change));
    expect(response.status, response.text).toBe(400);
    expect(response.json.code).toBe('validation_failed');
    if (field) expect(response.json.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect((await call('GET', `/v1/stores/${STORE}`, { key: adminKey })).status).toBe(404);
  });

  it('come from a stores file at start, recorded once however often the service restarts with it', async () => {
    const first = await setUp();
    const path = join(first.dir, 'stores.yaml');
    writeFileSync(path, `stores:\n  ${STORE}:\n    name: Stevenage Town Centre\n    timeZone: Europe/London\n    locale: cy-GB\n    currency: GBP\n    location: { lat: 51.9017, lon: -0.2019, district: SG1 }\n`);
    await first.services.close();
    const started = await testApp({ databasePath: first.databasePath, storesFile: path });
    expect(started.services.registry.get(STORE)?.locale).toBe('cy-GB');
    await started.services.close();
    const again = await testApp({ databasePath: first.databasePath, storesFile: path });
    // The first app's admin key: a restarted service makes no new one.
    const store = await again.call('GET', `/v1/stores/${STORE}`, { key: first.adminKey });
    expect(store.json).toMatchObject({ locale: 'cy-GB', source: 'file', location: STEVENAGE });
    const audit = (await again.call('GET', '/v1/audit', { key: first.adminKey })).json.entries.filter((entry: { action: string }) => entry.action.startsWith('store.'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'stores-file', action: 'store.created' });
  });

  it('refuse to start from a stores file with a mistake, saying where', async () => {
    const { dir, databasePath, services } = await setUp();
    await services.close();
    const path = join(dir, 'stores.yaml');
    writeFileSync(path, `stores:\n  ${STORE}:\n    name: Stevenage\n    timeZone: Mars/Olympus\n    locale: en-GB\n    currency: GBP\n`);
    await expect(testApp({ databasePath, storesFile: path })).rejects.toThrow(`stores.${STORE}.timeZone`);
  });

  it('leave a store the registry lacks allowed, warning once in the log and listing it', async () => {
    const { check, call, adminKey, logLines, put } = await setUp();
    for (let i = 0; i < 3; i++) expect((await check(appleCards('unregistered-007'))).status).toBe(201);
    expect(logLines.filter((line) => line.includes('registry does not have') && line.includes('unregistered-007'))).toHaveLength(1);
    expect((await call('GET', '/v1/stores', { key: adminKey })).json.unknownStores).toEqual([{ storeId: 'unregistered-007', firstSeenAt: expect.any(String) }]);
    await put('unregistered-007', aStore());
    expect((await call('GET', '/v1/stores', { key: adminKey })).json.unknownStores).toEqual([]);
  });

  it('give a check its business day in the store’s time zone', async () => {
    const { put, check } = await setUp();
    await put(STORE, aStore({ timeZone: 'America/New_York', locale: 'en-US', currency: 'USD' }));
    const basket = (occurredAt: string, quantity: number) =>
      aCheck({ transactionId: 'T-0001', occurredAt, currency: 'USD', lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity }] });
    // 03:00 and 04:30 UTC are both 19 November in New York (20 November in London): one check, changed.
    const evening = await check(basket('2026-11-20T03:00:00.000Z', 1));
    expect((await check(basket('2026-11-20T04:30:00.000Z', 2))).json.checkId).toBe(evening.json.checkId);
    // 05:30 UTC is 00:30 on 20 November in New York: a new day, so a new check under the same id.
    expect((await check(basket('2026-11-20T05:30:00.000Z', 3))).json.checkId).not.toBe(evening.json.checkId);
  });
});

describe('the language of a check, store by store', () => {
  it('is the check’s locale, then the store’s, then Accept-Language (only where the registry lacks the store), then the default', async () => {
    const { put, check } = await setUp();
    await put(STORE, aStore({ locale: 'en-GB' }));
    const cases: Array<[string, Record<string, unknown>, Record<string, string>, string]> = [
      [STORE, { locale: 'cy-GB' }, { 'accept-language': 'en-US' }, 'cy-GB'],
      // A UK store's colleague on a browser set to en-US still gets Report Fraud and 999.
      [STORE, {}, { 'accept-language': 'en-US' }, 'en-GB'],
      ['unregistered-001', {}, { 'accept-language': 'en-US' }, 'en-US'],
      ['unregistered-001', {}, {}, 'en-GB'],
    ];
    for (const [storeId, extra, headers, locale] of cases) {
      const response = await check({ ...appleCards(storeId), ...extra }, headers);
      expect(response.json.locale, JSON.stringify([storeId, extra, headers])).toBe(locale);
    }
    const uk = await check(appleCards(STORE), { 'accept-language': 'en-US' });
    const advice = uk.json.prompt.advice.map((line: { text: string }) => line.text).join(' ');
    expect(advice).toContain('999');
    expect(advice).not.toContain('911');
  });

  it('follows a store whose language changes, on the next check', async () => {
    const { put, check } = await setUp();
    await put(STORE, aStore({ locale: 'en-GB' }));
    expect((await check(appleCards(STORE))).json.locale).toBe('en-GB');
    await put(STORE, aStore({ locale: 'cy-GB' }));
    expect((await check(appleCards(STORE))).json.locale).toBe('cy-GB');
  });
});

describe('an area alert', () => {
  it('reaches stores within the radius for the alert’s time, as facts the decision records', async () => {
    const context = await withStores();
    const { check, call, adminKey, till, advance } = context;
    // Before any scam is stopped, present shopping is left alone everywhere.
    expect((await check(presentShopping(NEAR_STORE))).json.action).toBe('allow');

    const refusedId = await refuseASale(context, STORE);
    const alerts = (await call('GET', '/v1/area-alerts', { key: adminKey })).json.alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ storeId: STORE, checkId: refusedId, reason: 'refused_sale', brands: ['apple'], valueBand: '100_to_499', radiusKm: 5 });
    expect(alerts[0].reached).toEqual([{ storeId: NEAR_STORE, km: 2 }]);

    advance(20 * 60_000);
    const near = await check(presentShopping(NEAR_STORE));
    expect(near.json.action).toBe('prompt');
    expect(near.json.reasons.map((reason: { ruleId: string }) => reason.ruleId)).toContain('scam-stopped-nearby');
    expect(near.json.prompt.say).toContain('A gift-card scam was stopped at a nearby shop in the last hour');
    const record = await call('GET', `/v1/checks/${near.json.checkId}`, { key: till });
    expect(record.json.evaluations[0].area).toEqual({
      facts: { scamsStopped: 1, nearestKm: 2, minutesSince: 20, brands: ['apple'] },
      alertIds: [alerts[0].id],
    });

    // Luton is beyond 5 km; the store that stopped the scam knows already.
    expect((await check(presentShopping(FAR_STORE))).json.action).toBe('allow');
    expect((await check(presentShopping(STORE))).json.action).toBe('allow');

    // An hour after it was raised, the alert has gone.
    advance(40 * 60_000);
    expect((await check(presentShopping(NEAR_STORE))).json.action).toBe('allow');
  });

  it('is raised once per check, by a refused hold and by a confirmed scam too', async () => {
    const context = await withStores();
    const { check, call, adminKey, makeKey } = context;
    const supervisor = await makeKey('supervisor', ALL_STORES);
    const held = await check(aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '80_plus' } }));
    expect(held.json.action).toBe('hold');
    const refused = await call('POST', `/v1/checks/${held.json.checkId}/review`, { key: supervisor, body: { decision: 'refuse', supervisorRef: 'S-12' } });
    expect(refused.status, refused.text).toBe(200);

    const prompted = await check(appleCards(NEAR_STORE));
    const outcome = await call('POST', `/v1/checks/${prompted.json.checkId}/outcome`, { key: context.till, body: { outcome: 'scam_confirmed' } });
    expect(outcome.status, outcome.text).toBe(201);
    // Refused and then confirmed: still the one alert.
    const refusedSale = await refuseASale(context, FAR_STORE);
    await call('POST', `/v1/checks/${refusedSale}/outcome`, { key: context.till, body: { outcome: 'scam_confirmed' } });

    const alerts = (await call('GET', '/v1/area-alerts', { key: adminKey })).json.alerts;
    expect(alerts.map((alert: { storeId: string; reason: string }) => [alert.storeId, alert.reason]).sort()).toEqual([
      [FAR_STORE, 'refused_sale'],
      [STORE, 'refused_hold'],
      [NEAR_STORE, 'scam_confirmed'],
    ].sort());
  });

  it('reaches test checks only from test checks, and live ones only from live ones', async () => {
    const context = await withStores();
    const testTill = (await context.call('POST', '/v1/keys', { key: context.adminKey, body: { role: 'till', name: 'test till', mode: 'test', storeIds: ALL_STORES } })).json.key;
    const first = await context.call('POST', '/v1/checks', { key: testTill, body: appleCards(STORE) });
    await context.call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: testTill, body: { answers: { codesRequested: 'yes' } } });
    expect((await context.check(presentShopping(NEAR_STORE))).json.action).toBe('allow');
    expect((await context.call('POST', '/v1/checks', { key: testTill, body: presentShopping(NEAR_STORE) })).json.action).toBe('prompt');
  });

  it('survives a restart', async () => {
    const context = await withStores();
    await refuseASale(context, STORE);
    await context.services.close();
    const restarted = await testApp({ databasePath: context.databasePath, clock: () => context.now() + 60_000 });
    const near = await restarted.call('POST', '/v1/checks', { key: context.till, body: presentShopping(NEAR_STORE) });
    expect(near.json.action).toBe('prompt');
  });

  it('is replayed by a back-test as the check saw it, and not for checks made before it', async () => {
    const context = await withStores();
    const before = await context.check(presentShopping(NEAR_STORE));
    context.advance(60_000);
    await refuseASale(context, STORE);
    context.advance(60_000);
    const after = await context.check(presentShopping(NEAR_STORE));
    const rules = loadRuleDirectory('rules');
    const baseline = compileRuleSet(rules);
    const candidate = compileRuleSet({
      ...rules,
      files: [...rules.files, { path: 'zz-hold-nearby.yaml', content: 'rules:\n  - id: hold-when-a-scam-was-stopped-nearby\n    when: area.scamsStopped >= 1\n    action: hold\n    reason: r\n' }],
    });
    const report = await backtest(
      context.services.store.replay.checks({ from: 0, to: context.now() + 1, storeIds: [NEAR_STORE] }),
      baseline,
      candidate,
      { from: '2026-11-20', to: '2026-11-20', interveneAt: 'prompt', examples: 10 },
    );
    expect(report.checks).toBe(2);
    expect(report.changes.examples.map((example) => [example.checkId, example.baseline.action, example.candidate.action])).toEqual([[after.json.checkId, 'prompt', 'hold']]);
    expect(report.changes.examples.some((example) => example.checkId === before.json.checkId)).toBe(false);
  });
});
