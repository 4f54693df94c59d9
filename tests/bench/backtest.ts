import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtest } from '../../src/backtest/backtest.js';
import { compileRuleSet } from '../../src/engine/index.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';
import { openStore } from '../../src/store/index.js';
import { historyDatabase } from './lib/fixtures.js';
import { format } from './lib/measure.js';
import type { Section } from './section.js';

/** A candidate rule set decided over a chain's year of stored checks, as `vouchsafe backtest` and the worker do it. */
export const backtestSection: Section = {
  name: 'backtest',
  title: '5. Back-test: a candidate rule set over a year of stored checks, beside the active one',
  async run({ sized, log }) {
    const checks = sized({ full: 1_000_000, quick: 100_000, smoke: 2_000 });
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-bench-backtest-'));
    try {
      const database = await historyDatabase(checks, dir, log);
      const source = loadRuleDirectory('rules');
      const baseline = compileRuleSet(source);
      const candidate = compileRuleSet({
        ...source,
        files: [
          ...source.files,
          { path: 'candidate.yaml', content: 'rules:\n  - id: steam-over-100\n    when: \'"steam" in giftCards.brands && giftCards.total >= 10000\'\n    score: 20\n    reason: Steam cards\n' },
        ],
      });
      const store = await openStore(database.path, { readonly: true });
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const started = performance.now();
      const report = await backtest(store.replay.checks({ from: 0, to: Number.MAX_SAFE_INTEGER, storeIds: null }), baseline, candidate, {
        from: 'all',
        to: 'all',
        interveneAt: 'prompt',
        examples: 10,
        onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)),
      });
      const seconds = (performance.now() - started) / 1000;
      await store.close();
      if (report.checks !== checks) throw new Error(`the back-test saw ${report.checks} checks, not ${checks}`);
      const perSecond = checks / seconds;
      return {
        results: { checks, seconds, checksPerSecond: perSecond, changed: report.changes.total, rssGrowthMiB: (peak - rssBefore) / 2 ** 20 },
        rows: [
          [`${format.int(checks)} checks, both rule sets`, `${seconds.toFixed(1)} s`, `${format.int(perSecond)} checks/s`, `${format.int(report.changes.total)} decisions change`],
          ['memory while running', `RSS +${Math.round((peak - rssBefore) / 2 ** 20)} MiB`, 'rows read by cursor', ''],
        ],
        targets: [{ name: 'a year of a 200-store chain back-tests in under a minute', met: seconds * (1_000_000 / checks) < 60, value: `${(seconds * (1_000_000 / checks)).toFixed(0)} s per million checks` }],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
