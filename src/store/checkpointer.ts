import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain JavaScript, so the worker needs no TypeScript loader: it only opens the file and checkpoints.
const WORKER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.library);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or briefly locked: the next tick tries again.
  }
}, workerData.intervalMs);
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Copies the WAL back into the database file from a worker thread on its own connection. SQLite
 * otherwise does it on whichever write crosses 1,000 pages, with an fsync, so one till in a few
 * hundred would wait several milliseconds for someone else's bookkeeping. PASSIVE checkpoints never
 * block writers.
 */
export function startCheckpointer(path: string, intervalMs = 1000): Checkpointer {
  const library = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, library, intervalMs } });
  worker.unref();
  return {
    stop: async () => {
      await worker.terminate();
    },
  };
}
