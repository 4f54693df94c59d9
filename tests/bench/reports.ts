import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDay, DEFAULT_TIME_ZONE } from '../../src/engine/index.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { historyDatabase } from './lib/fixtures.js';
import { format } from './lib/measure.js';
import type { Section } from './section.js';

const DAY_MS = 86_400_000;

/** The summary and the CSV export over a chain's year of checks. */
export const reportsSection: Section = {
  name: 'reports',
  title: '4. Reports over a year of a 200-store chain: the summary and the CSV export',
  async run({ sized, log }) {
    const checks = sized({ full: 1_000_000, quick: 100_000, smoke: 2_000 });
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-reports-'));
    try {
      const database = await historyDatabase(checks, dir, log);
      const adminKey = `bench-admin-${'x'.repeat(32)}`;
      const services = await buildServices({ databasePath: database.path, rulesDirectory: 'rules', adminKey, logger: createLogger('silent') });
      const app = createApp(services);
      const get = async (path: string) => {
        const response = await app.request(path, { headers: { authorization: `Bearer ${adminKey}` } });
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
        return response;
      };
      // Report days are the store's (London, as the history's business days): the first and last check's.
      const day = (ms: number) => businessDay(ms, DEFAULT_TIME_ZONE);
      const end = database.shape.endAt - 1;
      // The history spans 365 days back from endAt, which touches 366 calendar days.
      const year = `from=${day(database.shape.endAt - database.shape.days * DAY_MS)}&to=${day(end)}`;
      const stores = (count: number) => Array.from({ length: count }, (_, i) => `storeId=store-${String(i).padStart(3, '0')}`).join('&');
      const median = async (run: () => Promise<unknown>, times = 7) => {
        const samples: number[] = [];
        for (let i = 0; i < times; i++) {
          const started = performance.now();
          await run();
          samples.push(performance.now() - started);
        }
        return samples.sort((a, b) => a - b)[Math.floor(times / 2)]!;
      };
      const counted = (await (await get(`/v1/reports/summary?${year}&groupBy=day`)).json()) as { totals: { checks: number } };
      if (counted.totals.checks !== checks) throw new Error(`the summary counts ${counted.totals.checks} checks, not ${checks}`);
      const summaries: Array<[string, string]> = [
        ['summary: a year, every store, every breakdown', `/v1/reports/summary?${year}`],
        ['summary: a year, totals and by day', `/v1/reports/summary?${year}&groupBy=day`],
        ['summary: a year, 20 stores', `/v1/reports/summary?${year}&${stores(20)}`],
        ['summary: 30 days, one store', `/v1/reports/summary?from=${day(end - 29 * DAY_MS)}&to=${day(end)}&storeId=store-007`],
      ];
      const timings: Record<string, number> = {};
      for (const [label, path] of summaries) timings[label] = await median(async () => (await get(path)).text());

      let bytes = 0;
      let lines = 0;
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const exportMs = await median(async () => {
        const reader = (await get(`/v1/reports/checks.csv?${year}`)).body!.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          bytes += chunk.value.byteLength;
          for (const byte of chunk.value) if (byte === 10) lines += 1;
        }
      }, 1);
      clearInterval(sampler);
      if (lines !== checks + 1) throw new Error(`the export has ${lines} lines, not ${checks + 1}`);
      const size = statSync(database.path).size;
      await services.store.close();

      const headline = timings[summaries[0]![0]]!;
      return {
        results: { checks, summariesMs: timings, export: { ms: exportMs, bytes, rowsPerSecond: checks / (exportMs / 1000), rssGrowthMiB: (peak - rssBefore) / 2 ** 20 }, databaseBytes: size },
        rows: [
          ...summaries.map(([label]) => [label, format.ms(timings[label]!), 'median of 7', '']),
          [`checks.csv: a year, ${format.int(checks)} rows (${(bytes / 1e6).toFixed(0)} MB)`, `${(exportMs / 1000).toFixed(1)} s`, `${format.int(checks / (exportMs / 1000))} rows/s`, `RSS +${Math.round((peak - rssBefore) / 2 ** 20)} MiB while streaming`],
          ['database', `${(size / 1e9).toFixed(2)} GB`, `${format.int(checks)} checks`, ''],
        ],
        targets: [{ name: `summary over ${format.int(checks)} checks < 200 ms`, met: headline < 200, value: format.ms(headline) }],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
