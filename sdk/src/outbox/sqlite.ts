import Database from 'better-sqlite3';
import { DeadLetter, decode, IdLink, OutboxEntry, SavedRuleSet } from './entry.js';
import { LINK_RETENTION_MS, MAX_DEAD_LETTERS, type OutboxStorage, type StoredOutbox } from './storage.js';

const SCHEMA_VERSION = 1;

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`The outbox ${db.name} was written by a newer SDK (schema ${version}); this one reads up to ${SCHEMA_VERSION}`);
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(`
      CREATE TABLE entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, entry TEXT NOT NULL) STRICT;
      CREATE TABLE dead_letters (seq INTEGER PRIMARY KEY AUTOINCREMENT, letter TEXT NOT NULL) STRICT;
      CREATE TABLE links (local_id TEXT PRIMARY KEY, check_id TEXT NOT NULL, linked_at INTEGER NOT NULL) STRICT;
      CREATE TABLE rule_set (only INTEGER PRIMARY KEY CHECK (only = 1), saved TEXT NOT NULL) STRICT;
    `);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/**
 * The outbox in a SQLite file, for a till running on Node: it survives a restart and a crash. Every
 * write is one transaction, synced to disk before it returns (`synchronous = FULL`), so an outcome the
 * till was told is queued is on disk. A row that cannot be read back is dead-lettered with its text,
 * never dropped and never sent. One file per till.
 */
export function sqliteOutbox(path: string): OutboxStorage {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const statements = {
    entries: db.prepare<[], { seq: number; entry: string }>('SELECT seq, entry FROM entries ORDER BY seq'),
    append: db.prepare<[string, string]>('INSERT INTO entries (id, entry) VALUES (?, ?)'),
    remove: db.prepare<[string]>('DELETE FROM entries WHERE id = ?'),
    removeSeq: db.prepare<[number]>('DELETE FROM entries WHERE seq = ?'),
    letters: db.prepare<[], { letter: string }>('SELECT letter FROM dead_letters ORDER BY seq'),
    addLetter: db.prepare<[string]>('INSERT INTO dead_letters (letter) VALUES (?)'),
    trimLetters: db.prepare<[number]>('DELETE FROM dead_letters WHERE seq <= (SELECT max(seq) FROM dead_letters) - ?'),
    links: db.prepare<[], { local_id: string; check_id: string; linked_at: number }>('SELECT * FROM links'),
    link: db.prepare<[string, string, number]>('INSERT OR REPLACE INTO links (local_id, check_id, linked_at) VALUES (?, ?, ?)'),
    pruneLinks: db.prepare<[number]>('DELETE FROM links WHERE linked_at < ?'),
    ruleSet: db.prepare<[], { saved: string }>('SELECT saved FROM rule_set'),
    saveRuleSet: db.prepare<[string]>('INSERT OR REPLACE INTO rule_set (only, saved) VALUES (1, ?)'),
  };

  const addLetter = (letter: DeadLetter) => {
    statements.addLetter.run(JSON.stringify(letter));
    statements.trimLetters.run(MAX_DEAD_LETTERS);
  };

  const load = db.transaction((now: number): StoredOutbox => {
    const entries: OutboxEntry[] = [];
    for (const row of statements.entries.all()) {
      const decoded = decode(OutboxEntry, row.entry);
      if (decoded.ok) {
        entries.push(decoded.value);
        continue;
      }
      statements.removeSeq.run(row.seq);
      addLetter({ failedAt: now, failure: { message: `The stored entry could not be read: ${decoded.error}` }, unreadable: row.entry });
    }
    statements.pruneLinks.run(now - LINK_RETENTION_MS);
    const deadLetters = statements.letters
      .all()
      .map((row) => decode(DeadLetter, row.letter))
      .flatMap((decoded) => (decoded.ok ? [decoded.value] : []));
    const links = statements.links
      .all()
      .map((row) => IdLink.parse({ localId: row.local_id, checkId: row.check_id, linkedAt: row.linked_at }));
    const saved = statements.ruleSet.get();
    const ruleSet = saved && decode(SavedRuleSet, saved.saved);
    return { entries, deadLetters, links, ruleSet: ruleSet?.ok ? ruleSet.value : undefined };
  });

  const delivered = db.transaction((entryId: string, link: IdLink | undefined) => {
    statements.remove.run(entryId);
    if (link) statements.link.run(link.localId, link.checkId, link.linkedAt);
  });

  const deadLetter = db.transaction((entryId: string, letter: DeadLetter) => {
    statements.remove.run(entryId);
    addLetter(letter);
  });

  return {
    async load() {
      return load(Date.now());
    },
    async append(entry) {
      statements.append.run(entry.id, JSON.stringify(entry));
    },
    async delivered(entryId, link) {
      delivered(entryId, link);
    },
    async deadLetter(entryId, letter) {
      deadLetter(entryId, letter);
    },
    async saveRuleSet(ruleSet) {
      statements.saveRuleSet.run(JSON.stringify(ruleSet));
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
