/**
 * Loads six weeks of realistic gift-card shopping in six stores into the configured database, with a
 * few scams, the supervisors who came when a sale was held, and what came of them, so a newcomer sees a
 * living dashboard:
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
import { dayDate, resolvePeriod, utcDay } from '../src/reports/period.js';
import { buildHoldsReport } from '../src/reports/holds.js';
import { ALL_GROUPINGS, buildSummary } from '../src/reports/summary.js';
import { buildServices } from '../src/services.js';
import { planVisits, playVisits } from './demo/play.js';
import { seededRandom } from './demo/random.js';
import { STORES } from './demo/shopping.js';

const WEEKS = 6;

const config = loadConfig();
let now = Date.now();
const services = buildServices({
  databasePath: config.databasePath,
  rulesDirectory: config.rulesDirectory,
  idSecret: config.idSecret,
  logger: createLogger('warn'),
  clock: () => now,
});
const { store } = services;

const lastDay = utcDay(now) - 1;
const firstDay = lastDay - WEEKS * 7 + 1;
// Seeded by the first day: the same day gives the same visits, so a rerun only replays them.
const visits = planVisits(seededRandom(firstDay), firstDay, lastDay);
const { key: tillKey } = issueApiKey(store, { role: 'till', name: 'Demo tills', storeIds: STORES }, 'demo', now);

const progress = new SingleBar({ format: 'Shopping {bar} {percentage}% | {value}/{total} visits | {day}', hideCursor: true }, Presets.shades_classic);
progress.start(visits.length, 0, { day: dayDate(firstDay) });
const played = await playVisits(createApp(services), tillKey, visits, (ms) => (now = ms), ({ visit }) =>
  progress.increment(1, { day: new Date(visit.at).toISOString().slice(0, 10) }),
);
progress.stop();

now = Date.now();
const period = resolvePeriod({ from: dayDate(firstDay), to: dayDate(lastDay) }, now);
const { totals } = buildSummary(store, { period, storeIds: null, groupBy: new Set(ALL_GROUPINGS) }, now);
const holds = buildHoldsReport(store, { period, storeIds: null }, now).totals;
const { key: analystKey } = issueApiKey(store, { role: 'analyst', name: `Demo analyst (${dayDate(utcDay(now))})` }, 'demo', now);
store.close();

const problems = played.flatMap(({ problem }) => (problem ? [problem] : []));
console.log(`
${visits.length.toLocaleString('en-GB')} visits in ${STORES.length} stores, ${period.from} to ${period.to}, are in ${config.databasePath}.
Vouchsafe warned on ${totals.warned} checks; ${totals.stops} ended in a stop, protecting ${formatMoney(totals.valueProtected.GBP ?? 0, 'GBP')}.
${holds.opened} sales were held for a supervisor: ${holds.released} released, ${holds.refused} refused, ${holds.expired} left to expire.
${problems.length ? `\n${problems.length} visits were refused by the service:\n  ${problems.slice(0, 5).join('\n  ')}\n` : ''}
To see it:
  1. npm start          (if the service is not running already)
  2. open http://${config.host}:${config.port}/dashboard
  3. sign in with this analyst key (it is shown only now; it can also call /v1/reports/*):

     ${analystKey}
`);
