import { Worker } from 'node:worker_threads';
import type { Action } from '../contract/enums.js';
import type { RuleSetSource } from '../contract/rule-file.js';
import type { BacktestReport } from '../contract/rule-lifecycle.js';
import { compileRuleSet } from '../engine/index.js';
import type { PeriodFilter, Store } from '../store/index.js';
import { backtest } from './backtest.js';

export interface BacktestJob {
  databasePath: string;
  baseline: RuleSetSource;
  candidate: RuleSetSource;
  period: PeriodFilter;
  options: { from: string; to: string; interveneAt: Exclude<Action, 'allow'>; examples: number };
}

export type WorkerMessage =
  | { kind: 'done'; report: BacktestReport }
  | { kind: 'failed'; message: string };

export class BacktestBusyError extends Error {
  override name = 'BacktestBusyError';
}

export class BacktestTimeoutError extends Error {
  override name = 'BacktestTimeoutError';
}

const TIME_LIMIT_MS = 10 * 60_000;
let running = 0;

/** Whether a back-test is running: checked before anything else, so a flood of requests costs the service nothing. */
export function backtestRunning(): boolean {
  return running > 0;
}

/**
 * Runs a back-test beside the service: in a worker thread with its own read-only connection when
 * the database is a file, so tills keep their answers in milliseconds meanwhile; in process for an
 * in-memory database. One at a time: a second request waits its turn (429), not the tills.
 */
export async function runBacktest(store: Store, job: Omit<BacktestJob, 'databasePath'>): Promise<BacktestReport> {
  if (store.location === ':memory:') {
    return backtest(store.replay.checks(job.period), compileRuleSet(job.baseline), compileRuleSet(job.candidate), job.options);
  }
  if (running > 0) throw new BacktestBusyError('A back-test is already running');
  running += 1;
  try {
    return await inWorker({ ...job, databasePath: store.location });
  } finally {
    running -= 1;
  }
}

function inWorker(job: BacktestJob): Promise<BacktestReport> {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { execArgv: [], workerData: job });
  return new Promise<BacktestReport>((resolve, reject) => {
    const limit = setTimeout(() => {
      void worker.terminate();
      reject(new BacktestTimeoutError(`The back-test did not finish within ${TIME_LIMIT_MS / 60_000} minutes; try a shorter period`));
    }, TIME_LIMIT_MS);
    const settle = () => clearTimeout(limit);
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'done') {
        settle();
        resolve(message.report);
      } else if (message.kind === 'failed') {
        settle();
        reject(new Error(`The back-test failed: ${message.message}`));
      }
    });
    worker.once('error', (error) => {
      settle();
      reject(error);
    });
    worker.once('exit', (code) => {
      settle();
      if (code !== 0) reject(new Error(`The back-test worker stopped with code ${code}`));
    });
  });
}
