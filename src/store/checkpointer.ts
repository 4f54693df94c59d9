import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** A WAL past this is copied back on the writer's own connection, so the next write starts it over. */
export const WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024;
/** How much more a WAL pinned by a reader grows before the writer tries again. */
const WAL_RETRY_GROWTH = 4 * 1024 * 1024;
/** What a WAL is cut back to when it starts over after growing (SQLite's journal_size_limit). */
export const WAL_KEEP_BYTES = 4 * 1024 * 1024;

// Plain JavaScript, so the worker needs no TypeScript loader: it only opens the file and checkpoints.
// PASSIVE each tick the WAL has grown, never blocking a writer; once writes pause (the WAL has not
// grown for quietTicks ticks), TRUNCATE, which empties the WAL file while nobody is writing.
const WORKER = `
const { statSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const Database = require(workerData.library);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 20');
const walSize = () => { try { return statSync(workerData.path + '-wal').size; } catch { return 0; } };
let last = -1;
let quiet = 0;
setInterval(() => {
  try {
    const size = walSize();
    quiet = size === last ? quiet + 1 : 0;
    if (size > 0 && quiet === workerData.quietTicks) db.pragma('wal_checkpoint(TRUNCATE)');
    else if (quiet === 0) db.pragma('wal_checkpoint(PASSIVE)');
    last = walSize();
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
 * block writers. Every 100 ms while the WAL grows: under writes that never pause it grows by tens of
 * megabytes a second, and what this thread has not copied by the time the WAL reaches
 * WAL_CHECKPOINT_BYTES, `walBound` copies on the writer's thread (at 1 s, that was 4% of its time).
 * TRUNCATE after a second without writes.
 */
export function startCheckpointer(path: string, intervalMs = 100): Checkpointer {
  const library = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, library, intervalMs, quietTicks: Math.max(1, Math.round(1000 / intervalMs)) } });
  worker.unref();
  return {
    stop: async () => {
      await worker.terminate();
    },
  };
}

/**
 * Keeps the WAL bounded under writes that never pause. The worker's PASSIVE checkpoints copy frames
 * while the service keeps appending, so the WAL can never start over and would grow without end;
 * checked at most every 100 ms after a commit, a WAL past WAL_CHECKPOINT_BYTES is checkpointed here,
 * between two commits, where no write can slip in: the frames the worker already copied make it
 * quick, and the next write starts the WAL over from its beginning.
 */
export function walBound(db: Database, path: string): () => void {
  let checkedAt = 0;
  // A long reader (an export) can pin the WAL so no checkpoint lets it start over: then try again
  // only once it has grown by another WAL_RETRY_GROWTH, not on every commit.
  let triedAt = 0;
  return () => {
    const now = Date.now();
    if (now - checkedAt < 100) return;
    checkedAt = now;
    let size: number;
    try {
      size = statSync(`${path}-wal`).size;
    } catch {
      return;
    }
    if (size <= WAL_CHECKPOINT_BYTES) {
      triedAt = 0;
      return;
    }
    if (triedAt !== 0 && size < triedAt + WAL_RETRY_GROWTH) return;
    triedAt = size;
    db.pragma('wal_checkpoint(PASSIVE)');
  };
}
