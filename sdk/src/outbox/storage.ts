import type { DeadLetter, IdLink, OutboxEntry, SavedRuleSet } from './entry.js';

/** What a storage adapter hands back when the client starts. */
export interface StoredOutbox {
  /** Queued entries, oldest first. */
  entries: OutboxEntry[];
  deadLetters: DeadLetter[];
  links: IdLink[];
  ruleSet: SavedRuleSet | undefined;
}

/**
 * Where the outbox lives. Asynchronous so a browser till can keep it in IndexedDB. Each method is one
 * atomic step: after a crash, an entry is either still queued (and is sent again; the service's
 * idempotency makes that harmless) or gone because it was delivered or dead-lettered — never lost.
 * One storage belongs to one till.
 */
export interface OutboxStorage {
  load(): Promise<StoredOutbox>;
  append(entry: OutboxEntry): Promise<void>;
  /** The entry reached the service: forget it, and remember the service's id for a check decided offline. */
  delivered(entryId: string, link?: IdLink): Promise<void>;
  /** The entry will never be delivered: take it off the queue and keep it as a dead letter. */
  deadLetter(entryId: string, letter: DeadLetter): Promise<void>;
  saveRuleSet(ruleSet: SavedRuleSet): Promise<void>;
  close(): Promise<void>;
}

/** Dead letters kept: enough for anyone to look into a bad day, bounded so a broken till cannot fill its disk. */
export const MAX_DEAD_LETTERS = 1000;
/** How long the till remembers which service id a `local_…` id became. */
export const LINK_RETENTION_MS = 30 * 24 * 3_600_000;
