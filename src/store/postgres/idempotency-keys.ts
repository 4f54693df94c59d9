import type { IdempotencyKeysRepository } from '../idempotency-keys.js';
import type { Port } from '../port.js';
import { json, type Queryable } from './sql.js';

interface Row {
  request_fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  created_at: number;
}

/** Responses kept under a client's Idempotency-Key, per API key. */
export function idempotencyKeysRepository(sql: Queryable): Port<IdempotencyKeysRepository> {
  return {
    async find(keyId, idempotencyKey) {
      const [row] = await sql<Row[]>`SELECT * FROM idempotency_keys WHERE key_id = ${keyId} AND idempotency_key = ${idempotencyKey}`;
      if (!row) return undefined;
      return { requestFingerprint: row.request_fingerprint, status: row.status, headers: row.headers, body: row.body, createdAt: row.created_at };
    },
    /** Call inside a transaction. The first response under a key stands: a racing duplicate does not overwrite it. */
    async remember(keyId, idempotencyKey, response) {
      await sql`
        INSERT INTO idempotency_keys (key_id, idempotency_key, request_fingerprint, status, headers, body, created_at)
        VALUES (${keyId}, ${idempotencyKey}, ${response.requestFingerprint}, ${response.status}, ${json(response.headers)}::jsonb,
          ${response.body}, ${response.createdAt})
        ON CONFLICT DO NOTHING`;
    },
    /** Forgets responses remembered before `cutoff`; returns how many. */
    async forgetBefore(cutoff) {
      return (await sql`DELETE FROM idempotency_keys WHERE created_at < ${cutoff}`).count;
    },
  };
}
