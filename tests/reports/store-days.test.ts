import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { undoSeparateWorlds } from '../helpers/schema.js';

const present = [{ kind: 'gift_card' as const, brand: 'amazon', unitAmount: 2000, quantity: 1 }];
const appleCards = [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity: 3 }];

type DayRow = { day: string; checks: number };

/** A store in `timeZone` (the service's default, Europe/London, if none), a till, an analyst, and the clock in hand. */
async function storeIn(timeZone: string | undefined, now: string) {
  let clock = Date.parse(now);
  const app = await testApp({ clock: () => clock, ...(timeZone ? { timeZone } : {}) });
  const till = await app.makeKey('till', [STORE]);
  const analyst = await app.makeKey('analyst');
  const send = async (occurredAt: string | undefined, lines = present, customer = {}) => {
    const response = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ ...(occurredAt ? { occurredAt } : {}), lines, customer }) });
    expect(response.status, response.text).toBe(201);
    return response.json as { checkId: string; action: string };
  };
  const get = async (path: string) => {
    const response = await app.call('GET', path, { key: analyst });
    expect(response.status, response.text).toBe(200);
    return response;
  };
  const summary = async (query: string) => (await get(`/v1/reports/summary?${query}`)).json;
  const csv = async (query: string) => parse((await get(`/v1/reports/checks.csv?${query}`)).text, { columns: true }) as Record<string, string>[];
  const checksByDay = async (query: string) => Object.fromEntries(((await summary(`${query}&groupBy=day`)).byDay as DayRow[]).map((d) => [d.day, d.checks]));
  return { ...app, till, analyst, send, summary, csv, checksByDay, setClock: (iso: string) => (clock = Date.parse(iso)) };
}

describe('report days in the store’s time zone', () => {
  it('count a check on its London date across the spring change, a day of 23 hours', async () => {
    const london = await storeIn(undefined, '2026-03-31T12:00:00.000Z');
    await london.send('2026-03-28T23:30:00.000Z'); // 23:30 GMT on the 28th
    await london.send('2026-03-29T00:30:00.000Z'); // 00:30 GMT on the 29th (the UTC day too)
    await london.send('2026-03-29T22:59:59.999Z'); // 23:59:59 BST on the 29th
    await london.send('2026-03-29T23:00:00.000Z'); // midnight BST: the 30th, though still the 29th in UTC

    const summary = await london.summary('from=2026-03-28&to=2026-03-30&groupBy=day');
    expect(summary.timeZone).toBe('Europe/London');
    expect(await london.checksByDay('from=2026-03-28&to=2026-03-30')).toEqual({ '2026-03-28': 1, '2026-03-29': 2, '2026-03-30': 1 });

    const rows = await london.csv('from=2026-03-29&to=2026-03-29');
    expect(rows.map((row) => [row.occurred_at, row.day])).toEqual([
      ['2026-03-29T00:30:00.000Z', '2026-03-29'],
      ['2026-03-29T22:59:59.999Z', '2026-03-29'],
    ]);
    // Over half a year the report reads whole 32-day blocks as well as days: the same four checks.
    expect((await london.summary('from=2026-01-01&to=2026-06-30')).totals.checks).toBe(4);
    expect((await london.summary('from=2026-03-30&to=2026-06-30')).totals.checks).toBe(1);
  });

  it('count a check on its London date across the autumn change, a day of 25 hours', async () => {
    const london = await storeIn(undefined, '2026-10-27T12:00:00.000Z');
    await london.send('2026-10-24T22:59:59.999Z'); // 23:59:59 BST on the 24th
    await london.send('2026-10-24T23:00:00.000Z'); // midnight BST: the 25th
    await london.send('2026-10-25T00:30:00.000Z'); // 01:30 BST
    await london.send('2026-10-25T01:30:00.000Z'); // 01:30 GMT, the hour again
    await london.send('2026-10-25T23:59:59.999Z'); // 23:59:59 GMT on the 25th
    await london.send('2026-10-26T00:00:00.000Z'); // the 26th

    expect(await london.checksByDay('from=2026-10-24&to=2026-10-26')).toEqual({ '2026-10-24': 1, '2026-10-25': 4, '2026-10-26': 1 });
    const rows = await london.csv('from=2026-10-25&to=2026-10-25');
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((row) => row.day))).toEqual(new Set(['2026-10-25']));
    expect(rows[0]!.occurred_at).toBe('2026-10-24T23:00:00.000Z');
    expect((await london.summary('from=2026-10-25&to=2026-10-25')).totals.checks).toBe(4);
  });

  it('count days in any IANA zone, and `to` defaults to today in the store', async () => {
    // New York: the clocks go forward at 02:00 on 8 March 2026, so that day starts 05:00 UTC and ends 04:00 UTC.
    const newYork = await storeIn('America/New_York', '2026-03-09T03:45:00.000Z');
    await newYork.send('2026-03-08T04:59:59.999Z'); // 23:59:59 EST on the 7th
    await newYork.send('2026-03-08T05:00:00.000Z'); // midnight EST: the 8th
    await newYork.send('2026-03-09T03:30:00.000Z'); // 23:30 EDT on the 8th: the 9th in UTC and in London

    // 03:45 UTC on the 9th is still the 8th in New York: today, by default.
    const summary = await newYork.summary('groupBy=day');
    expect(summary).toMatchObject({ to: '2026-03-08', timeZone: 'America/New_York' });
    expect(await newYork.checksByDay('from=2026-03-07&to=2026-03-09')).toEqual({ '2026-03-07': 1, '2026-03-08': 2, '2026-03-09': 0 });
    expect((await newYork.csv('from=2026-03-08&to=2026-03-08')).map((row) => row.day)).toEqual(['2026-03-08', '2026-03-08']);

    // Kolkata is 5½ hours ahead: 20:00 UTC on the 8th is 01:30 on the 9th.
    const kolkata = await storeIn('Asia/Kolkata', '2026-03-10T12:00:00.000Z');
    await kolkata.send('2026-03-08T18:29:59.999Z');
    await kolkata.send('2026-03-08T20:00:00.000Z');
    expect(await kolkata.checksByDay('from=2026-03-08&to=2026-03-09')).toEqual({ '2026-03-08': 1, '2026-03-09': 1 });
  });

  it('put a hold on the London date it was opened', async () => {
    const london = await storeIn(undefined, '2026-10-24T23:30:00.000Z'); // 00:30 BST on the 25th
    const held = await london.send(undefined, appleCards, { ageBand: '80_plus' });
    expect(held.action).toBe('hold');
    london.setClock('2026-10-27T12:00:00.000Z');
    const report = (await london.call('GET', '/v1/reports/holds?from=2026-10-24&to=2026-10-25', { key: london.analyst })).json;
    expect(report.timeZone).toBe('Europe/London');
    expect(report.byDay.map((day: { day: string; opened: number }) => [day.day, day.opened])).toEqual([
      ['2026-10-24', 0],
      ['2026-10-25', 1],
    ]);
    const dayBefore = (await london.call('GET', '/v1/reports/holds?from=2026-10-24&to=2026-10-24', { key: london.analyst })).json;
    expect(dayBefore.totals.opened).toBe(0);
  });
});

