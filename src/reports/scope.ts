import type { Principal } from '../api-keys.js';
import { ApiError } from '../errors.js';
import { canActFor } from '../http/middleware/auth.js';

/**
 * The stores a report covers (null: every store). Asked-for stores must all be ones the key may see;
 * with none asked for, a key limited to some stores sees just those.
 */
export function storeScope(principal: Principal, requested: readonly string[] | undefined): string[] | null {
  if (requested === undefined || requested.length === 0) return principal.storeIds === null ? null : [...principal.storeIds].sort();
  const forbidden = requested.filter((storeId) => !canActFor(principal, storeId));
  if (forbidden.length > 0) {
    throw new ApiError(403, 'store_forbidden', { detail: `This key may not see store ${[...new Set(forbidden)].join(', ')}` });
  }
  return [...new Set(requested)].sort();
}
