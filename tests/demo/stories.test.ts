import { describe, expect, it } from 'vitest';
import { planVisits, playVisits } from '../../scripts/demo/play.js';
import { seededRandom } from '../../scripts/demo/random.js';
import { lastDecember, seasonOf, staffVouchersVisit } from '../../scripts/demo/season.js';
import { SCAMS, STORES } from '../../scripts/demo/shopping.js';
import { testApp } from '../helpers/app.js';

const DAY = Date.UTC(2017, 9, 30) / 86_400_000;

async function setUp() {
  let now = DAY * 86_400_000;
  const app = await testApp({ clock: () => now });
  const till = await app.makeKey('till', STORES);
  return { ...app, till, setClock: (ms: number) => (now = ms) };
}

// The demo plays through the real routes and rules: if a rule change stopped its scams being caught,
// or made its baskets invalid, the dashboard a newcomer sees would quietly stop making sense.
describe('the demo data', () => {
  it('plays a day of shopping without a refused request, warning on few ordinary shoppers', async () => {
    const { app, till, setClock, call, makeKey } = await setUp();
    const visits = planVisits(seededRandom(1), [DAY], 0);
    const played = await playVisits(app, till, visits, setClock);
    expect(played.filter((p) => p.problem)).toEqual([]);
    const summary = (await call('GET', '/v1/reports/summary?from=2017-10-30&to=2017-10-30', { key: await makeKey('analyst') })).json;
    expect(summary.totals.checks).toBe(visits.length);
    expect(summary.totals.promptRate).toBeLessThan(0.1);
  });

  it('warns on every scam story, and most end in a stop', async () => {
    const { app, till, setClock, call, makeKey } = await setUp();
    const random = seededRandom(7);
    const visits = SCAMS.flatMap((story, index) => story(random, (DAY * 24 + 9 + index * 2) * 3_600_000));
    const played = await playVisits(app, till, visits, setClock);
    expect(played.filter((p) => p.problem)).toEqual([]);
    for (const { visit, first } of played) expect(first, visit.story).not.toBe('allow');
    const summary = (await call('GET', '/v1/reports/summary?from=2017-10-30&to=2017-10-30', { key: await makeKey('analyst') })).json;
    expect(summary.totals.stops).toBeGreaterThanOrEqual(visits.length - 2);
    expect(summary.totals.valueProtected.GBP).toBeGreaterThan(500_000);
    const holds = (await call('GET', '/v1/reports/holds?from=2017-10-30&to=2017-10-30', { key: await makeKey('analyst') })).json;
    expect(holds.totals.opened).toBeGreaterThan(0);
    expect(holds.totals.timeToSupervisor.decisions).toBeGreaterThan(0);
  });

  it('plays a December day: three times the shoppers, and Christmas shopping and staff vouchers left to go through', async () => {
    const { app, till, setClock } = await setUp();
    const eve = Date.UTC(2017, 11, 20) / 86_400_000;
    const random = seededRandom(3);
    const visits = [...planVisits(random, [eve], 0), ...STORES.slice(0, 3).map((store, n) => staffVouchersVisit(random, store, (eve * 24 + 10 + n) * 3_600_000))];
    expect(visits.length).toBeGreaterThan(planVisits(seededRandom(3), [DAY], 0).length * 2);
    const played = await playVisits(app, till, visits, setClock);
    expect(played.filter((p) => p.problem)).toEqual([]);
    const christmas = played.filter((p) => p.visit.story === 'Christmas presents');
    const older = christmas.filter((p) => ['60_69', '70_79', '80_plus'].includes(p.visit.check.customer?.ageBand ?? ''));
    expect(older.length).toBeGreaterThan(50);
    expect(christmas.filter((p) => p.first !== 'allow').length / christmas.length).toBeLessThan(0.03);
    expect(older.filter((p) => p.first !== 'allow').length / older.length).toBeLessThan(0.05);
    const staff = played.filter((p) => p.visit.story === 'Staff Christmas vouchers');
    expect(staff.map((p) => [p.first, p.last]).flat().filter((action) => action === 'hold' || action === 'refuse')).toEqual([]);
  });
});

describe('the demo season', () => {
  it('builds to Christmas Eve, shuts on Christmas Day, and is the last whole December', () => {
    const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
    expect(seasonOf(day(2026, 12, 25)).closed).toBe(true);
    expect(seasonOf(day(2026, 12, 24)).busy).toBeGreaterThan(seasonOf(day(2026, 12, 2)).busy);
    expect(seasonOf(day(2026, 12, 2)).busy).toBeGreaterThan(seasonOf(day(2026, 10, 2)).busy);
    expect(seasonOf(day(2026, 10, 2))).toMatchObject({ busy: 1, christmas: 0 });
    expect(lastDecember(day(2026, 11, 27))).toEqual({ first: day(2025, 12, 1), last: day(2025, 12, 31) });
    expect(lastDecember(day(2026, 12, 31))).toEqual({ first: day(2026, 12, 1), last: day(2026, 12, 31) });
    expect(lastDecember(day(2027, 1, 3))).toEqual({ first: day(2026, 12, 1), last: day(2026, 12, 31) });
  });
});
