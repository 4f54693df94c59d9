/**
 * Loads six weeks of realistic gift-card shopping in six stores into the configured database, and the
 * last whole December (the season: Christmas presents, staff vouchers, three times the shoppers),
 * with a few scams, the supervisors who came when a sale was held, and what came of them, so a
 * newcomer sees a living dashboard and `vouchsafe tune` has a season to learn from:
 *
 *   npm run demo
 *
 * Every visit goes through the service's own HTTP routes in-process (the real rules, history windows,
 * answers and outcomes), on a clock set to the visit's time. Running it again the same day replays the
 * same transactions, which the service recognises, so nothing is counted twice.
 */
import { Presets, SingleBar } from 'cli-progress';
import { issueApiKey } from '../src/access/api-keys.js';
import { createApp } from '../src/http/app.js';
import { loadConfig } from '../src/config.js';
import { formatMoney } from '../src/engine/index.js';
import { createLogger } from '../src/log.js';
import { dayDate, resolvePeriod, storeDay } from '../src/reports/period.js';
import { buildHoldsReport } from '../src/reports/holds.js';
import { ALL_GROUPINGS, buildSummary } from '../src/reports/summary.js';
import { buildServices } from '../src/services.js';
import { StartupRefusal } from '../src/store/index.js';
import { dayRange, planVisits, playVisits } from './demo/play.js';
import { seededRandom } from './demo/random.js';
import { lastDecember } from './demo/season.js';
import { STORES } from './demo/shopping.js';

const WEEKS = 6;

const config = loadConfig();
let now = Date.now();
const services = await (async () => {
  try {
    return await buildServices({
      databasePath: config.databasePath,
      rulesDirectory: config.rulesDirectory,
      idSecret: config.idSecret,
      logger: createLogger('warn'),
      clock: () => now,
      timeZone: config.timeZone,
    });
  } catch (error) {
    // Most often the service is running: it holds the database, and the demo waits its turn.
    if (!(error instanceof StartupRefusal)) throw error;
    process.stderr.write(`npm run demo: ${error.message}\n`);
    process.exit(78);
  }
})();
const { store } = services;

const lastDay = storeDay(now, config.timeZone) - 1;
const december = lastDecember(storeDay(now, config.timeZone));
const seasonDays = dayRange(december.first, december.last);
const recentDays = dayRange(lastDay - WEEKS * 7 + 1, lastDay).filter((day) => day < december.first || day > december.last);
const firstDay = Math.min(seasonDays[0]!, recentDays[0] ?? Infinity);
// Each part seeded by its first day: the same days give the same visits, so a rerun only replays them.
const visits = [...planVisits(seededRandom(december.first), seasonDays), ...planVisits(seededRandom(recentDays[0] ?? lastDay), recentDays)].sort(
  (a, b) => a.at - b.at,
);
const { key: tillKey } = await issueApiKey(store, { role: 'till', name: 'Demo tills', storeIds: STORES }, 'demo', now);

const progress = new SingleBar({ format: 'Shopping {bar} {percentage}% | {value}/{total} visits | {day}', hideCursor: true }, Presets.shades_classic);
progress.start(visits.length, 0, { day: dayDate(firstDay) });
const played = await playVisits(createApp(services), tillKey, visits, (ms) => (now = ms), ({ visit }) =>
  progress.increment(1, { day: new Date(visit.at).toISOString().slice(0, 10) }),
);
progress.stop();

now = Date.now();
const figures = async (label: string, from: number, to: number) => {
  const period = resolvePeriod({ from: dayDate(from), to: dayDate(to) }, now, config.timeZone);
  const { totals } = await buildSummary(store, { period, storeIds: null, groupBy: new Set(ALL_GROUPINGS) }, now);
  const promptRate = totals.promptRate === null ? '—' : `${(totals.promptRate * 100).toFixed(1)}%`;
  return `${label}: ${totals.checks.toLocaleString('en-GB')} checks, ${promptRate} of gift-card baskets interrupted, ${totals.stops} stops protecting ${formatMoney(totals.valueProtected.GBP ?? 0, 'GBP')}.`;
};
const holds = async (from: number, to: number) => {
  const { totals } = await buildHoldsReport(store, { period: resolvePeriod({ from: dayDate(from), to: dayDate(to) }, now, config.timeZone), storeIds: null }, now);
  return `${totals.opened} sales held for a supervisor: ${totals.released} released, ${totals.refused} refused, ${totals.expired} left to expire.`;
};
const summaries = [
  await figures(`December ${dayDate(december.first).slice(0, 4)}`, december.first, december.last),
  `  ${await holds(december.first, december.last)}`,
  await figures(`The ${WEEKS} weeks to ${dayDate(lastDay)}`, lastDay - WEEKS * 7 + 1, lastDay),
  `  ${await holds(lastDay - WEEKS * 7 + 1, lastDay)}`,
];
const { key: analystKey } = await issueApiKey(store, { role: 'analyst', name: `Demo analyst (${dayDate(storeDay(now, config.timeZone))})` }, 'demo', now);
await store.close();

const problems = played.flatMap(({ problem }) => (problem ? [problem] : []));
console.log(`
${visits.length.toLocaleString('en-GB')} visits in ${STORES.length} stores are in ${config.databasePath}.
  ${summaries.join('\n  ')}
${problems.length ? `\n${problems.length} visits were refused by the service:\n  ${problems.slice(0, 5).join('\n  ')}\n` : ''}
To see it:
  1. npm start          (if the service is not running already)
  2. open http://${config.host}:${config.port}/dashboard
  3. sign in with this analyst key (it is shown only now; it can also call /v1/reports/*):

     ${analystKey}
`);
