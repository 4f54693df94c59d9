import type { Principal } from '../api-keys.js';
import { ApiError } from '../errors.js';
import type { PeriodFilter } from '../store/index.js';
import { canActFor } from './middleware/auth.js';

const DAY = 86_400_000;
export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 400;

/**
 * The period and stores a report or back-test covers: `to` defaults to now, `from` to 30 days
 * before it; at most 400 days. A key limited to some stores sees only those, and asking for
 * another store is refused rather than silently dropped.
 */
export function resolvePeriod(
  query: { from?: string | undefined; to?: string | undefined; storeIds?: readonly string[] | undefined },
  principal: Principal,
  now: number,
): PeriodFilter {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - DEFAULT_PERIOD_DAYS * DAY;
  if (from >= to) {
    throw new ApiError(400, 'validation_failed', {
      detail: 'from must be before to',
      errors: [{ field: 'from', code: 'too_big', message: 'from must be before to' }],
    });
  }
  if (to - from > MAX_PERIOD_DAYS * DAY) {
    throw new ApiError(400, 'validation_failed', {
      detail: `A period is at most ${MAX_PERIOD_DAYS} days`,
      errors: [{ field: 'from', code: 'too_small', message: `A period is at most ${MAX_PERIOD_DAYS} days` }],
    });
  }
  const asked = query.storeIds?.length ? [...new Set(query.storeIds)] : null;
  for (const storeId of asked ?? []) {
    if (!canActFor(principal, storeId)) throw new ApiError(403, 'store_forbidden', { detail: `This key may not see store ${storeId}` });
  }
  return { from, to, storeIds: asked ?? principal.storeIds };
}
