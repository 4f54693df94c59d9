import { closeSync, openSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** A WAL past this is copied back on the writer's own connection, so the next write starts it over. */
export const WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024;
/** How much more a WAL pinned by a reader grows before the writer tries again. */
const WAL_RETRY_GROWTH = 4 * 1024 * 1024;
/**
 * What a WAL file is cut back to when it starts over after growing (SQLite's journal_size_limit).
 * Above WAL_CHECKPOINT_BYTES, so a WAL bounded under steady writes starts over in the file it has:
 * cutting an 18 MiB file back to 4 MiB held the first commit after each start 4.5 ms. The worker
 * empties the file once writes pause.
 */
export const WAL_KEEP_BYTES = 32 * 1024 * 1024;

/**
 * How long the WAL grows before the worker copies it. Each pass that copies all of it lets the next
 * write start the WAL over, and that write syncs the new WAL's header on the writer's thread: the
 * event loop goes to sleep in the disk and must then wait for a core. Passing every 100 ms did that
 * to one till's check in seven at 50 a second; with three exports and a back-test on two cores each
 * such wait was 2-10 ms. SQLite's own automatic checkpoint waits for 1,000 pages, about this much;
 * under the writer's bound (WAL_CHECKPOINT_BYTES), so a WAL that never starts over is still copied
 * every pass and leaves the writer little to do.
 */
export const WAL_PASS_BYTES = 4 * 1024 * 1024;

// Plain JavaScript, so the worker needs no TypeScript loader: it only opens the file and checkpoints.
// PASSIVE on a tick after another connection committed (data_version tells) once the WAL is at least
// passBytes long, never blocking a writer, then says how long the WAL was; once writes pause (no
// commit for quietTicks ticks), TRUNCATE, which empties the WAL file while nobody is writing.
//
// The WAL's length comes from the wal-index header SQLite keeps in the -shm file
// (https://sqlite.org/walformat.html#the_wal_index_file_format): mxFrame, the last frame, at byte 16
// of each of the header's two 48-byte copies, in the machine's byte order. SQLite writes one copy and
// then the other; a read that sees them differ came between, and the tick passes as if it were long,
// as it does if the file cannot be read: never copying would leave the WAL to grow without bound.
// Not the WAL file's size: a WAL that started over is written again from the start of the same file.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { endianness } = require('node:os');
const Database = require(workerData.library);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 20');
const dataVersion = db.prepare('PRAGMA data_version').pluck();
let seen = dataVersion.get();
const passFrames = Math.ceil(workerData.passBytes / (db.pragma('page_size', { simple: true }) + 24));
const header = Buffer.alloc(96);
const long = () => {
  try {
    readSync(workerData.shm, header, 0, 96, 0);
  } catch {
    return true;
  }
  if (!header.subarray(0, 48).equals(header.subarray(48, 96))) return true;
  return (endianness() === 'LE' ? header.readUInt32LE(16) : header.readUInt32BE(16)) >= passFrames;
};
let quiet = 0;
setInterval(() => {
  try {
    const version = dataVersion.get();
    if (version !== seen) {
      seen = version;
      quiet = 0;
      if (!long()) return;
      const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage(log);
    } else if (++quiet === workerData.quietTicks) {
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
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
 * block writers. Every 100 ms while writes come and the WAL is at least WAL_PASS_BYTES long: under
 * writes that never pause it grows by tens of megabytes a second. After each pass `copied` hears the
 * WAL's length in frames, for `walBound`. TRUNCATE after a second without writes. Call it with the
 * database open in WAL mode, so that its -shm file exists.
 */
export function startCheckpointer(path: string, copied: (frames: number) => void, intervalMs = 100): Checkpointer {
  const library = createRequire(import.meta.url).resolve('better-sqlite3');
  // Opened here, not in the worker: a thread's descriptors outlive it, and terminate() gives it no
  // chance to close them. Beside the real file: SQLite follows a symbolic link to the database and
  // keeps its -wal and -shm there.
  const shm = openSync(`${realpathSync(path)}-shm`, 'r');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, library, shm, passBytes: WAL_PASS_BYTES, intervalMs, quietTicks: Math.max(1, Math.round(1000 / intervalMs)) } });
  worker.on('message', copied);
  worker.unref();
  return {
    stop: async () => {
      await worker.terminate();
      closeSync(shm);
    },
  };
}

export interface WalBound {
  /** The checkpointer copied the WAL, which was then `frames` long. */
  copied(frames: number): void;
  /** Call between commits: checkpoints here if the WAL has outgrown its bound. */
  afterCommit(): void;
}

/**
 * Keeps the WAL bounded under writes that never pause. The worker's PASSIVE checkpoints copy frames
 * while the service keeps appending, so the WAL can never start over and would grow without end.
 * Once the worker has copied a WAL past WAL_CHECKPOINT_BYTES, the first commit after it checkpoints
 * here, between two commits, where no write can slip in: only the frames written since the worker's
 * pass are left to copy and sync (on an empty database 2-3 ms, against 5-10 ms at any moment; 10-18
 * ms on one of 100,000 checks, whose pages are scattered), and the next write starts the WAL over
 * from its beginning.
 */
export function walBound(db: Database): WalBound {
  const frameBytes = (db.pragma('page_size', { simple: true }) as number) + 24;
  let due = false;
  let length = 0;
  // A long reader (an export) can pin the WAL so no checkpoint lets it start over: then try again
  // only once it has grown by another WAL_RETRY_GROWTH, not after every pass.
  let triedAt = 0;
  return {
    copied(frames) {
      length = frames * frameBytes;
      due = true;
    },
    afterCommit() {
      if (!due) return;
      due = false;
      if (length <= WAL_CHECKPOINT_BYTES) {
        triedAt = 0;
        return;
      }
      if (triedAt !== 0 && length < triedAt + WAL_RETRY_GROWTH) return;
      triedAt = length;
      db.pragma('wal_checkpoint(PASSIVE)');
    },
  };
}
