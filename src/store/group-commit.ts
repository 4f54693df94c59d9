import type { Database } from 'better-sqlite3';

export interface CommitStats {
  /** Called after each commit with how many transactions it carried. */
  onCommit?: (transactions: number) => void;
}

export interface Transactions {
  /**
   * Runs `work` alone on the connection, in a transaction of its own: all of its writes land, or none
   * do. `work` should await only the store (its calls settle at once); anything slower holds every
   * other writer and reader back.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `read` once no transaction is half-way through, so it never sees half a write. */
  read<T>(read: () => T): Promise<T>;
  /**
   * Reads a cursor to its end while holding the connection: SQLite cannot run another statement on a
   * connection with a cursor open. Use it where nothing else waits on the connection (a reader beside
   * the service), and never await the store while reading it.
   */
  cursor<T>(open: () => Iterator<T>): AsyncIterable<T>;
  /** Resolves once everything written so far is committed; rejects if that commit failed. */
  durable(): Promise<void>;
  /** Commits whatever is pending, now (between transactions). */
  flush(): void;
}

/**
 * One connection, many requests: transactions take turns. better-sqlite3 answers at once, so a
 * transaction's awaits settle within one turn of the event loop and a turn rarely waits; the queue is
 * there because a request's statements must never interleave with another's.
 */
function turns() {
  let held = false;
  const waiting: Array<() => void> = [];
  return {
    get held() {
      return held;
    },
    async take(): Promise<void> {
      if (!held) {
        held = true;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    give(): void {
      const next = waiting.shift();
      if (next) next();
      else held = false;
    },
  };
}

function reading(queue: ReturnType<typeof turns>): Pick<Transactions, 'read' | 'cursor'> {
  return {
    async read<T>(read: () => T): Promise<T> {
      if (!queue.held) return read();
      await queue.take();
      try {
        return read();
      } finally {
        queue.give();
      }
    },
    cursor<T>(open: () => Iterator<T>): AsyncIterable<T> {
      return {
        async *[Symbol.asyncIterator]() {
          await queue.take();
          const rows = open();
          try {
            for (let next = rows.next(); !next.done; next = rows.next()) yield next.value;
          } finally {
            rows.return?.();
            queue.give();
          }
        },
      };
    },
  };
}

/**
 * Group commit. A commit costs more than a check's own statements (the WAL write and its
 * bookkeeping), so the transactions of every request handled in one turn of the event loop share
 * one: the first opens it, each runs in its own savepoint (atomic on its own: one that throws rolls
 * back alone), and the commit runs once the turn's I/O callbacks are done. Nothing is answered
 * before its commit: the service awaits `durable()` before sending a response that wrote.
 */
export function groupCommit(db: Database, { onCommit }: CommitStats = {}): Transactions {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT work');
  const release = db.prepare('RELEASE work');
  const undo = db.prepare('ROLLBACK TO work');
  const queue = turns();
  let pending: { done: Promise<void>; resolve: () => void; reject: (error: unknown) => void; transactions: number } | undefined;
  let deferred = false;

  function flush(): void {
    // A transaction half-way through finishes first; it flushes when it gives up its turn.
    if (queue.held) {
      deferred = true;
      return;
    }
    deferred = false;
    const batch = pending;
    pending = undefined;
    if (!batch) return;
    try {
      commit.run();
      onCommit?.(batch.transactions);
      batch.resolve();
    } catch (error) {
      if (db.inTransaction) rollback.run();
      batch.reject(error);
    }
  }

  function open() {
    begin.run();
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Whoever awaits durable() sees a failure; an unawaited batch must not crash the process.
    done.catch(() => {});
    pending = { done, resolve, reject, transactions: 0 };
    setImmediate(flush);
    return pending;
  }

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      await queue.take();
      try {
        const batch = pending ?? open();
        batch.transactions += 1;
        savepoint.run();
        try {
          const result = await work();
          release.run();
          return result;
        } catch (error) {
          if (db.inTransaction) {
            undo.run();
            release.run();
          } else if (pending === batch) {
            // Some failures (a full disk) make SQLite roll back the whole transaction, not just this
            // savepoint: every write of the batch is gone, so everyone waiting on it hears this error.
            pending = undefined;
            batch.reject(error);
          }
          throw error;
        }
      } finally {
        queue.give();
        if (deferred && !queue.held) setImmediate(flush);
      }
    },
    ...reading(queue),
    durable: () => pending?.done ?? Promise.resolve(),
    flush,
  };
}

/** Without group commit (tools, tests): each transaction commits on its own, in turn. */
export function eachCommits(db: Database): Transactions {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const queue = turns();
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      await queue.take();
      try {
        begin.run();
        try {
          const result = await work();
          commit.run();
          return result;
        } catch (error) {
          if (db.inTransaction) rollback.run();
          throw error;
        }
      } finally {
        queue.give();
      }
    },
    ...reading(queue),
    durable: () => Promise.resolve(),
    flush: () => {},
  };
}
