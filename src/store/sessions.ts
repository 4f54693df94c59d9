import type { Database } from 'better-sqlite3';

export interface SessionRow {
  keyId: string;
  createdAt: number;
  expiresAt: number;
}

export type SessionsRepository = ReturnType<typeof sessionsRepository>;

/** Dashboard sessions, by the hash of their token. */
export function sessionsRepository(db: Database) {
  const insert = db.prepare(
    'INSERT INTO dashboard_sessions (token_hash, key_id, created_at, expires_at) VALUES (@tokenHash, @keyId, @createdAt, @expiresAt)',
  );
  const find = db.prepare<[string, number], SessionRow>(
    'SELECT key_id AS keyId, created_at AS createdAt, expires_at AS expiresAt FROM dashboard_sessions WHERE token_hash = ? AND expires_at > ?',
  );
  const remove = db.prepare<[string]>('DELETE FROM dashboard_sessions WHERE token_hash = ?');
  const removeExpired = db.prepare<[number]>('DELETE FROM dashboard_sessions WHERE expires_at <= ?');

  return {
    insert(tokenHash: string, session: SessionRow): void {
      insert.run({ tokenHash, ...session });
    },
    /** The session, unless it has expired by `now`. */
    find: (tokenHash: string, now: number) => find.get(tokenHash, now),
    delete(tokenHash: string): void {
      remove.run(tokenHash);
    },
    deleteExpired(now: number): void {
      removeExpired.run(now);
    },
  };
}
