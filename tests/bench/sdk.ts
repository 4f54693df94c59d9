import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTillClient } from '../../sdk/src/index.js';
import type { CheckInput } from '../../src/contract/check.js';
import { format, percentile } from './lib/measure.js';
import { makeKey, startServerProcess } from './lib/server-process.js';
import type { Section } from './section.js';

const STORE = 'herts-markyate-003';
const BUDGET_MS = 300;

const basket = (i: number): Omit<CheckInput, 'storeId' | 'tillId'> => ({
  transactionId: `sdk-bench-${Date.now()}-${i}`,
  currency: 'GBP',
  lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: i % 2 ? 5 : 1 }],
  customer: { ageBand: i % 3 ? '80_plus' : '30_39' },
});

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)!, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
};

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** The till SDK: what it adds to a check when the service is up, and how soon it decides when it is not. */
export const sdkSection: Section = {
  name: 'sdk',
  title: `6. Till SDK: overhead over a raw fetch with the service up; time to a decision when it is not (budget ${BUDGET_MS} ms)`,
  async run({ sized }) {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-sdk-'));
    const server = await startServerProcess(join(dir, 'sdk.db'));
    const rows: string[][] = [];
    const results: Record<string, unknown> = {};
    try {
      const key = await makeKey(server, { role: 'till', storeIds: [STORE] });
      const runs = sized({ full: 400, quick: 100, smoke: 20 });

      const raw: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const response = await fetch(`${server.url}/v1/checks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ storeId: STORE, tillId: 'T01', ...basket(i) }),
        });
        await response.json();
        raw.push(performance.now() - started);
      }
      const online = createTillClient({ baseUrl: server.url, apiKey: key, storeId: STORE, tillId: 'T02', timeoutMs: BUDGET_MS, refreshRulesMs: 0 });
      const sdk: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const decision = await online.check(basket(runs + i));
        if (decision.source !== 'service') throw new Error('the SDK decided offline with the service up');
        sdk.push(performance.now() - started);
      }
      await online.close();
      const rawStats = summary(raw);
      const sdkStats = summary(sdk);
      results.online = { raw: rawStats, sdk: sdkStats, overheadMeanMs: sdkStats.mean - rawStats.mean };
      rows.push(['raw fetch, POST /v1/checks', `mean ${format.ms(rawStats.mean)}`, `p50 ${format.ms(rawStats.p50)}, p99 ${format.ms(rawStats.p99)}`, 'baseline']);
      rows.push(['SDK check(), service up', `mean ${format.ms(sdkStats.mean)}`, `p50 ${format.ms(sdkStats.p50)}, p99 ${format.ms(sdkStats.p99)}`, `+${format.ms(sdkStats.mean - rawStats.mean)} over raw fetch`]);

      const closed = createServer();
      const closedPort = await listening(closed);
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const hanging = createServer(() => {});
      const hangingPort = await listening(hanging);
      const faults: Array<[string, string]> = [
        ['SDK check(), service down (refused)', `http://127.0.0.1:${closedPort}`],
        ['SDK check(), service hanging', `http://127.0.0.1:${hangingPort}`],
      ];
      let worst = 0;
      for (const [label, baseUrl] of faults) {
        const till = createTillClient({ baseUrl, apiKey: key, storeId: STORE, tillId: 'T03', timeoutMs: BUDGET_MS, refreshRulesMs: 0, closeTimeoutMs: 50 });
        const times: number[] = [];
        for (let i = 0; i < sized({ full: 40, quick: 15, smoke: 3 }); i++) {
          const started = performance.now();
          const decision = await till.check(basket(i));
          if (decision.source !== 'offline') throw new Error(`${label}: decided by the service?`);
          times.push(performance.now() - started);
        }
        await till.close();
        const stats = summary(times);
        worst = Math.max(worst, stats.max);
        results[label] = stats;
        rows.push([label, `p50 ${format.ms(stats.p50)}`, `p99 ${format.ms(stats.p99)}, max ${format.ms(stats.max)}`, 'decided offline, prompt shown']);
      }
      hanging.close();
      return {
        results,
        rows,
        targets: [{ name: `every check decided within the ${BUDGET_MS} ms budget (+25 ms), whatever the network`, met: worst <= BUDGET_MS + 25, value: format.ms(worst) }],
      };
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
