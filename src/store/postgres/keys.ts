import type { KeyMode, Role } from '../../contract/enums.js';
import type { KeysRepository } from '../keys.js';
import type { Port } from '../port.js';
import type { ApiKeyRow } from '../types.js';
import { json, type Queryable } from './sql.js';

interface KeyRecordRow {
  id: string;
  name: string;
  role: Role;
  mode: KeyMode;
  store_ids: string[] | null;
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
    storeIds: row.store_ids,
    secretHash: row.secret_hash,
    prefix: row.prefix,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
  };
}

export function keysRepository(sql: Queryable): Port<KeysRepository> {
  return {
    async insert(key) {
      await sql`
        INSERT INTO api_keys (id, name, role, mode, store_ids, secret_hash, prefix, created_at, created_by)
        VALUES (${key.id}, ${key.name}, ${key.role}, ${key.mode}, ${key.storeIds === null ? null : json(key.storeIds)}::jsonb,
          ${key.secretHash}, ${key.prefix}, ${key.createdAt}, ${key.createdBy})`;
    },
    async findBySecretHash(hash) {
      const [row] = await sql<KeyRecordRow[]>`SELECT * FROM api_keys WHERE secret_hash = ${hash}`;
      return row && toKey(row);
    },
    async findById(id) {
      const [row] = await sql<KeyRecordRow[]>`SELECT * FROM api_keys WHERE id = ${id}`;
      return row && toKey(row);
    },
    async list() {
      return (await sql<KeyRecordRow[]>`SELECT * FROM api_keys ORDER BY created_at, id`).map(toKey);
    },
    /** Returns false if there was no such active key. */
    async revoke(id, at) {
      return (await sql`UPDATE api_keys SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`).count === 1;
    },
    async activeAdminCount() {
      const [row] = await sql<{ n: number }[]>`SELECT count(*) AS n FROM api_keys WHERE role = 'admin' AND mode = 'live' AND revoked_at IS NULL`;
      return row!.n;
    },
  };
}
