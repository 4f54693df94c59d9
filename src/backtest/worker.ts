import { parentPort, workerData } from 'node:worker_threads';
import { compileRuleSet } from '../engine/index.js';
import { openStore } from '../store/index.js';
import { backtest } from './backtest.js';
import type { BacktestJob, WorkerMessage } from './run.js';

// Runs one back-test on its own read-only connection, so a year of checks never blocks the event
// loop that answers tills; below it in priority (worker-entry.mjs).
const job = workerData as BacktestJob;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
const store = await openStore(job.databasePath, { readonly: true });
try {
  // No progress messages: nothing reads them, and each message from a thread this far below the tills
  // can hold the tills' thread on its port's lock (WorkerPool.stream says how).
  const report = await backtest(store.replay.checks(job.period), compileRuleSet(job.baseline), compileRuleSet(job.candidate), job.options);
  post({ kind: 'done', report });
} catch (error) {
  post({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
} finally {
  await store.close();
}
