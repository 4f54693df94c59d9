import type { Database } from 'better-sqlite3';
import type { KeyMode, Role } from '../contract/enums.js';
import type { ApiKeyRow } from './types.js';

interface KeyRecordRow {
  id: string;
  name: string;
  role: Role;
  mode: KeyMode;
  store_ids: string | null;
  secret_hash: string;
  prefix: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
}

function toKey(row: KeyRecordRow): ApiKeyRow {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    mode: row.mode,
    storeIds: row.store_ids === null ? null : JSON.parse(row.store_ids),
    secretHash: row.secret_hash,
    prefix: row.prefix,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  };
}

export type KeysRepository = ReturnType<typeof keysRepository>;

export function keysRepository(db: Database) {
  const insert = db.prepare(`
    INSERT INTO api_keys (id, name, role, mode, store_ids, secret_hash, prefix, created_at, created_by)
    VALUES (@id, @name, @role, @mode, @storeIds, @secretHash, @prefix, @createdAt, @createdBy)
  `);
  const bySecretHash = db.prepare<[string], KeyRecordRow>('SELECT * FROM api_keys WHERE secret_hash = ?');
  const byId = db.prepare<[string], KeyRecordRow>('SELECT * FROM api_keys WHERE id = ?');
  const all = db.prepare<[], KeyRecordRow>('SELECT * FROM api_keys ORDER BY created_at, id');
  const revoke = db.prepare<[number, string]>('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const activeAdmins = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND mode = 'live' AND revoked_at IS NULL",
  );

  return {
    insert(key: Omit<ApiKeyRow, 'revokedAt'>): void {
      insert.run({ ...key, storeIds: key.storeIds === null ? null : JSON.stringify(key.storeIds) });
    },
    findBySecretHash: (hash: string) => {
      const row = bySecretHash.get(hash);
      return row && toKey(row);
    },
    findById: (id: string) => {
      const row = byId.get(id);
      return row && toKey(row);
    },
    list: () => all.all().map(toKey),
    /** Returns false if there was no such active key. */
    revoke: (id: string, at: number) => revoke.run(at, id).changes === 1,
    /** Active live admin keys: the ones that can run the service (a test admin makes only test keys). */
    activeAdminCount: () => activeAdmins.get()!.n,
  };
}
