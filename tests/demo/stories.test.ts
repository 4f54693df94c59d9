import { describe, expect, it } from 'vitest';
import { planVisits, playVisits } from '../../scripts/demo/play.js';
import { seededRandom } from '../../scripts/demo/random.js';
import { SCAMS, STORES } from '../../scripts/demo/shopping.js';
import { testApp } from '../helpers/app.js';

const DAY = Date.UTC(2017, 9, 30) / 86_400_000;

async function setUp() {
  let now = DAY * 86_400_000;
  const app = testApp({ clock: () => now });
  const till = await app.makeKey('till', STORES);
  return { ...app, till, setClock: (ms: number) => (now = ms) };
}

// The demo plays through the real routes and rules: if a rule change stopped its scams being caught,
// or made its baskets invalid, the dashboard a newcomer sees would quietly stop making sense.
describe('the demo data', () => {
  it('plays a day of shopping without a refused request, warning on few ordinary shoppers', async () => {
    const { app, till, setClock, call, makeKey } = await setUp();
    const visits = planVisits(seededRandom(1), DAY, DAY, 0);
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
});
