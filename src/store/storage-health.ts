/** The database cannot be written (disk full, I/O error, file gone read-only): nothing was recorded. */
export class StorageUnavailable extends Error {
  override name = 'StorageUnavailable';
}

const SQLITE_STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|NOMEM)/;

export interface StorageHealth {
  /** Whether the last write got through; false from a storage failure until a write succeeds again. */
  readonly writable: boolean;
  /** Why it is not, when it is not. */
  readonly reason: string | undefined;
  /** When it last failed (epoch ms). */
  readonly failedAt: number;
  /** The failure as StorageUnavailable if it was the storage's fault (and marks the storage failing); otherwise the error itself. */
  failed(error: unknown): unknown;
  succeeded(): void;
}

/**
 * Tells a full or failing disk (or, for a database server, one out of reach) from every other error,
 * by the error's `code`, and remembers it for readiness.
 */
export function storageHealth(isStorageFailure: (code: string) => boolean = (code) => SQLITE_STORAGE_CODES.test(code)): StorageHealth {
  let reason: string | undefined;
  let failedAt = 0;
  return {
    get failedAt() {
      return failedAt;
    },
    get writable() {
      return reason === undefined;
    },
    get reason() {
      return reason;
    },
    failed(error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !isStorageFailure(code)) return error;
      reason = `${code}: ${(error as Error).message}`;
      failedAt = Date.now();
      return new StorageUnavailable(reason, { cause: error });
    },
    succeeded() {
      reason = undefined;
    },
  };
}
