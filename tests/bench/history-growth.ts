import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBodies } from './lib/check-bodies.js';
import { createIdentityHasher, loadOrCreateIdSecret } from '../../src/customer-identifiers.js';
import { openStore } from '../../src/store/index.js';
import { historyDatabase } from './lib/fixtures.js';
import { loyaltyId, storeName } from './lib/history.js';
import { seeded } from './lib/random.js';
import { load, type LoadResult } from './lib/load.js';
import { format, peakRssMiB } from './lib/measure.js';
import { makeKey, startServerProcess } from './lib/server-process.js';
import { formatP99, type InService, inServiceDuring } from './lib/server-latency.js';
import type { Section } from './section.js';

/** Below what one core serves, so latency is the service's, not a queue's: ten checks a second in every store of a 50-store region. */
const OPEN_RATE = 500;

/** The check path with 0, 100,000 and 1,000,000 earlier checks in the database: the history windows must stay indexed. */
export const historySection: Section = {
  name: 'history',
  title: '3. History growth: POST /v1/checks at 20 connections with earlier checks in the database (half the customers known)',
  async run({ sized, log }) {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-history-'));
    const seconds = sized({ full: 10, quick: 3, smoke: 1 });
    const runs: Array<{
      prior: number;
      windowsMicros: number;
      coldWindowsMicros: number;
      saturated: LoadResult;
      open: LoadResult;
      openInService: InService;
      peakRssMiB: number | undefined;
    }> = [];
    try {
      for (const prior of sized({ full: [0, 100_000, 1_000_000], quick: [0, 100_000], smoke: [0, 2_000] })) {
        const database = prior === 0 ? { path: join(dir, 'empty.db'), customers: 10_000 } : await (async () => {
          const built = await historyDatabase(prior, dir, log);
          return { path: built.path, customers: built.shape.customers };
        })();
        const { cold: coldWindowsMicros, warm: windowsMicros } = await timeWindows(database.path, database.customers);
        const server = await startServerProcess(database.path);
        try {
          const till = await makeKey(server, { role: 'till', storeIds: Array.from({ length: 200 }, (_, i) => storeName(i)) });
          const bodies = checkBodies({ stores: 200, customers: database.customers, seed: prior + 1 });
          const options = { url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections: 20, seconds };
          // A running service has its database's busy pages in memory; the first seconds after a start read them from the file.
          await load({ ...options, seconds: Math.min(seconds, 3) });
          const saturated = await load(options);
          const [open, openInService] = await inServiceDuring(server, () => load({ ...options, rate: OPEN_RATE }));
          for (const run of [saturated, open]) {
            if (run.errors || run.non2xx) throw new Error(`${run.errors} errors, ${run.non2xx} non-2xx with ${prior} earlier checks`);
          }
          runs.push({ prior, windowsMicros, coldWindowsMicros, saturated, open, openInService, peakRssMiB: peakRssMiB(server.pid) });
        } finally {
          await server.stop();
          rmSync(database.path, { force: true });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const base = runs[0]!;
    const last = runs.at(-1)!;
    // An empty database has no customer with history: its lookup is one probe that finds nothing. The
    // lookups are compared where customers have the same history (about five checks each) in a database
    // ten times the size: the smallest one with history is their baseline.
    const lookupBase = runs.find((run) => run.prior > 0) ?? base;
    return {
      results: { runs, openRate: OPEN_RATE, seconds },
      rows: runs.flatMap(({ prior, windowsMicros, coldWindowsMicros, saturated, open, openInService, peakRssMiB: rss }) => [
        [`${format.int(prior)} earlier checks: history windows of a known customer`, format.us(windowsMicros), `per lookup (hour, day, 30 days) once warm; ${format.us(coldWindowsMicros)} just after opening`, prior === 0 ? 'no customer has history: one probe finds none' : prior === lookupBase.prior ? 'baseline for lookups' : `${(windowsMicros / lookupBase.windowsMicros).toFixed(1)}× the lookup with ${format.int(lookupBase.prior)}`],
        [`${format.int(prior)} earlier checks, as fast as answers come`, `${format.int(saturated.requestsPerSecond)} req/s`, `p50 ${saturated.p50} ms, p99 ${saturated.p99} ms, max ${saturated.max} ms`, prior === 0 ? 'baseline' : `${Math.round((100 * saturated.requestsPerSecond) / base.saturated.requestsPerSecond)}% of the rate with none`],
        [`${format.int(prior)} earlier checks, ${OPEN_RATE} req/s offered`, `${format.int(open.requestsPerSecond)} req/s`, `p50 ${open.p50} ms, p99 ${open.p99} ms, max ${open.max} ms`, `in the service p50 ≤ ${openInService.p50} ms, ${formatP99(openInService)}${rss === undefined ? '' : `; peak RSS ${rss} MiB`}`],
      ]),
      targets: [
        {
          name: `history window lookups within 1.5× as the database grows, customers' history alike (${format.int(last.prior)} vs ${format.int(lookupBase.prior)} earlier checks)`,
          met: last.windowsMicros <= 1.5 * lookupBase.windowsMicros,
          value: `${format.us(last.windowsMicros)} vs ${format.us(lookupBase.windowsMicros)}`,
        },
        {
          name: `checks as fast as answers come: ≥ 80% of the rate with no history (${format.int(last.prior)} earlier checks)`,
          met: last.saturated.requestsPerSecond >= 0.8 * base.saturated.requestsPerSecond,
          value: `${Math.round((100 * last.saturated.requestsPerSecond) / base.saturated.requestsPerSecond)}%`,
        },
        {
          name: `check p99 in the service does not grow with history (${format.int(last.prior)} vs 0 earlier checks, ${OPEN_RATE} req/s)`,
          met: last.openInService.exact.p99Ms <= Math.max(2 * base.openInService.exact.p99Ms, 1),
          value: `${last.openInService.exact.p99Ms.toFixed(1)} ms vs ${base.openInService.exact.p99Ms.toFixed(1)} ms exact (≤ ${last.openInService.p99} vs ≤ ${base.openInService.p99} ms by the service's bucket)`,
        },
        { name: `check p99 at 20 connections < 5 ms, ${OPEN_RATE} req/s offered, at the load generator`, met: base.open.p99 < 5, value: `${base.open.p99} ms` },
        { name: `check p99 at 20 connections < 5 ms, ${OPEN_RATE} req/s offered, inside the service`, met: base.openInService.exact.p99Ms < 5, value: `${base.openInService.exact.p99Ms.toFixed(1)} ms exact, ≤ ${base.openInService.p99} ms by the service's bucket` },
      ],
    };
  },
};

/**
 * Time of the history-window lookup for known customers, straight on the store: what a check pays for
 * history. Cold: the first 2,000 lookups after opening, read mostly from the file. Warm: 2,000 more
 * once 20,000 others have run, as in a service that has been answering tills (other customers each
 * time, so the cache holds the indexes' busy pages, not the answers).
 */
async function timeWindows(path: string, customers: number): Promise<{ cold: number; warm: number }> {
  const store = await openStore(path);
  const ids = createIdentityHasher(loadOrCreateIdSecret(path));
  const r = seeded(99);
  const identities = Array.from({ length: 24_000 }, () => ids.identity('loyalty', loyaltyId(r.int(0, customers - 1))));
  const now = Date.now();
  const time = async (some: string[]) => {
    const started = performance.now();
    for (const identity of some) await store.history.windows([identity], now, 'store-000', 'chk_none');
    return ((performance.now() - started) * 1000) / some.length;
  };
  const cold = await time(identities.slice(0, 2_000));
  await time(identities.slice(2_000, 22_000));
  const warm = await time(identities.slice(22_000));
  await store.close();
  return { cold, warm };
}
