import type { Port } from '../port.js';
import type { SessionRow, SessionsRepository } from '../sessions.js';
import type { Queryable } from './sql.js';

/** Dashboard sessions, by the hash of their token. */
export function sessionsRepository(sql: Queryable): Port<SessionsRepository> {
  return {
    async insert(tokenHash, session) {
      await sql`
        INSERT INTO dashboard_sessions (token_hash, key_id, created_at, expires_at)
        VALUES (${tokenHash}, ${session.keyId}, ${session.createdAt}, ${session.expiresAt})`;
    },
    /** The session, unless it has expired by `now`. */
    async find(tokenHash, now) {
      const [row] = await sql<SessionRow[]>`
        SELECT key_id AS "keyId", created_at AS "createdAt", expires_at AS "expiresAt"
        FROM dashboard_sessions WHERE token_hash = ${tokenHash} AND expires_at > ${now}`;
      return row;
    },
    async delete(tokenHash) {
      await sql`DELETE FROM dashboard_sessions WHERE token_hash = ${tokenHash}`;
    },
    async deleteExpired(now) {
      await sql`DELETE FROM dashboard_sessions WHERE expires_at <= ${now}`;
    },
  };
}
