import type { ApiKey } from '../../../contract/keys.js';
import type { ApiKeyRow } from '../../../store/index.js';

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    mode: row.mode,
    storeIds: row.storeIds,
    prefix: row.prefix,
    createdAt: new Date(row.createdAt).toISOString(),
    revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt).toISOString(),
  };
}
