import type { Database } from 'better-sqlite3';

export interface RememberedResponse {
  /** What the request was: a digest of its method, path and body. */
  requestFingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  createdAt: number;
}

interface Row {
  request_fingerprint: string;
  status: number;
  headers: string;
  body: string;
  created_at: number;
}

export type IdempotencyKeysRepository = ReturnType<typeof idempotencyKeysRepository>;

/** Responses kept under a client's Idempotency-Key, per API key. */
export function idempotencyKeysRepository(db: Database) {
  const find = db.prepare<[string, string], Row>('SELECT * FROM idempotency_keys WHERE key_id = ? AND idempotency_key = ?');
  // The first response under a key stands: a racing duplicate does not overwrite it.
  const insert = db.prepare(`
    INSERT INTO idempotency_keys (key_id, idempotency_key, request_fingerprint, status, headers, body, created_at)
    VALUES (@keyId, @idempotencyKey, @requestFingerprint, @status, @headers, @body, @createdAt)
    ON CONFLICT DO NOTHING
  `);
  const removeOlder = db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?');

  return {
    find(keyId: string, idempotencyKey: string): RememberedResponse | undefined {
      const row = find.get(keyId, idempotencyKey);
      if (!row) return undefined;
      return {
        requestFingerprint: row.request_fingerprint,
        status: row.status,
        headers: JSON.parse(row.headers),
        body: row.body,
        createdAt: row.created_at,
      };
    },
    /** Call inside a transaction. */
    remember(keyId: string, idempotencyKey: string, response: RememberedResponse): void {
      insert.run({ keyId, idempotencyKey, ...response, headers: JSON.stringify(response.headers) });
    },
    /** Forgets responses remembered before `cutoff`; returns how many. */
    forgetBefore(cutoff: number): number {
      return removeOlder.run(cutoff).changes;
    },
  };
}
