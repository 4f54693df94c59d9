import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBodies } from './lib/check-bodies.js';
import { load, type LoadResult } from './lib/load.js';
import { format, peakRssMiB } from './lib/measure.js';
import { storeName } from './lib/history.js';
import { makeKey, serverCpuMicros, startServerProcess } from './lib/server-process.js';
import { formatP99, type InService, inServiceDuring } from './lib/server-latency.js';
import type { Section } from './section.js';

const STORES = 40;
const CUSTOMERS = 50_000;

/** The full POST /v1/checks path under load, beside a bare Hono route on the same server. */
export const httpSection: Section = {
  name: 'http',
  title: '2. HTTP check path: POST /v1/checks under load on loopback, beside a bare Hono route (POST + JSON) on the same server',
  async run({ sized }) {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-http-'));
    const server = await startServerProcess(join(dir, 'bench.db'));
    try {
      const till = await makeKey(server, { role: 'till', storeIds: Array.from({ length: STORES }, (_, i) => storeName(i)) });
      const bodies = checkBodies({ stores: STORES, customers: CUSTOMERS });
      const seconds = sized({ full: 10, quick: 3, smoke: 1 });
      const runs: Array<{ checks: LoadResult; bare: LoadResult; inService: InService; cpuMicros: { check: number; bare: number } }> = [];
      // The server's own CPU time per request: unlike a rate, it hardly moves when other work shares the machine.
      const cpuPer = async (run: () => Promise<LoadResult>): Promise<[LoadResult, number]> => {
        const before = await serverCpuMicros(server);
        const result = await run();
        return [result, (await serverCpuMicros(server) - before) / Math.max(1, result.requests)];
      };
      for (const connections of [1, 20, 100]) {
        const [bare, bareCpu] = await cpuPer(() => load({ url: server.url, path: '/bare', headers: {}, body: bodies, connections, seconds }));
        const [[checks, checkCpu], inService] = await inServiceDuring(server, () =>
          cpuPer(() => load({ url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections, seconds })),
        );
        if (checks.errors || checks.non2xx) throw new Error(`${checks.errors} errors and ${checks.non2xx} non-2xx answers at ${connections} connections`);
        runs.push({ checks, bare, inService, cpuMicros: { check: checkCpu, bare: bareCpu } });
      }
      const peak = peakRssMiB(server.pid);
      const at20 = runs[1]!;
      const rows = runs.flatMap(({ checks, bare, inService }) => [
        [`POST /v1/checks, ${checks.connections} conn.`, `${format.int(checks.requestsPerSecond)} req/s`, `p50 ${checks.p50} ms, p99 ${checks.p99} ms, max ${checks.max} ms`, `${Math.round((100 * checks.requestsPerSecond) / bare.requestsPerSecond)}% of bare; in the service p50 ≤ ${inService.p50} ms, ${formatP99(inService)}`],
        [`bare Hono route, ${bare.connections} conn.`, `${format.int(bare.requestsPerSecond)} req/s`, `p50 ${bare.p50} ms, p99 ${bare.p99} ms, max ${bare.max} ms`, 'baseline'],
      ]);
      rows.push([`server CPU per request, 20 conn.`, `${format.int(at20.cpuMicros.check)} µs per check`, `${format.int(at20.cpuMicros.bare)} µs per bare request`, 'user + system time of the server process over the run, divided by the requests answered']);
      rows.push(['service peak RSS during the runs', peak === undefined ? 'n/a' : `${peak} MiB`, '', '']);
      return {
        results: { runs, peakRssMiB: peak, seconds },
        rows,
        targets: [
          { name: 'check path ≥ 15% of the bare route’s rate (20 connections)', met: at20.checks.requestsPerSecond >= 0.15 * at20.bare.requestsPerSecond, value: `${Math.round((100 * at20.checks.requestsPerSecond) / at20.bare.requestsPerSecond)}%` },
          { name: 'check path p99 at 20 connections < 5 ms, flat out, at the load generator', met: at20.checks.p99 < 5, value: `${at20.checks.p99} ms` },
          { name: 'check path p99 at 20 connections < 5 ms, flat out, inside the service', met: at20.inService.exact.p99Ms < 5, value: `${at20.inService.exact.p99Ms.toFixed(1)} ms exact, ≤ ${at20.inService.p99} ms by the service's bucket` },
        ],
      };
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