describe('migration 0130', () => {
  it('builds the roll-ups again on store days, from the live checks, counting each once', async () => {
    const first = await storeIn(undefined, '2026-10-27T12:00:00.000Z');
    const sent = ['2026-10-24T22:59:59.999Z', '2026-10-24T23:00:00.000Z', '2026-10-25T12:00:00.000Z', '2026-10-26T00:00:00.000Z'];
    for (const at of sent) await first.send(at);
    const outcomeFor = (await first.send('2026-10-25T23:30:00.000Z', appleCards, { ageBand: '80_plus' })).checkId;
    await first.call('POST', `/v1/checks/${outcomeFor}/outcome`, { key: first.till, body: { outcome: 'scam_confirmed' } });
    const testKey = (await first.call('POST', '/v1/keys', { key: first.adminKey, body: { role: 'till', mode: 'test', name: 'test till', storeIds: [STORE] } })).json.key;
    await first.call('POST', '/v1/checks', { key: testKey, body: aCheck({ occurredAt: '2026-10-25T12:00:00.000Z' }) });
    const expected = await first.summary('from=2026-10-24&to=2026-10-26');
    // One more check, written but not yet in the roll-ups when the service stops.
    await first.send('2026-10-25T13:00:00.000Z');
    first.services.store.close();

    // As 0120 left them: report_applied without days, the roll-ups keyed some other way, one check pending.
    const db = new Database(first.databasePath);
    db.exec(`
      ALTER TABLE report_applied DROP COLUMN business_day;
      UPDATE report_days SET day = day - 1;
      UPDATE report_rule_days SET day = day - 1;
      UPDATE report_blocks SET checks = checks + 1000;
    `);
    expect((db.prepare('SELECT count(*) AS n FROM report_dirty').get() as { n: number }).n).toBeGreaterThan(0);
    undoSeparateWorlds(db);
    db.pragma('user_version = 120');
    db.close();

    const reopened = await testApp({ databasePath: first.databasePath, clock: () => Date.parse('2026-10-27T12:00:00.000Z') });
    const get = async (path: string) => (await reopened.call('GET', path, { key: first.analyst })).json;
    const raw = new Database(first.databasePath, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    expect((raw.prepare('SELECT count(*) AS n FROM report_dirty').get() as { n: number }).n).toBe(0);
    raw.close();
    const summary = await get('/v1/reports/summary?from=2026-10-24&to=2026-10-26');
    // The pending check counts once; everything else as before, on the same days, and the test check not at all.
    expect(summary.totals.checks).toBe(expected.totals.checks + 1);
    expect(summary.totals.storedValue.GBP).toBe(expected.totals.storedValue.GBP + 2000);
    expect(summary.totals.valueProtected).toEqual(expected.totals.valueProtected);
    expect(summary.rules).toEqual(expected.rules);
    expect(summary.byDay.map((day: DayRow) => [day.day, day.checks])).toEqual([
      ['2026-10-24', 1],
      ['2026-10-25', 4],
      ['2026-10-26', 1],
    ]);
    expect(summary.totals.stops).toBe(1);
    expect(summary.rules.byHits.length).toBeGreaterThan(0);
    // A long period reads the rebuilt blocks: the same checks, not the 1,000 planted in the old rows.
    const year = await get('/v1/reports/summary?from=2026-01-01&to=2026-12-31');
    expect(year.totals.checks).toBe(6);
    expect(year.rules).toEqual(expected.rules);
    // The store's own rows as well as the chain's.
    expect((await get(`/v1/reports/summary?from=2026-01-01&to=2026-12-31&storeId=${STORE}`)).totals).toEqual(year.totals);
    // And they keep up afterwards: a check that goes is taken out of the day it was put in.
    const db2 = new Database(first.databasePath);
    db2.pragma('foreign_keys = ON');
    db2.prepare('DELETE FROM checks WHERE id = ?').run(outcomeFor);
    db2.close();
    const less = await get('/v1/reports/summary?from=2026-10-24&to=2026-10-26&groupBy=day');
    expect(less.byDay.map((day: DayRow) => [day.day, day.checks])).toEqual([
      ['2026-10-24', 1],
      ['2026-10-25', 3],
      ['2026-10-26', 1],
    ]);
    expect(less.totals.stops).toBe(0);
  });
});
