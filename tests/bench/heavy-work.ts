import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { checkBodies } from './lib/check-bodies.js';
import { historyDatabase } from './lib/fixtures.js';
import { load, type LoadResult } from './lib/load.js';
import { format } from './lib/measure.js';
import { storeName } from './lib/history.js';
import { makeKey, serverCpu, startServerProcess } from './lib/server-process.js';
import { formatP99, type InService, inServiceDuring } from './lib/server-latency.js';
import type { Section } from './section.js';

const STORES = 40;

/**
 * How long the server's event-loop thread has waited, ready to run, for a core (Linux's schedstat), in
 * microseconds: the share of a till's latency that is the machine's, not the service's. Undefined
 * where there is no /proc.
 */
function runQueueWaitMicros(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1000;
  } catch {
    return undefined;
  }
}

interface LoopDelay {
  maxMs: number;
  p99Ms: number;
  /** Full collections of the event loop's heap: how many, and their pauses (incremental steps included). */
  fullGcs: { count: number; ms: number; longestMs: number };
}
const DAY_MS = 86_400_000;
const MiB = 1024 * 1024;

/**
 * Tills first: a till's in-service p99 while three analysts download a year's checks.csv and a
 * back-test runs, beside the same till load with nothing else running; then the WAL's size while
 * tills write flat out, and after a clean stop.
 */
