import type { DeadLetter, IdLink, OutboxEntry, SavedRuleSet } from './entry.js';
import { LINK_RETENTION_MS, MAX_DEAD_LETTERS, type OutboxStorage } from './storage.js';

/**
 * Keeps the outbox in memory: nothing survives a restart. For tests, and for a browser till that
 * has nowhere better; a till that can should use a durable adapter (`sqliteOutbox` in Node).
 */
export function memoryOutbox(): OutboxStorage {
  let entries: OutboxEntry[] = [];
  let deadLetters: DeadLetter[] = [];
  const links = new Map<string, IdLink>();
  let ruleSet: SavedRuleSet | undefined;
  return {
    async load() {
      const now = Date.now();
      for (const [localId, link] of links) if (link.linkedAt < now - LINK_RETENTION_MS) links.delete(localId);
      return { entries: [...entries], deadLetters: [...deadLetters], links: [...links.values()], ruleSet };
    },
    async append(entry) {
      entries.push(entry);
    },
    async delivered(entryId, link) {
      entries = entries.filter((entry) => entry.id !== entryId);
      if (!link) return;
      links.set(link.localId, link);
      for (const [localId, old] of links) if (old.linkedAt < link.linkedAt - LINK_RETENTION_MS) links.delete(localId);
    },
    async deadLetter(entryId, letter) {
      entries = entries.filter((entry) => entry.id !== entryId);
      deadLetters = [...deadLetters, letter].slice(-MAX_DEAD_LETTERS);
    },
    async saveRuleSet(saved) {
      ruleSet = saved;
    },
    async close() {},
  };
}
