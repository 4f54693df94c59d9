import { DeadLetter, decode, IdLink, OutboxEntry, SavedRuleSet } from './entry.js';
import { LINK_RETENTION_MS, MAX_DEAD_LETTERS, type OutboxStorage, type StoredOutbox } from './storage.js';

const SCHEMA_VERSION = 1;
const STORES = ['entries', 'deadLetters', 'links', 'ruleSet'] as const;
type StoreName = (typeof STORES)[number];

interface EntryRow {
  seq?: number;
  id: string;
  /** The entry as JSON text, read back through the outbox format like the SQLite adapter's rows. */
  text: string;
}

export interface IndexedDbOutboxOptions {
  /** The database's name: one per till on a device. Default `vouchsafe-till-outbox`. */
  name?: string;
  /** Default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory;
}

// `strict`: a write has reached the disk before the transaction completes (Chrome 83+; where the
// option is unknown the browser ignores it and keeps its own default).
const DURABLE = { durability: 'strict' } as IDBTransactionOptions;

function open(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, SCHEMA_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('entries', { keyPath: 'seq', autoIncrement: true }).createIndex('id', 'id', { unique: true });
      db.createObjectStore('deadLetters', { autoIncrement: true });
      db.createObjectStore('links', { keyPath: 'localId' });
      db.createObjectStore('ruleSet');
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab with a newer SDK wants to upgrade: let it, this one reopens on its next start.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => {
      const error = request.error;
      reject(
        error?.name === 'VersionError'
          ? new Error(`The outbox ${name} was written by a newer SDK; this one reads up to schema ${SCHEMA_VERSION}`)
          : (error ?? new Error(`Could not open the outbox ${name}`)),
      );
    };
    request.onblocked = () => reject(new Error(`The outbox ${name} is held open by another tab at an older version`));
  });
}

/** Runs `work` in one transaction and settles when the transaction has committed (or failed as a whole). */
function transact<T>(db: IDBDatabase, stores: readonly StoreName[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction([...stores], mode, mode === 'readwrite' ? DURABLE : undefined);
    const result = work(tx);
    tx.oncomplete = () => resolve(result());
    tx.onerror = () => reject(tx.error ?? new Error('The outbox transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('The outbox transaction was aborted'));
  });
}

/** Keeps the newest MAX_DEAD_LETTERS: counted after the writes placed before it in the same transaction. */
function trimDeadLetters(tx: IDBTransaction): void {
  const letters = tx.objectStore('deadLetters');
  letters.count().onsuccess = (event) => {
    let excess = (event.target as IDBRequest<number>).result - MAX_DEAD_LETTERS;
    if (excess <= 0) return;
    letters.openCursor().onsuccess = (cursorEvent) => {
      const cursor = (cursorEvent.target as IDBRequest<IDBCursorWithValue | null>).result;
      if (!cursor || excess <= 0) return;
      cursor.delete();
      excess -= 1;
      cursor.continue();
    };
  };
}

function removeEntry(tx: IDBTransaction, entryId: string): void {
  tx.objectStore('entries')
    .index('id')
    .getKey(entryId).onsuccess = (event) => {
    const seq = (event.target as IDBRequest<IDBValidKey | undefined>).result;
    if (seq !== undefined) tx.objectStore('entries').delete(seq);
  };
}

/**
 * The outbox in the browser's IndexedDB, for a browser-based till: the queue, the dead letters, the
 * id links and the service's rule set survive a reload, a crash and a restart of the device. Each
 * call is one transaction, committed with `strict` durability before it resolves, so an outcome the
 * till was told is queued is on disk. A row that cannot be read back is dead-lettered with its text,
 * never dropped and never sent. One database per till: two tabs of the same till share it, and the
 * service's idempotency makes a double delivery harmless.
 */
export function indexedDbOutbox(options: IndexedDbOutboxOptions = {}): OutboxStorage {
  const name = options.name ?? 'vouchsafe-till-outbox';
  const factory = options.indexedDB ?? globalThis.indexedDB;
  let opened: Promise<IDBDatabase> | undefined;
  const db = () => {
    if (!factory) return Promise.reject(new Error('This browser has no IndexedDB: use memoryOutbox(), or an OutboxStorage of your own'));
    opened ??= open(factory, name);
    return opened;
  };

  return {
    async load() {
      const now = Date.now();
      return transact(await db(), STORES, 'readwrite', (tx): (() => StoredOutbox) => {
        const loaded: StoredOutbox = { entries: [], deadLetters: [], links: [], ruleSet: undefined };
        tx.objectStore('entries').openCursor().onsuccess = (event) => {
          const cursor = (event.target as IDBRequest<IDBCursorWithValue | null>).result;
          if (!cursor) return readTheRest();
          const row = cursor.value as EntryRow;
          const decoded = decode(OutboxEntry, row.text);
          if (decoded.ok) loaded.entries.push(decoded.value);
          else {
            cursor.delete();
            const letter: DeadLetter = { failedAt: now, failure: { message: `The stored entry could not be read: ${decoded.error}` }, unreadable: row.text };
            tx.objectStore('deadLetters').add({ text: JSON.stringify(letter) });
          }
          cursor.continue();
        };
        // Placed after the entries are read, so they see the letters written for unreadable rows.
        function readTheRest() {
          trimDeadLetters(tx);
          tx.objectStore('deadLetters').getAll().onsuccess = (event) => {
            for (const row of (event.target as IDBRequest<Array<{ text: string }>>).result) {
              const decoded = decode(DeadLetter, row.text);
              if (decoded.ok) loaded.deadLetters.push(decoded.value);
            }
          };
          tx.objectStore('links').openCursor().onsuccess = (event) => {
            const cursor = (event.target as IDBRequest<IDBCursorWithValue | null>).result;
            if (!cursor) return;
            const link = IdLink.safeParse(cursor.value);
            if (!link.success || link.data.linkedAt < now - LINK_RETENTION_MS) cursor.delete();
            else loaded.links.push(link.data);
            cursor.continue();
          };
          tx.objectStore('ruleSet').get('current').onsuccess = (event) => {
            const text = (event.target as IDBRequest<string | undefined>).result;
            const decoded = text === undefined ? undefined : decode(SavedRuleSet, text);
            loaded.ruleSet = decoded?.ok ? decoded.value : undefined;
          };
        }
        return () => loaded;
      });
    },
    async append(entry) {
      await transact(await db(), ['entries'], 'readwrite', (tx) => {
        tx.objectStore('entries').add({ id: entry.id, text: JSON.stringify(entry) } satisfies EntryRow);
        return () => undefined;
      });
    },
    async delivered(entryId, link) {
      await transact(await db(), ['entries', 'links'], 'readwrite', (tx) => {
        removeEntry(tx, entryId);
        if (link) tx.objectStore('links').put(link);
        return () => undefined;
      });
    },
    async deadLetter(entryId, letter) {
      await transact(await db(), ['entries', 'deadLetters'], 'readwrite', (tx) => {
        removeEntry(tx, entryId);
        tx.objectStore('deadLetters').add({ text: JSON.stringify(letter) });
        trimDeadLetters(tx);
        return () => undefined;
      });
    },
    async saveRuleSet(ruleSet) {
      await transact(await db(), ['ruleSet'], 'readwrite', (tx) => {
        tx.objectStore('ruleSet').put(JSON.stringify(ruleSet), 'current');
        return () => undefined;
      });
    },
    async close() {
      if (!opened) return;
      const closing = opened;
      opened = undefined;
      (await closing.catch(() => undefined))?.close();
    },
  };
}