export const heavyWorkSection: Section = {
  name: 'heavy-work',
  title: '7. Tills first: a till’s check while three CSV exports and a back-test run, and the WAL under flat-out writes',
  async run({ sized, log }) {
    const checks = sized({ full: 100_000, quick: 20_000, smoke: 2_000 });
    const seconds = sized({ full: 15, quick: 5, smoke: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-heavy-'));
    const database = await historyDatabase(checks, dir, log);
    const server = await startServerProcess(database.path);
    const wal = () => (existsSync(`${database.path}-wal`) ? statSync(`${database.path}-wal`).size : 0);
    try {
      const till = await makeKey(server, { role: 'till', storeIds: Array.from({ length: STORES }, (_, i) => storeName(i)) });
      const analyst = await makeKey(server, { role: 'analyst' });
      const bodies = checkBodies({ stores: STORES, customers: 50_000, seed: 11 });
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const year = `from=${day(database.shape.endAt - 365 * DAY_MS)}&to=${day(database.shape.endAt - 1)}`;
      const source = loadRuleDirectory('rules');
      const candidate = {
        ...source,
        files: [...source.files, { path: 'candidate.yaml', content: 'rules:\n  - id: steam-over-100\n    when: \'"steam" in giftCards.brands && giftCards.total >= 10000\'\n    score: 1\n    reason: Steam cards\n' }],
      };

      // A till's steady traffic: 50 checks a second over four connections, as a store's tills send them.
      // Beside its latency, what moves less with the rest of the machine: the event loop's delays,
      // and the server's CPU (all its threads) as a share of one core.
      const tillLoad = async (): Promise<{ wire: LoadResult; inService: InService; loop: LoopDelay; cpu: { all: number; eventLoop: number; waiting?: number } }> => {
        await fetch(`${server.url}/bench/loop-delay/reset`, { method: 'POST' });
        const cpuBefore = await serverCpu(server);
        const waitBefore = runQueueWaitMicros(server.pid);
        const started = performance.now();
        const [wire, inService] = await inServiceDuring(server, () => load({ url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections: 4, seconds, rate: 50 }));
        const cpuAfter = await serverCpu(server);
        const waitAfter = runQueueWaitMicros(server.pid);
        const elapsedMicros = (performance.now() - started) * 1000;
        const loop = (await (await fetch(`${server.url}/bench/loop-delay`)).json()) as LoopDelay;
        if (wire.errors || wire.non2xx) throw new Error(`${wire.errors} errors and ${wire.non2xx} non-2xx answers to the till`);
        const cpu = {
          all: (cpuAfter.micros - cpuBefore.micros) / elapsedMicros,
          eventLoop: (cpuAfter.mainThreadMicros - cpuBefore.mainThreadMicros) / elapsedMicros,
          ...(waitBefore !== undefined && waitAfter !== undefined ? { waiting: (waitAfter - waitBefore) / elapsedMicros } : {}),
        };
        return { wire, inService, loop, cpu };
      };

      // Steady state first: the report roll-ups caught up (as the first report does) and the code warm.
      const summary = await fetch(`${server.url}/v1/reports/summary?${year}`, { headers: { authorization: `Bearer ${analyst}` } });
      if (summary.status !== 200) throw new Error(`summary: ${summary.status}`);
      await load({ url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections: 4, seconds: sized({ full: 2, quick: 2, smoke: 1 }), rate: 50 });

      const idle = await tillLoad();
      const loopAndCpu = (run: { loop: LoopDelay; cpu: { all: number; eventLoop: number; waiting?: number } }) =>
        `event loop p99 ${run.loop.p99Ms.toFixed(1)} ms, longest ${run.loop.maxMs.toFixed(1)} ms; ${run.loop.fullGcs.count} full GCs of its heap (${run.loop.fullGcs.ms.toFixed(0)} ms of pauses, longest ${run.loop.fullGcs.longestMs.toFixed(1)} ms); CPU (% of a core) ${(run.cpu.eventLoop * 100).toFixed(0)}% its thread, ${(run.cpu.all * 100).toFixed(0)}% the server` +
        (run.cpu.waiting === undefined ? '' : `; its thread ready but waiting for a core ${(run.cpu.waiting * 100).toFixed(0)}% of the time`);
      log(`  idle: till ${formatP99(idle.inService)} in the service; ${loopAndCpu(idle)}`);

      let running = true;
      let exportsDone = 0;
      let exportBytes = 0;
      let backtestsDone = 0;
      const exportLoop = async () => {
        while (running) {
          const response = await fetch(`${server.url}/v1/reports/checks.csv?${year}`, { headers: { authorization: `Bearer ${analyst}` } });
          if (response.status !== 200) throw new Error(`export: ${response.status} ${await response.text()}`);
          exportBytes += (await response.arrayBuffer()).byteLength;
          exportsDone += 1;
        }
      };
      const backtestLoop = async () => {
        while (running) {
          const response = await fetch(`${server.url}/v1/rules/backtest`, {
            method: 'POST',
            headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
            body: JSON.stringify({ candidate, from: day(database.shape.endAt - 365 * DAY_MS), to: day(database.shape.endAt - 1) }),
          });
          if (response.status !== 200) throw new Error(`back-test: ${response.status} ${await response.text()}`);
          await response.arrayBuffer();
          backtestsDone += 1;
        }
      };
      const heavy = [exportLoop(), exportLoop(), exportLoop(), backtestLoop()];
      // A long reader pins the WAL: sampled, as under flat-out writes below.
      let busyWal = 0;
      const busySampler = setInterval(() => (busyWal = Math.max(busyWal, wal())), 100);
      const busy = await tillLoad();
      clearInterval(busySampler);
      running = false;
      await Promise.all(heavy);
      log(`  busy: till ${formatP99(busy.inService)} in the service; ${loopAndCpu(busy)}; largest WAL ${(busyWal / MiB).toFixed(1)} MiB; ${exportsDone} exports (${format.int(exportBytes / MiB)} MiB), ${backtestsDone} back-tests`);

      // Flat out: as many checks as 20 connections can send, the WAL sampled every 100 ms.
      let largestWal = 0;
      const sampler = setInterval(() => (largestWal = Math.max(largestWal, wal())), 100);
      const flatOut = await load({ url: server.url, path: '/v1/checks', headers: { authorization: `Bearer ${till}` }, body: bodies, connections: 20, seconds });
      clearInterval(sampler);
      await server.stop();
      const walAfterStop = wal();

      const ms = (value: number) => `≤ ${value} ms`;
      return {
        results: { checks, seconds, idle, busy, busyWalMiB: busyWal / MiB, exportsDone, exportMiB: exportBytes / MiB, backtestsDone, flatOut, largestWalMiB: largestWal / MiB, walAfterStopBytes: walAfterStop },
        rows: [
          ['till checks, 50/s, nothing else running', `${format.int(idle.wire.requests)} checks`, `in the service p50 ${ms(idle.inService.p50)}, ${formatP99(idle.inService)}`, `at the till p99 ${idle.wire.p99} ms; ${loopAndCpu(idle)}`],
          ['the same, with 3 CSV exports and a back-test', `${format.int(busy.wire.requests)} checks`, `in the service p50 ${ms(busy.inService.p50)}, ${formatP99(busy.inService)}`, `at the till p99 ${busy.wire.p99} ms; ${loopAndCpu(busy)}; largest WAL ${(busyWal / MiB).toFixed(1)} MiB; ${exportsDone} exports of ${format.int(checks)} rows, ${backtestsDone} back-tests`],
          ['flat out, 20 connections', `${format.int(flatOut.requestsPerSecond)} checks/s`, `largest WAL ${(largestWal / MiB).toFixed(1)} MiB`, `WAL after a clean stop ${walAfterStop} bytes`],
        ],
        targets: [
          { name: 'till p99 in the service ≤ 5 ms while 3 exports and a back-test run', met: busy.inService.exact.p99Ms <= 5, value: `${busy.inService.exact.p99Ms.toFixed(1)} ms exact, ≤ ${busy.inService.p99} ms by the service's bucket (idle ${idle.inService.exact.p99Ms.toFixed(1)} ms)` },
          { name: 'WAL ≤ 64 MiB under flat-out writes', met: largestWal <= 64 * MiB, value: `${(largestWal / MiB).toFixed(1)} MiB` },
          { name: 'WAL empty after a clean stop', met: walAfterStop === 0, value: `${walAfterStop} bytes` },
        ],
      };
    } finally {
      if (server.child.exitCode === null) await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
