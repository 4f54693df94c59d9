import type { Database } from 'better-sqlite3';

export interface CommitStats {
  /** Called after each commit with how many transactions it carried. */
  onCommit?: (transactions: number) => void;
}

export interface GroupCommit {
  transaction<T>(work: () => T): T;
  /** Resolves once everything written so far is committed; rejects if that commit failed. */
  durable(): Promise<void>;
  /** Commits whatever is pending, now. */
  flush(): void;
}

/**
 * Group commit. A commit costs more than a check's own statements (the WAL write and its
 * bookkeeping), so the transactions of every request handled in one turn of the event loop share
 * one: the first opens it, each runs in its own savepoint (atomic on its own: one that throws rolls
 * back alone), and the commit runs once the turn's I/O callbacks are done. Nothing is answered
 * before its commit: the service awaits `durable()` before sending a response that wrote.
 */
export function groupCommit(db: Database, { onCommit }: CommitStats = {}): GroupCommit {
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  let pending: { done: Promise<void>; resolve: () => void; reject: (error: unknown) => void; transactions: number } | undefined;

  function flush(): void {
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
    transaction<T>(work: () => T): T {
      const batch = pending ?? open();
      batch.transactions += 1;
      try {
        return db.transaction(work)();
      } catch (error) {
        // Some failures (a full disk) make SQLite roll back the whole transaction, not just this
        // savepoint: every write of the batch is gone, so everyone waiting on it hears this error.
        if (!db.inTransaction && pending === batch) {
          pending = undefined;
          batch.reject(error);
        }
        throw error;
      }
    },
    durable: () => pending?.done ?? Promise.resolve(),
    flush,
  };
}
